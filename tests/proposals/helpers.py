"""Builders for proposal tests: a compound with owners, and a proposal walked to voting."""
from datetime import datetime, timedelta

from app.core.time import utcnow
from app.extensions import db
from app.meetings import decisions
from app.meetings import services as meetings
from app.meetings.queries import deciding_body
from app.proposals import services, summary
from app.proposals.periods import CST, earliest_voting_start
from tests.factories import grant, make_compound, make_resident, make_staff, make_unit, make_user

T0 = datetime(2026, 6, 2, 9, 0, tzinfo=CST)  # notice published (a Tuesday)
REVIEW_OPINION = "同意提交议事会商议。"
COUNCIL_OPINION = "经议事会商议，同意付诸表决。"


def to_deliberation(proposal, proposer, reviewer, now=None):
    """征求意见 → 党组织审议 → 议事会商议: the consultation opened long enough before `now` for
    the minimum to have run, reviewed with a written opinion by someone other than the
    proposer."""
    now = now or utcnow()
    services.transition(proposer, proposal, "open_consultation", now=now - timedelta(days=30))
    summarise(proposer, proposal)
    services.transition(proposer, proposal, "submit_review", now=now - timedelta(seconds=2))
    services.transition(reviewer, proposal, "approve_review", REVIEW_OPINION,
                        now=now - timedelta(seconds=1))


def summarise(actor, proposal, text="居民意见已归纳。"):
    """The consultation summary that submit_review needs."""
    return summary.write_summary(actor, proposal, text)


class World:
    """A compound with a party cell, a council, staff, and owners of units."""

    def __init__(self, n_owners=6, area="100.00"):
        self.compound = make_compound("测试小区")
        self.party = make_user(name="党支部书记")
        grant(self.party, self.compound, "party_cell")
        # Reviews what the secretary proposes: no one reviews their own proposal.
        self.party_deputy = make_user(name="党支部委员")
        grant(self.party_deputy, self.compound, "party_cell")
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
        to_deliberation(p, self.party, self.party_deputy)
        db.session.commit()
        return p

    def council_decides(self, proposal, at=None):
        """议事会商议 (the committee's for a committee resolution): a meeting held shortly
        before `at` (default T0, or now if earlier), every member present, decides to put
        `proposal` to a vote."""
        convener = self.party if deciding_body(proposal) == "council" else self.committee
        return hold_deciding_meeting(self.compound, proposal, convener, at)

    def to_voting(self, proposal, days=7):
        self.council_decides(proposal)
        opens = earliest_voting_start(T0, 15)
        services.publish_notice(self.committee, proposal, opens_at=opens,
                                closes_at=opens + timedelta(days=days),
                                opinion=COUNCIL_OPINION, now=T0)
        services.open_voting(proposal, now=opens)
        db.session.commit()
        return opens + timedelta(hours=1)  # a moment inside the voting window


def hold_deciding_meeting(compound, proposal, convener, at=None):
    """A meeting of the body that deliberates `proposal`, convened by `convener` 8 days before
    it starts an hour before `at`: every member present, the decision 提交表决 recorded."""
    at = at or min(T0, utcnow())
    starts = at - timedelta(hours=1)
    meeting = meetings.convene(convener, compound, meetings.ConveneInput(
        body=deciding_body(proposal), title="商议议案", place="活动室", starts_at=starts,
        proposal_ids=[proposal.id]), now=starts - timedelta(days=8))
    meetings.record_attendance(convener, compound, meeting, {
        row.id: "present" for row in meetings.attendance_of(meeting)}, now=starts)
    decisions.record_decision(convener, compound, meeting, meeting.agenda[0].id, "to_vote",
                              now=starts + timedelta(minutes=30))
    db.session.commit()
    return meeting
