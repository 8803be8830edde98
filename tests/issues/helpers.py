"""A compound with every role that acts on issues, owners in two buildings and a tenant."""
import io

from PIL import Image

from app.extensions import db
from app.issues import services
from tests.factories import grant, make_compound, make_resident, make_staff, make_unit, make_user


class IssueWorld:
    def __init__(self, n_owners=4, threshold=10):
        self.compound = make_compound("锦华苑测试")
        self.compound.second_threshold = threshold
        self.party = make_user(name="党支部书记")
        grant(self.party, self.compound, "party_cell")
        self.council = make_user(name="议事会成员")
        grant(self.council, self.compound, "council")
        self.committee = make_user(name="业委会主任")
        grant(self.committee, self.compound, "committee")
        self.property = make_user(name="物业李经理")
        grant(self.property, self.compound, "property")
        self.grid = make_user(name="网格员赵敏")
        grant(self.grid, self.compound, "grid")
        self.staff = make_staff(self.compound)
        self.owners, self.units = [], []
        for i in range(n_owners):
            user = make_user(name=f"业主{i}")
            unit = make_unit(self.compound, building=str(3 + i % 2), room=f"{101 + i}",
                             owners=[(user.display_name, user.mobile)])
            make_resident(user, unit, "owner")
            self.owners.append(user)
            self.units.append(unit)
        self.tenant = make_user(name="租户小陈")
        make_resident(self.tenant, make_unit(self.compound, building="5"), "tenant")
        self.other = make_compound("别的小区")
        self.outsider = make_user(name="外小区居民")
        make_resident(self.outsider, make_unit(self.other), "owner")
        db.session.commit()

    def household_member(self, index=0, name="家属"):
        """Another verified person of owner `index`'s household (same unit)."""
        user = make_user(name=name)
        make_resident(user, self.units[index], "family")
        db.session.commit()
        return user

    def new_household(self, building="6"):
        user = make_user()
        make_resident(user, make_unit(self.compound, building=building), "owner")
        return user

    def issue(self, author=None, **kw):
        fields = {"title": "3栋路灯坏了", "body": "一周了，晚上很黑。", "category": "公共设施"}
        fields.update(kw)
        issue = services.post_issue(author or self.owners[0], self.compound, **fields)
        db.session.commit()
        return issue


def jpeg_bytes(size=(40, 30), exif=None, color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG", **({"exif": exif} if exif else {}))
    return buffer.getvalue()


def gps_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (30.0, 39.0, 36.0), 3: "E", 4: (104.0, 4.0, 12.0)}
    exif[0x8825] = gps  # GPSInfo
    return exif.tobytes()
