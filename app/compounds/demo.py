"""The demo compound 锦华苑 with one account per role, built through the same services as
real use (so every row is in the audit chain and `flask audit verify` passes afterwards)."""
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app.accounts.models import User
from app.accounts.recovery import prove
from app.accounts.services import create_admin, register_user
from app.audit.services import record
from app.compounds import claims, levels, roles
from app.compounds.access import forget_roles
from app.compounds.letters import issue_codes
from app.compounds.models import Building, Community, Compound, InviteCode, Subdistrict, Unit
from app.compounds.roster import apply_upload, stage_upload
from app.compounds.services import assign_staff
from app.extensions import db

SUBDISTRICT = "玉林街道"
COMMUNITY = "玉林东路社区"
COMPOUND = "锦华苑"
# A second, small community of the same subdistrict: what the subdistrict's staff see beside it.
SECOND_COMMUNITY = "玉林西路社区"
SECOND_COMPOUND = "芳邻小区"
SECOND_ROSTER = (  # 楼栋, 单元, 房号, 面积
    ("1", "1", "101", "72.40"), ("1", "1", "102", "72.40"), ("1", "1", "201", "72.40"),
    ("1", "1", "202", "72.40"), ("2", "1", "101", "95.10"), ("2", "1", "201", "95.10"))
SECOND_OWNERS = (("冯丽", "19900021001"), ("蒋涛", "19900021002"), ("韩雪", "19900021003"),
                 ("杨帆", "19900021004"), ("朱琳", "19900021005"), ("秦海", "19900021006"))
ROSTER_FILE = Path(__file__).parent / "data" / "jinhua_roster.csv"
# One password for every demo account: long enough, not in the common-password list, ASCII so
# that it can be typed in a password field (input methods are off there).
DEMO_PASSWORD = "Jinhua-Demo-2026"  # noqa: S105  (printed on purpose: demo data only)


@dataclass(frozen=True)
class DemoAccount:
    role: str  # what the table shows
    mobile: str
    name: str
    grant: str | None = None  # a role granted in the compound
    units: tuple[str, ...] = ()  # 楼栋-单元-房号 the account is verified for
    relation: str = "owner"
    party_member: bool = False  # declares membership; the party cell confirms it
    subdistrict_staff: bool = False  # assigned to the subdistrict (reads its compounds)


# Council, committee, party member and owner are owners on the roster (same mobile).
ACCOUNTS = (
    DemoAccount("系统管理员 admin", "19900000001", "系统管理员"),
    DemoAccount("社区工作者 staff", "19900000002", "社区 王芳"),
    DemoAccount("小区党支部书记 party_cell", "19900000003", "周建华", grant="party_cell"),
    DemoAccount("议事会成员 council", "19900010003", "王建国", grant="council",
                units=("3-1-802",)),
    DemoAccount("业委会成员 committee", "19900010005", "张德明", grant="committee",
                units=("4-2-1001",)),
    DemoAccount("物业 property", "19900000004", "物业 李经理", grant="property"),
    DemoAccount("网格员 grid", "19900000005", "网格员 赵敏", grant="grid"),
    DemoAccount("党员居民 party_member", "19900010002", "刘桂兰", units=("2-1-601",),
                party_member=True),
    DemoAccount("业主（三套房）owner", "19900010001", "陈志强",
                units=("1-1-1201", "3-2-502", "5-1-301")),
    DemoAccount("租户 tenant", "19900000006", "孙磊", units=("1-2-302",), relation="tenant"),
    DemoAccount("街道工作人员 subdistrict", "19900000007", "街道 陈科长", subdistrict_staff=True),
)


@dataclass
class SeedResult:
    created: bool
    compound: Compound | None
    accounts: tuple[DemoAccount, ...] = ACCOUNTS
    message: str = ""


def demo_compound() -> Compound | None:
    return db.session.scalar(select(Compound).join(Community).join(Subdistrict).where(
        Compound.name == COMPOUND, Community.name == COMMUNITY,
        Subdistrict.name == SUBDISTRICT))


