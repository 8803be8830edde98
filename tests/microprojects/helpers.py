"""A compound with households, a council, a party cell, staff and a community fund, and a
round walked to any stage through the services."""
from datetime import timedelta

from app.core.time import utcnow
from app.extensions import db
from app.funds import services as funds
from app.microprojects import delivery, ideas, rounds, votes
from tests.factories import grant, make_compound, make_resident, make_staff, make_unit, make_user

LATER = timedelta(days=40)


class World:
    def __init__(self, households=4, source="community_security"):
        self.compound = make_compound("锦华苑")
        self.staff = make_staff(self.compound)
        self.council = make_user(name="议事会老张")
        grant(self.council, self.compound, "council")
        self.party = make_user(name="支部书记")
        grant(self.party, self.compound, "party_cell")
        self.committee = make_user(name="业委会主任")
        grant(self.committee, self.compound, "committee")
        self.property = make_user(name="物业经理")
        grant(self.property, self.compound, "property")
        self.units, self.owners = [], []
        for i in range(households):
            owner = make_user(name=f"业主{i}")
            unit = make_unit(self.compound, building=str(1 + i % 3), room=f"{101 + i}",
                             owners=[(owner.display_name, owner.mobile)])
            make_resident(owner, unit, "owner")
            self.units.append(unit)
            self.owners.append(owner)
        from app.compounds.models import Community

        if source.startswith("community"):
            where = {"community": db.session.get(Community, self.compound.community_id)}
            keeper = self.staff
        else:
            where, keeper = {"compound": self.compound}, self.committee
        self.fund = funds.create_fund(keeper, source=source, year=2026, name="社区保障资金",
                                      budget_fen=35_000_000, **where)
        db.session.commit()

    def round(self, cap=10_000_000, now=None):
        now = now or utcnow()
        return rounds.create_round(self.staff, self.compound, fund_id=self.fund.id,
                                   title="2026年微项目", body="", budget_cap=cap,
                                   collect_until=now + timedelta(days=10), now=now)

    def idea(self, project_round, author=None, title="加装晾衣架", estimate=3_000_000,
             now=None):
        return ideas.propose(author or self.owners[0], project_round, title=title, body="",
                             location="3栋北侧", estimate=estimate,
                             now=now or project_round.created_at)

    def to_candidates(self, project_round, projects):
        now = project_round.collect_until + timedelta(minutes=1)
        rounds.close_collection(self.staff, project_round, now=now)
        for p in projects:
            ideas.review(self.council, p, "shortlist")
        rounds.finish_review(self.council, project_round, now=now)
        for p in projects:
            ideas.review(self.party, p, "endorse", "符合群众需求")
        rounds.publish_candidates(self.party, project_round, now=now)
        return now

    def to_voting(self, project_round, projects):
        self.to_candidates(project_round, projects)
        now = project_round.candidates_until + timedelta(minutes=1)
        rounds.open_voting(self.staff, project_round, now=now)
        return now

    def vote(self, project_round, owner_index, projects, now):
        return votes.cast(self.owners[owner_index], project_round, [p.id for p in projects],
                          now=now)

    def to_implementing(self, project_round, projects, ballots):
        now = self.to_voting(project_round, projects)
        for i, chosen in enumerate(ballots):
            self.vote(project_round, i, chosen, now)
        end = project_round.voting_closes_at + timedelta(minutes=1)
        rounds.close_voting(self.staff, project_round, now=end)
        rounds.decide(self.council, project_round, "同意按投票结果实施。", now=end)
        rounds.publish_result(self.staff, project_round, now=end)
        return end

    def finish(self, project):
        delivery.post_milestone(self.property, project, note="完工", progress=100)
        delivery.accept(self.council, project, "验收合格")
