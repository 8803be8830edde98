"""Stages take their time (DESIGN §3): a minimum consultation set by the compound, a written
opinion at every advance by a named role, no one reviewing their own proposal, and an
objection window after every owners' and council vote counted as 民法典 第二百零一至二百零三条
say. The rules a stage uses are kept on the proposal when it enters the stage."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.core.errors import PermissionDenied, ServiceError
from app.extensions import db
from app.proposals import ballots, services, stages
from app.proposals.models import ProposalEvent
from app.proposals.periods import CST, earliest_voting_start
from app.site import rules as settings
from tests.proposals.helpers import COUNCIL_OPINION, REVIEW_OPINION, T0, World, summarise

OPENED = datetime(2026, 6, 2, 9, 0, tzinfo=CST)  # a Tuesday, no holiday near


def _consulting(w, opened=OPENED):
    p = services.create(w.party, w.compound, title="更换电梯", body="理由", kind="owners",
                        matter=4)
    services.transition(w.party, p, "open_consultation", now=opened)
    summarise(w.party, p)  # the summary is there: these tests are about the dates
    db.session.commit()
    return p


def _rules(w, **changes):
    values = {**settings.current(w.compound), **changes}
    return settings.update(w.staff, w.compound, values)


@pytest.mark.parametrize(("days", "last_day"), [(7, 9), (10, 12)])
def test_submit_review_waits_for_the_compound_minimum_and_says_from_when(app, days, last_day):
    w = World(n_owners=1)
    _rules(w, min_consultation_days=days)
    p = _consulting(w)
    assert p.consultation_days == days
    # The day it opened is not counted; the last day runs to 24:00 China time.
    ends = datetime(2026, 6, last_day, tzinfo=CST) + timedelta(days=1)
    assert stages.consultation_ends_at(p) == ends
    with pytest.raises(ServiceError) as refused:
        services.submit_review(w.party, p, now=ends - timedelta(seconds=1))
    message = str(refused.value.message)
    assert f"不少于 {days} 日" in message and f"2026年6月{last_day + 1}日" in message
    db.session.rollback()
    assert p.state == "consultation"
    services.submit_review(w.party, p, now=ends)
    assert p.state == "review"


def test_a_consultation_whose_last_day_is_a_holiday_runs_past_it(app):
    w = World(n_owners=1)
    p = _consulting(w, opened=datetime(2026, 9, 24, 10, tzinfo=CST))  # 7 days: 10-01, 国庆
    assert stages.consultation_ends_at(p) == datetime(2026, 10, 9, tzinfo=CST)
    with pytest.raises(ServiceError) as refused:
        services.transition(w.party, p, "submit_review",
                            now=datetime(2026, 10, 8, 23, 0, tzinfo=CST))
    assert "2026年10月9日" in str(refused.value.message)


def test_the_wrong_person_is_refused_for_the_role_not_the_date(app):
    w = World(n_owners=1)
    p = _consulting(w)
    with pytest.raises(PermissionDenied):
        services.submit_review(w.owners[0], p, now=OPENED + timedelta(hours=1))


def test_no_one_approves_a_proposal_they_proposed(app):
    w = World(n_owners=1)
    p = _consulting(w)
    services.submit_review(w.party, p, now=OPENED + timedelta(days=8))
    db.session.commit()
    with pytest.raises(PermissionDenied) as refused:
        services.approve_review(w.party, p, "同意", now=OPENED + timedelta(days=9))
    assert "不能由您审议" in str(refused.value.message)
    db.session.rollback()
    assert p.state == "review"
    services.approve_review(w.party_deputy, p, REVIEW_OPINION, now=OPENED + timedelta(days=9))
    assert p.state == "deliberation"


def test_review_and_notice_need_a_written_opinion_kept_with_who_gave_it(app):
    w = World(n_owners=1)
    p = _consulting(w)
    services.submit_review(w.party, p, now=OPENED + timedelta(days=8))
    for blank in ("", "   "):
        with pytest.raises(ServiceError) as refused:
            services.transition(w.party_deputy, p, "approve_review", blank)
        assert refused.value.field == "reason" and "审议意见" in str(refused.value.message)
    assert p.state == "review"
    services.transition(w.party_deputy, p, "approve_review", "  同意，注意施工安全。 ")
    w.council_decides(p)
    opens = earliest_voting_start(T0, 15)
    with pytest.raises(ServiceError) as refused:
        services.publish_notice(w.committee, p, opens_at=opens,
                                closes_at=opens + timedelta(days=7), now=T0)
    assert refused.value.field == "opinion"
    assert p.state == "deliberation"
    services.publish_notice(w.committee, p, opens_at=opens, closes_at=opens + timedelta(days=7),
                            opinion=COUNCIL_OPINION, now=T0)
    db.session.commit()
    events = {e.action: e for e in db.session.scalars(select(ProposalEvent).where(
        ProposalEvent.proposal_id == p.id))}
    review, notice = events["approve_review"], events["publish_notice"]
    assert (review.reason, review.actor_id, review.actor_role) == (
        "同意，注意施工安全。", w.party_deputy.id, "party_cell")
    assert (notice.reason, notice.actor_id, notice.actor_role) == (
        COUNCIL_OPINION, w.committee.id, "committee")


def _voting(w, kind="owners", closes=None, published=None):
    p = w.proposal(kind=kind)
    published = published or datetime(2026, 9, 1, 9, tzinfo=CST)
    opens = earliest_voting_start(published, 15) if kind == "owners" \
        else published + timedelta(hours=1)
    w.council_decides(p, at=published)
    services.publish_notice(w.committee, p, opens_at=opens, closes_at=closes,
                            opinion=COUNCIL_OPINION, now=published)
    services.open_voting(p, now=opens)
    db.session.commit()
    return p


@pytest.mark.parametrize(("closes", "last_day"), [
    (datetime(2026, 6, 23, 17, tzinfo=CST), datetime(2026, 6, 26)),   # Tue + 3 = Fri
    (datetime(2026, 6, 24, 17, tzinfo=CST), datetime(2026, 6, 29)),   # Wed + 3 = Sat → Mon
    (datetime(2026, 9, 29, 17, tzinfo=CST), datetime(2026, 10, 8)),   # 10-02 in 国庆 → 10-08
    (datetime(2026, 9, 30, 20, tzinfo=CST), datetime(2026, 10, 8)),   # 10-03 in 国庆 → 10-08
])
def test_the_objection_window_is_counted_like_the_notice_period(app, closes, last_day):
    w = World(n_owners=2)
    p = _voting(w, closes=closes, published=datetime(2026, 6, 1, 9, tzinfo=CST))
    services.close_voting(p, now=closes)
    ends = last_day.replace(tzinfo=CST) + timedelta(days=1)  # 24:00 of the last day
    assert p.objection_ends_at == ends
    services.lodge_objection(w.owners[0], p, "我没收到通知", now=ends - timedelta(minutes=1))
    with pytest.raises(ServiceError):
        services.lodge_objection(w.owners[1], p, "太晚了", now=ends)


def test_a_council_vote_has_its_objection_window_too(app):
    w = World(n_owners=1)
    closes = datetime(2026, 6, 23, 17, tzinfo=CST)
    p = _voting(w, kind="council", closes=closes, published=datetime(2026, 6, 20, 9, tzinfo=CST))
    assert p.objection_days == 3
    for member in w.council[:3]:
        ballots.cast_in_person(p.id, ballots.members_for_voter(p, member)[0].id, member, "yes",
                               now=closes - timedelta(hours=1))
    services.close_voting(p, now=closes)
    assert p.state == "objection"
    assert p.objection_ends_at == datetime(2026, 6, 27, tzinfo=CST)
    services.lodge_objection(w.owners[0], p, "会议通知没有张贴", now=closes + timedelta(days=1))
    with pytest.raises(ServiceError) as refused:
        services.publish_result(w.staff, p, now=closes + timedelta(days=2))
    assert "异议期尚未结束" in str(refused.value.message)


def test_changing_the_rules_leaves_proposals_past_the_stage_alone(app):
    w = World(n_owners=2)
    consulting = _consulting(w)  # 7 days, from 06-02
    noticed = _voting(w, closes=datetime(2026, 9, 29, 17, tzinfo=CST))  # 3 objection days
    _rules(w, min_consultation_days=20, objection_days=10, allows_silent_majority=True,
           parking_counts_in_area=True)
    db.session.commit()
    # The consultation keeps its 7 days; a proposal opened after the change gets 20.
    services.submit_review(w.party, consulting, now=OPENED + timedelta(days=8))
    assert consulting.state == "review"
    later = _consulting(w, opened=OPENED + timedelta(days=1))
    assert later.consultation_days == 20
    with pytest.raises(ServiceError):
        services.submit_review(w.party, later, now=OPENED + timedelta(days=10))
    db.session.rollback()
    # The vote keeps what its notice announced.
    services.close_voting(noticed, now=noticed.voting_closes_at)
    assert noticed.objection_days == 3 and noticed.objection_ends_at == datetime(
        2026, 10, 9, tzinfo=CST)
    assert noticed.silent_majority is False and noticed.parking_counts_in_area is False
    assert noticed.notice_period_days == 15


def test_calendar_warnings_name_the_year_the_holiday_data_lacks(app):
    w = World(n_owners=1)
    p = w.proposal()
    published = datetime(2026, 12, 24, 9, tzinfo=CST)  # 15 days end in January 2027
    opens = earliest_voting_start(published, 15)
    w.council_decides(p, at=published)
    services.publish_notice(w.committee, p, opens_at=opens, closes_at=opens + timedelta(days=7),
                            opinion=COUNCIL_OPINION, now=published)
    warnings = [str(x) for x in stages.calendar_warnings(p, closes_at=p.voting_closes_at)]
    assert len(warnings) == 2
    assert all("节假日数据缺少 2027 年" in x for x in warnings)
    assert "公告期" in warnings[0] and "异议期" in warnings[1]
    inside = w.proposal()
    w.council_decides(inside)
    services.publish_notice(w.committee, inside, opens_at=earliest_voting_start(T0, 15),
                            closes_at=earliest_voting_start(T0, 15) + timedelta(days=7),
                            opinion=COUNCIL_OPINION, now=T0)
    assert stages.calendar_warnings(inside, closes_at=inside.voting_closes_at) == []
