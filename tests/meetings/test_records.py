"""A meeting's records are taken only once it has started; a meeting is called off or moved
with a reason, and everyone told of it is told again; the real notice period; the meeting's
decision on each agenda item."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.audit.verification import verify
from app.core.errors import ServiceError
from app.core.time import CHINA, china_time, utcnow
from app.extensions import db
from app.meetings import changes, decisions, minutes, rules, services
from app.meetings.models import AgendaDecision, Attendance, MeetingChange, MinutesRevision
from app.notifications.models import Notification
from tests.meetings.helpers import MeetingWorld

pytestmark = pytest.mark.both_databases


@pytest.fixture
def w(app):
    return MeetingWorld()


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _refused(call, *, contains, status=409):
    with pytest.raises(ServiceError) as exc:
        call()
    assert contains in str(exc.value.message), exc.value.message
    assert exc.value.status == status
    db.session.rollback()


# ---- records only once the meeting has started ----

def test_attendance_is_refused_before_the_start_saying_when(w):
    meeting = w.convene()
    early = meeting.starts_at - timedelta(minutes=1)
    row = services.attendance_of(meeting)[0]
    when = china_time(meeting.starts_at)
    _refused(lambda: services.record_attendance(w.recorder, w.compound, meeting,
                                                {row.id: "present"}, now=early),
             contains=when)
    _refused(lambda: services.add_attendee(w.recorder, w.compound, meeting, w.resident,
                                           now=early), contains="开始后才能登记出席情况")
    assert db.session.get(Attendance, row.id).status == "unrecorded"
    services.record_attendance(w.recorder, w.compound, meeting, {row.id: "present"},
                               now=meeting.starts_at)
    assert db.session.get(Attendance, row.id).status == "present"


def test_minutes_are_refused_before_the_start(w):
    meeting = w.convene()
    _refused(lambda: minutes.save_draft(w.recorder, w.compound, meeting, w.items(meeting),
                                        now=meeting.starts_at - timedelta(minutes=1)),
             contains="开始后才能起草纪要")
    assert _count(MinutesRevision) == 0


def test_confirmation_and_publication_are_refused_before_the_start(w):
    """Whatever the clock of the caller says: a confirmation or a publication dated before the
    meeting began is refused."""
    meeting = w.convene()
    at = w.held(meeting)
    minutes.save_draft(w.recorder, w.compound, meeting, w.items(meeting), now=at)
    db.session.commit()
    early = meeting.starts_at - timedelta(hours=1)
    _refused(lambda: minutes.submit_for_confirmation(w.recorder, w.compound, meeting,
                                                     now=early), contains="开始后才能确认纪要")
    minutes.submit_for_confirmation(w.recorder, w.compound, meeting, now=at)
    db.session.commit()
    _refused(lambda: minutes.confirm(w.council[1], w.compound, meeting, now=early),
             contains="开始后才能确认纪要")
    _refused(lambda: minutes.comment(w.council[1], w.compound, meeting, "意见", now=early),
             contains="开始后才能确认纪要")
    _refused(lambda: minutes.publish(w.party, w.compound, meeting, now=early),
             contains="开始后才能公开纪要")
    assert minutes.minutes_of(meeting).status == "confirming"


def test_decisions_are_refused_before_the_start(w):
    meeting = w.convene()
    item = meeting.agenda[0]
    _refused(lambda: decisions.record_decision(
        w.recorder, w.compound, meeting, item.id, "decided", "同意",
        now=meeting.starts_at - timedelta(seconds=1)), contains="开始后才能记录会议决定")
    assert _count(AgendaDecision) == 0


# ---- the real notice period ----

@pytest.mark.parametrize(("minutes_ahead", "text"), [
    (2 * 24 * 60 + 5 * 60, "提前 2 天 5 小时通知"),
    (3 * 24 * 60, "提前 3 天通知"),
    (5 * 60 + 30, "提前 5 小时 30 分钟通知"),
    (60, "提前 1 小时通知"),
    (8, "提前 8 分钟通知"),
])
def test_notice_period_is_the_real_one(minutes_ahead, text, app):
    posted = datetime(2026, 12, 5, 18, 22, tzinfo=CHINA)
    assert rules.notice_period(posted, posted + timedelta(minutes=minutes_ahead)) == text


def test_urgent_meeting_shows_its_real_notice_and_reason_everywhere_it_is_announced(w):
    posted = datetime(2026, 12, 5, 18, 22, tzinfo=CHINA)
    data = services.ConveneInput(body="council", title="抢修", place="活动室",
                                 starts_at=posted + timedelta(minutes=8), free_items=["水管"],
                                 is_urgent=True, urgent_reason="3栋水管爆裂")
    meeting = services.convene(w.party, w.compound, data, now=posted)
    assert meeting.is_urgent and meeting.notice_days == 3
    note = rules.notice_note(meeting)
    assert "提前 8 分钟通知" in note and "紧急会议" in note and "3栋水管爆裂" in note
    assert "提前 3 日" not in note
    told = db.session.scalars(select(Notification.message).where(
        Notification.kind == "meeting.convened")).all()
    assert told and all("提前 8 分钟通知" in m and "3栋水管爆裂" in m for m in told)


def test_a_meeting_with_notice_enough_is_not_urgent_whatever_the_box_said(w):
    now = datetime(2026, 11, 23, 10, 0, tzinfo=CHINA)
    data = services.ConveneInput(body="council", title="会", place="室", free_items=["事"],
                                 starts_at=now + timedelta(days=5), is_urgent=True,
                                 urgent_reason="")
    meeting = services.convene(w.party, w.compound, data, now=now)
    assert not meeting.is_urgent and meeting.urgent_reason == ""
    assert rules.notice_note(meeting) == "（提前 5 天通知）"


# ---- cancel and reschedule ----

def _important(kind):
    return db.session.execute(select(Notification.user_id, Notification.message,
                                     Notification.is_important).where(
        Notification.kind == kind)).all()


def test_cancel_needs_a_reason_and_a_convener(w):
    meeting = w.convene()
    for who in (w.resident, w.property, w.committee[0]):
        _refused(lambda who=who: changes.cancel(who, w.compound, meeting, "不开了"),
                 contains="召集人", status=403)
    _refused(lambda: changes.cancel(w.party, w.compound, meeting, "  "), contains="理由",
             status=400)
    assert meeting.status == "scheduled" and _count(MeetingChange) == 0


def test_cancel_tells_everyone_told_before_as_important(w):
    meeting = w.convene()
    told_before = set(db.session.scalars(select(Notification.user_id).where(
        Notification.kind == "meeting.convened")))
    change = changes.cancel(w.party, w.compound, meeting, "会议室停电，另行通知")
    db.session.commit()
    assert meeting.status == "cancelled" and change.old_starts_at == meeting.starts_at
    rows = _important("meeting.cancelled")
    assert {uid for uid, _m, _i in rows} == told_before  # the convener cancelled: not told
    assert all(important and "已取消" in message and "会议室停电" in message
               for _u, message, important in rows)
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "meeting.cancel")).one()
    assert {c["table"] for c in entry.covers} == {"meetings", "meeting_changes"}
    assert verify().ok


def test_a_cancelled_meeting_takes_no_records_and_cannot_be_cancelled_again(w):
    meeting = w.convene()
    changes.cancel(w.party, w.compound, meeting, "议题已解决")
    db.session.commit()
    at = meeting.starts_at + timedelta(minutes=5)
    row = services.attendance_of(meeting)[0]
    for call in (
        lambda: services.record_attendance(w.recorder, w.compound, meeting,
                                           {row.id: "present"}, now=at),
        lambda: services.add_attendee(w.recorder, w.compound, meeting, w.resident, now=at),
        lambda: minutes.save_draft(w.recorder, w.compound, meeting, w.items(meeting), now=at),
        lambda: decisions.record_decision(w.recorder, w.compound, meeting,
                                          meeting.agenda[0].id, "decided", "同意", now=at),
    ):
        _refused(call, contains="会议已取消")
    _refused(lambda: changes.cancel(w.party, w.compound, meeting, "再取消"), contains="已经取消")
    _refused(lambda: changes.reschedule(w.party, w.compound, meeting,
                                        meeting.starts_at + timedelta(days=9), "改期"),
             contains="已经取消")
    assert _count(MinutesRevision) == 0 and _count(AgendaDecision) == 0


def test_reschedule_counts_the_notice_again_and_tells_everyone_as_important(w):
    now = datetime(2026, 11, 23, 10, 0, tzinfo=CHINA)  # Monday
    meeting = w.convene(now=now)  # Saturday 10:00
    old = meeting.starts_at
    later = now + timedelta(days=1)
    too_soon = rules.earliest_start(later, 3) - timedelta(minutes=1)
    _refused(lambda: changes.reschedule(w.council[2], w.compound, meeting, too_soon,
                                        "会议室有活动", now=later),
             contains="提前 3 日", status=400)
    new = datetime(2026, 11, 29, 19, 30, tzinfo=CHINA)
    change = changes.reschedule(w.council[2], w.compound, meeting, new, "会议室有活动",
                                now=later)  # a council member may convene the council
    db.session.commit()
    assert (change.old_starts_at, change.new_starts_at) == (old, new)
    assert meeting.status == "rescheduled" and meeting.starts_at == new
    assert meeting.notice_published_at == later and not meeting.is_urgent
    assert rules.notice_note(meeting) == "（提前 5 天 9 小时通知）"  # Tuesday 10:00 → Sunday
    rows = _important("meeting.rescheduled")
    told = {uid for uid, _m, _i in rows}
    assert w.party.id in told and w.council[2].id not in told  # the convener hears of it
    assert told == ({u.id for u in w.council} | {w.property.id, w.party.id}) - {w.council[2].id}
    assert all(important and china_time(old) in message and china_time(new) in message
               and "会议室有活动" in message for _u, message, important in rows)
    assert verify().ok


def test_urgent_reschedule_needs_a_reason(w):
    now = utcnow()
    meeting = w.convene(now=now)
    soon = now + timedelta(hours=3)
    _refused(lambda: changes.reschedule(w.party, w.compound, meeting, soon, "提前开", now=now,
                                        is_urgent=True), contains="紧急会议须写明理由",
             status=400)
    changes.reschedule(w.party, w.compound, meeting, soon, "提前开", now=now, is_urgent=True,
                       urgent_reason="暴雨预警，须当天决定")
    assert meeting.is_urgent and "暴雨预警" in rules.notice_note(meeting)
    assert "提前 3 小时通知" in rules.notice_note(meeting)


def test_a_meeting_with_records_is_neither_cancelled_nor_moved(w):
    meeting = w.convene()
    w.held(meeting)
    _refused(lambda: changes.cancel(w.party, w.compound, meeting, "取消"), contains="记录")
    _refused(lambda: changes.reschedule(w.party, w.compound, meeting,
                                        meeting.starts_at + timedelta(days=9), "改期"),
             contains="记录")
    assert meeting.status == "scheduled"


# ---- decisions ----

def _proposal_meeting(w):
    from app.proposals import services as proposals

    p = proposals.create(w.party, w.compound, title="充电桩", body="", kind="owners", matter=8)
    meeting = w.convene(proposal_ids=[p.id], free_items=["通报"])
    return p, meeting


def test_decisions_are_recorded_audited_and_put_right_until_the_minutes_are_published(w):
    p, meeting = _proposal_meeting(w)
    proposal_item, free_item = meeting.agenda
    at = w.held(meeting)
    _refused(lambda: decisions.record_decision(w.recorder, w.compound, meeting,
                                               proposal_item.id, "decided", now=at),
             contains="提交表决、暂缓或退回修改", status=400)
    _refused(lambda: decisions.record_decision(w.recorder, w.compound, meeting,
                                               free_item.id, "", " ", now=at),
             contains="请写明", status=400)
    _refused(lambda: decisions.record_decision(w.resident, w.compound, meeting,
                                               free_item.id, "", "x", now=at),
             contains="记录人", status=403)
    row = decisions.record_decision(w.recorder, w.compound, meeting, proposal_item.id,
                                    "deferred", "方案需补充", now=at)
    assert (row.outcome, row.proposal_id) == ("deferred", p.id)
    decisions.record_decision(w.party, w.compound, meeting, proposal_item.id, "to_vote",
                              "一致同意", now=at)
    decisions.record_decision(w.recorder, w.compound, meeting, free_item.id, "", "已通报",
                              now=at)
    db.session.commit()
    taken = decisions.decisions_of(meeting)
    assert taken[proposal_item.id].outcome == "to_vote"
    assert taken[free_item.id].outcome == "decided" and taken[free_item.id].note == "已通报"
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "meeting.decision").order_by(AuditEntry.id)).all()
    assert [e.data["outcome"] for e in entries] == ["deferred", "to_vote", "decided"]
    assert entries[1].data["previous"] == "deferred"
    assert verify().ok


def test_no_decision_without_the_quorum(w):
    _p, meeting = _proposal_meeting(w)
    at = w.held(meeting, present=2)  # 2 of 5
    _refused(lambda: decisions.record_decision(w.recorder, w.compound, meeting,
                                               meeting.agenda[0].id, "to_vote", now=at),
             contains="2 / 5")
    assert _count(AgendaDecision) == 0


def test_decisions_are_frozen_once_the_minutes_are_published(w):
    meeting = w.published()
    _refused(lambda: decisions.record_decision(w.recorder, w.compound, meeting,
                                               meeting.agenda[0].id, "", "改一下",
                                               now=meeting.starts_at + timedelta(days=1)),
             contains="纪要已经公开")


def test_attendance_or_a_decision_forged_in_the_database_is_reported(w):
    """The quorum and the decision gate a vote: the log vouches for every row of them."""
    from sqlalchemy import text

    _p, meeting = _proposal_meeting(w)
    w.held(meeting, present=2)
    assert verify().ok
    db.session.execute(text("UPDATE meeting_attendance SET status = 'present'"))
    db.session.execute(text(
        "INSERT INTO meeting_decisions (meeting_id, agenda_item_id, proposal_id, outcome, note, "
        "recorded_by_id, recorded_at) VALUES (:m, :i, :p, 'to_vote', '', :u, :t)"),
        {"m": meeting.id, "i": meeting.agenda[0].id, "p": _p.id, "u": w.recorder.id,
         "t": utcnow()})
    db.session.commit()
    problems = verify().problems
    assert any("meeting_attendance id=" in x for x in problems), problems
    assert any("meeting_decisions id=" in x and "no audit entry covers" in x for x in problems)
