"""Builders for proposal tests: a compound with owners, and a proposal walked to voting."""
from datetime import datetime, timedelta

from app.extensions import db
from app.proposals import services, summary
from app.proposals.periods import CST, earliest_voting_start
from tests.factories import grant, make_compound, make_resident, make_staff, make_unit, make_user

T0 = datetime(2026, 6, 2, 9, 0, tzinfo=CST)  # notice published (a Tuesday)


def summarise(actor, proposal, text="居民意见已归纳。"):
    """The consultation summary that submit_review needs."""
    return summary.write_summary(actor, proposal, text)


class World:
    """A compound with a party cell, a council, staff, and owners of units."""

    def __init__(self, n_owners=6, area="100.00"):
        self.compound = make_compound("测试小区")
        self.party = make_user(name="党支部书记")
        grant(self.party, self.compound, "party_cell")
        self.council = []
        for i in range(5):
            member = make_user(name=f"议事会{i}")
            grant(member, self.compound, "council")
            self.council.append(member)
        self.committee = make_user(name="业委会主任")
        grant(self.committee, self.compound, "committee")
        self.staff = make_staff(self.compound)
        self.owners, self.units = [], []
        for i in range(n_owners):
            user = make_user(name=f"业主{i}")
            unit = make_unit(self.compound, building="1", room=f"{101 + i}", area=area,
                             owners=[(user.display_name, user.mobile)])
            make_resident(user, unit, "owner")
            self.owners.append(user)
            self.units.append(unit)
        db.session.commit()

    def co_owners(self, room="808"):
        """A unit held by a couple, both verified owners: (wife, husband, unit). The wife, first
        on the roster, is the holding's designated voter."""
        wife, husband = make_user(name="王芳"), make_user(name="李强")
        unit = make_unit(self.compound, room=room, owners=[(wife.display_name, wife.mobile),
                                                         (husband.display_name, husband.mobile)])
        make_resident(wife, unit)
        make_resident(husband, unit)
        db.session.commit()
        return wife, husband, unit

    def proposal(self, kind="owners", matter=1, **kw):
        p = services.create(self.party, self.compound, title="更换电梯", body="**理由**",
                            kind=kind, matter=matter if kind == "owners" else None, **kw)
        for name, actor in [("open_consultation", self.party), ("submit_review", self.party),
                            ("approve_review", self.party)]:
            if name == "submit_review":
                summarise(self.party, p)
            services.transition(actor, p, name)
        db.session.commit()
        return p

    def to_voting(self, proposal, days=7):
        opens = earliest_voting_start(T0, 15)
        services.publish_notice(self.committee, proposal, opens_at=opens,
                                closes_at=opens + timedelta(days=days), now=T0)
        services.open_voting(proposal, now=opens)
        db.session.commit()
        return opens + timedelta(hours=1)  # a moment inside the voting window
