"""A compound with every role that acts on notices: staff, the party cell, the committee, a
council member, owners in their own flats (one with a family member), a tenant, and a
resident of another compound."""
from app.extensions import db
from app.notices import services
from app.proposals import services as proposal_services
from app.proposals.models import ProposalResult
from tests.factories import grant, make_compound, make_resident, make_staff, make_unit, make_user


class NoticeWorld:
    def __init__(self, n_owners=4):
        self.compound = make_compound("锦华苑测试")
        self.staff = make_staff(self.compound)
        self.party = make_user(name="党支部书记")
        grant(self.party, self.compound, "party_cell")
        self.committee = make_user(name="业委会主任")
        grant(self.committee, self.compound, "committee")
        self.council = make_user(name="议事会成员")
        grant(self.council, self.compound, "council")
        self.owners, self.units = [], []
        for i in range(n_owners):
            user = make_user(name=f"业主{i}")
            unit = make_unit(self.compound, building="3", room=f"{101 + i}",
                             owners=[(user.display_name, user.mobile)])
            make_resident(user, unit, "owner")
            self.owners.append(user)
            self.units.append(unit)
        self.family = make_user(name="业主0家属")
        make_resident(self.family, self.units[0], "family")
        self.tenant = make_user(name="租户小陈")
        make_resident(self.tenant, make_unit(self.compound, building="5"), "tenant")
        self.other = make_compound("别的小区")
        self.outsider = make_user(name="外小区居民")
        make_resident(self.outsider, make_unit(self.other), "owner")
        self.outside_staff = make_staff(self.other, make_user(name="别的社区工作者"))
        db.session.commit()

    def draft(self, actor=None, **kw):
        fields = {"kind": "general", "title": "停水通知", "body": "12月1日 9:00—17:00 停水。"}
        fields.update(kw)
        notice = services.create_draft(actor or self.staff, self.compound, **fields)
        db.session.commit()
        return notice

    def published(self, actor=None, **kw):
        notice = self.draft(actor, **kw)
        services.publish(actor or self.staff, notice)
        db.session.commit()
        return notice

    def proposal_with_result(self, compound=None):
        proposal = proposal_services.create(self.party, compound or self.compound,
                                            title="中心花园改造", body="两个方案",
                                            kind="consultation",
                                            options=["方案一", "方案二"])
        db.session.add(ProposalResult(proposal_id=proposal.id, stage="preliminary", result={}))
        db.session.commit()
        return proposal
