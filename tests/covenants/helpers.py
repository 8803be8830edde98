"""A compound for covenant tests: drafters, staff, owners (one with a family member in the
same unit), a tenant, a party member showing the badge, and an outsider; plus walking a
version through review and a real vote."""
from datetime import datetime, timedelta

from app.compounds import roles
from app.covenants import adoption, services
from app.extensions import db
from app.proposals import ballots
from app.proposals import services as proposal_services
from app.proposals.periods import CST, earliest_voting_start
from tests.factories import grant, make_compound, make_resident, make_staff, make_unit, make_user
from tests.proposals.helpers import summarise

T0 = datetime(2026, 6, 2, 9, 0, tzinfo=CST)
ARTICLES = ("爱护公共设施，不在楼道堆放杂物。\n\n垃圾分类投放，不高空抛物。\n\n"
            "文明养犬，及时清理宠物粪便。")


class CovenantWorld:
    def __init__(self, n_owners=4):
        self.compound = make_compound("锦华苑公约测试")
        self.party = make_user(name="党支部书记")
        grant(self.party, self.compound, "party_cell")
        self.committee = make_user(name="业委会主任")
        grant(self.committee, self.compound, "committee")
        self.staff = make_staff(self.compound)
        self.owners, self.units = [], []
        for i in range(n_owners):
            user = make_user(name=f"业主{i}")
            unit = make_unit(self.compound, building="1", room=f"{101 + i}", area="100.00",
                             owners=[(user.display_name, user.mobile)])
            make_resident(user, unit, "owner")
            self.owners.append(user)
            self.units.append(unit)
        self.family = make_user(name="家属")
        make_resident(self.family, self.units[0], "family")
        self.tenant = make_user(name="租户")
        make_resident(self.tenant, make_unit(self.compound, building="2"), "tenant")
        self.member = self.owners[1]
        self.other = make_compound("别的小区")
        self.outsider = make_user(name="外小区居民")
        make_resident(self.outsider, make_unit(self.other), "owner")
        db.session.commit()
        req = roles.declare_party(self.member, self.compound)
        roles.confirm_party(self.party, self.compound, req)
        self.member.shows_party_badge = True
        db.session.commit()

    def draft(self, kind="residents", title="锦华苑居民公约", articles=ARTICLES):
        version = services.create_covenant(self.party, self.compound, kind=kind, title=title,
                                           articles=articles)
        db.session.commit()
        return version

    def approved(self, version):
        services.close_consultation(self.party, version)
        services.submit_review(self.party, version)
        services.approve_review(self.staff, version)
        db.session.commit()
        return version

    def vote(self, version, kind="consultation", yes=True, share=1.0):
        """Create the proposal from the version and walk it to a published final result."""
        return self.walk_vote(adoption.create_proposal(self.party, version, kind=kind),
                              yes=yes, share=share)

    def walk_vote(self, p, yes=True, share=1.0):
        kind = p.kind
        for name in ("open_consultation", "submit_review", "approve_review"):
            if name == "submit_review":
                summarise(self.party, p)
            proposal_services.transition(self.party, p, name)
        opens = earliest_voting_start(T0, 15) if kind == "owners" else T0 + timedelta(hours=1)
        proposal_services.publish_notice(self.committee, p, opens_at=opens,
                                         closes_at=opens + timedelta(days=7), now=T0)
        proposal_services.open_voting(p, now=opens)
        voters = [*self.owners, self.family, self.tenant] if kind == "consultation" \
            else self.owners
        for user in voters[:max(1, round(len(voters) * share))]:
            for m in ballots.members_for_voter(p, user):
                ballots.cast_in_person(p.id, m.id, user, "yes" if yes else "no",
                                       now=opens + timedelta(hours=1))
        closes = opens + timedelta(days=7)
        proposal_services.close_voting(p, now=closes)
        proposal_services.publish_result(self.staff, p, now=closes + timedelta(days=10))
        db.session.commit()
        return p

    def in_force(self, kind="residents", articles=ARTICLES):
        version = self.approved(self.draft(kind=kind, articles=articles))
        self.vote(version, kind="consultation" if kind == "residents" else "owners")
        adoption.adopt(self.party, version)
        adoption.publish(self.staff, version, "街备〔2026〕1号")
        db.session.commit()
        return version
