"""议事会商议 gates the voting notice: publish_notice is refused unless a meeting of the right
body (the council; the owners' committee for its own resolutions) had the proposal on its
agenda, started, reached its quorum and recorded 提交表决 on it (DESIGN §2, §3)."""
from datetime import timedelta

import pytest

from app.core.errors import Conflict, ServiceError
from app.extensions import db
from app.meetings import decisions, queries
from app.meetings import services as meetings
from app.proposals import services
from app.proposals.periods import earliest_voting_start
from tests.proposals.helpers import COUNCIL_OPINION, T0, World


def _meeting(w, p, *, body="council", convener=None, starts=T0 - timedelta(hours=2)):
    convener = convener or (w.party if body == "council" else w.committee)
    meeting = meetings.convene(convener, w.compound, meetings.ConveneInput(
        body=body, title="第五次议事会", place="活动室", starts_at=starts,
        proposal_ids=[p.id]), now=starts - timedelta(days=8))
    db.session.commit()
    return meeting


def _attend(w, meeting, present):
    rows = [r for r in meetings.attendance_of(meeting) if r.is_member]
    meetings.record_attendance(meeting_convener(w, meeting), w.compound, meeting, {
        r.id: "present" if i < present else "absent" for i, r in enumerate(rows)},
        now=meeting.starts_at)


def meeting_convener(w, meeting):
    return w.party if meeting.body == "council" else w.committee


def _decide(w, meeting, outcome="to_vote"):
    decisions.record_decision(meeting_convener(w, meeting), w.compound, meeting,
                              meeting.agenda[0].id, outcome, "",
                              now=meeting.starts_at + timedelta(minutes=30))
    db.session.commit()


def _publish(w, p):
    opens = earliest_voting_start(T0, 15)
    return services.publish_notice(w.committee, p, opens_at=opens, opinion=COUNCIL_OPINION,
                                   closes_at=opens + timedelta(days=7), now=T0)


def _refused_with(w, p, words):
    with pytest.raises(ServiceError) as exc:
        _publish(w, p)
    assert exc.value.status == 409 and words in str(exc.value.message), exc.value.message
    db.session.rollback()
    assert p.state == "deliberation"


@pytest.fixture
def w(app):
    return World(n_owners=2)


def test_refused_without_any_meeting(w):
    _refused_with(w, w.proposal(), "还没有列入议事会会议的议程")


def test_refused_while_the_meeting_has_not_started(w):
    p = w.proposal()
    _meeting(w, p, starts=T0 + timedelta(days=1))
    _refused_with(w, p, "定于")


def test_refused_without_the_quorum(w):
    p = w.proposal()
    meeting = _meeting(w, p)
    _attend(w, meeting, present=5)
    _decide(w, meeting)
    _attend(w, meeting, present=2)  # attendance put right afterwards: 2 of 5 came
    db.session.commit()
    _refused_with(w, p, "出席成员未过半数（2 / 5 人）")


def test_refused_without_the_decision_to_vote(w):
    p = w.proposal()
    meeting = _meeting(w, p)
    _attend(w, meeting, present=3)
    db.session.commit()
    _refused_with(w, p, "还没有记录对这个议案的决定")
    _decide(w, meeting, "deferred")
    _refused_with(w, p, "“暂缓”")


def test_refused_with_a_meeting_of_the_wrong_body(w):
    council_resolution = w.proposal(kind="council")  # council_body "council"
    meeting = _meeting(w, council_resolution, body="committee")
    _attend(w, meeting, present=1)
    _decide(w, meeting)
    _refused_with(w, council_resolution, "须由议事会会议商议")
    committee_resolution = w.proposal(kind="council", council_body="committee")
    meeting = _meeting(w, committee_resolution, body="council")
    _attend(w, meeting, present=5)
    _decide(w, meeting)
    _refused_with(w, committee_resolution, "须由业委会会议商议")
    w.council_decides(committee_resolution)  # the committee meets and decides
    _publish(w, committee_resolution)
    assert committee_resolution.state == "notice"


def test_accepted_after_a_held_meeting_decided_to_put_it_to_a_vote(w):
    p = w.proposal()
    meeting = _meeting(w, p)
    _attend(w, meeting, present=3)
    _decide(w, meeting)
    found = queries.vote_decision_for(p, T0)
    assert found.ok and found.meeting == meeting and found.decision.outcome == "to_vote"
    _publish(w, p)
    assert p.state == "notice"


def test_a_decision_the_notice_stands_on_cannot_be_changed_afterwards(app):
    w = World(n_owners=1)
    p = w.proposal()
    meeting = w.council_decides(p)
    item = meeting.agenda[0].id
    _publish(w, p)
    db.session.commit()
    with pytest.raises(Conflict):
        decisions.record_decision(w.party, w.compound, meeting, item, "deferred", now=T0)
    db.session.rollback()
    # Reworded, the decision itself may still be put right until the minutes are published.
    decisions.record_decision(w.party, w.compound, meeting, item, "to_vote", "一致同意", now=T0)