def seed_demo(*, if_empty: bool = False) -> SeedResult:
    """Build the demo, or leave the database alone: with `if_empty` when any compound exists,
    otherwise when the demo compound does. Flushes; the caller commits."""
    if if_empty and db.session.scalar(select(Compound.id).limit(1)) is not None:
        return SeedResult(False, None, message="数据库里已有小区，未写入演示数据。")
    existing = demo_compound()
    if existing is not None:
        return SeedResult(False, existing, message="演示小区已存在，未重复写入。")
    admin_spec, staff_spec, *others = ACCOUNTS
    admin = create_admin(admin_spec.mobile, admin_spec.name, DEMO_PASSWORD)
    prove(admin, "demo_seed")
    compound, community = _structure(admin)
    subdistrict = db.session.get(Subdistrict, community.subdistrict_id)
    _second_community(admin, subdistrict)
    staff = register_user(staff_spec.mobile, staff_spec.name, DEMO_PASSWORD, consented=True)
    prove(staff, "demo_seed")
    assign_staff(admin, community, staff)
    forget_roles()
    _roster(staff, compound)
    users = {}
    for spec in others:
        user = users[spec] = register_user(spec.mobile, spec.name, DEMO_PASSWORD,
                                           consented=True)
        # The demo numbers can receive no SMS; count them as proven, as if their owners had
        # typed back the code, so that owners are verified by their letters below.
        prove(user, "demo_seed")
        if spec.grant:
            roles.grant_role(staff, compound, user, spec.grant)
        if spec.subdistrict_staff:
            levels.assign_subdistrict_staff(admin, subdistrict, user)
        for number in spec.units:  # with the unit's letter, as a resident would
            claims.claim_by_code(user, code_for(compound, number), spec.relation)
    secretary = next(u for spec, u in users.items() if spec.grant == "party_cell")
    for spec, user in users.items():
        if spec.party_member:
            request = roles.declare_party(user, compound)
            roles.confirm_party(secretary, compound, request)
    forget_roles()
    return SeedResult(True, compound, message="演示数据已写入。")


def _structure(admin: User) -> tuple[Compound, Community]:
    subdistrict = db.session.scalar(select(Subdistrict).where(Subdistrict.name == SUBDISTRICT))
    if subdistrict is None:
        subdistrict = Subdistrict(name=SUBDISTRICT)
        db.session.add(subdistrict)
    community = Community(subdistrict=subdistrict, name=COMMUNITY)
    compound = Compound(community=community, name=COMPOUND)
    db.session.add_all([community, compound])
    db.session.flush()
    record(admin, compound, "compound.created", compound,
           {"subdistrict": SUBDISTRICT, "community": COMMUNITY, "compound": COMPOUND},
           also=[subdistrict, community], actor_role="admin")
    return compound, community


def _second_community(admin: User, subdistrict: Subdistrict) -> Compound:
    """玉林西路社区 with 芳邻小区, a few units and no residents yet, made as an admin would."""
    community = levels.create_community(admin, subdistrict, SECOND_COMMUNITY)
    compound = levels.create_compound(admin, community, SECOND_COMPOUND)
    header = "楼栋,单元,房号,面积,面积来源,业主姓名,业主手机,开发商持有"
    lines = [header] + [",".join((*row, "登记", name, mobile, "否"))
                        for row, (name, mobile) in zip(SECOND_ROSTER, SECOND_OWNERS, strict=True)]
    staged = stage_upload(admin, compound, "fangling_roster.csv",
                          ("\n".join(lines) + "\n").encode("utf-8"))
    if staged.upload is None:
        raise RuntimeError("the second demo roster has problems")
    apply_upload(admin, compound, staged.upload.id)
    return compound


def _roster(staff: User, compound: Compound) -> None:
    staged = stage_upload(staff, compound, ROSTER_FILE.name, ROSTER_FILE.read_bytes())
    if staged.upload is None:
        problems = "; ".join(f"{p.row}/{p.column}: {p.message}" for p in staged.parsed.problems)
        raise RuntimeError(f"the demo roster has problems: {problems}")
    apply_upload(staff, compound, staged.upload.id)
    for building in db.session.scalars(select(Building).where(
            Building.compound_id == compound.id)):
        issue_codes(staff, compound, building)


def code_for(compound: Compound, number: str) -> str:
    building, entrance, room = number.split("-")
    return db.session.scalar(
        select(InviteCode.code).join(Unit).join(Building, Unit.building_id == Building.id)
        .where(Unit.compound_id == compound.id, Building.name == building,
               Unit.entrance == entrance, Unit.room == room,
               InviteCode.used_at.is_(None), InviteCode.revoked_at.is_(None)))


def _pad(text: str, width: int) -> str:
    """Left-justify by display width: a Chinese character takes two columns."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(1, width - used)


def account_table(result: SeedResult) -> list[str]:
    """The lines printed after seeding: role, mobile, password (and name)."""
    lines = [f"{COMPOUND}（{SUBDISTRICT} {COMMUNITY}）",
             _pad("角色 role", 32) + _pad("手机号 mobile", 16) + _pad("密码 password", 20)
             + "称呼 name"]
    for spec in result.accounts:
        lines.append(_pad(spec.role, 32) + _pad(spec.mobile, 16) + _pad(DEMO_PASSWORD, 20)
                     + spec.name)
    return lines
