"""Meeting and minutes services: the notice-ahead rule, demands by one third of members,
attendance and quorum, drafting, confirming, publishing and correcting."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.core.errors import ServiceError
from app.core.time import CHINA, utcnow
from app.extensions import db
from app.meetings import minutes, rules, services, tasks
from app.meetings.models import (
    Attendance,
    FollowUpTask,
    Meeting,
    MeetingDemand,
    MinutesResponse,
    MinutesRevision,
)
from app.notifications.models import Notification
from tests.meetings.helpers import MeetingWorld


@pytest.fixture
def w(app):
    return MeetingWorld()


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_earliest_start_counts_calendar_days_after_the_notice_day():
    monday_evening = datetime(2026, 11, 23, 21, 0, tzinfo=CHINA)
    assert rules.earliest_start(monday_evening, 3) == datetime(2026, 11, 26, tzinfo=CHINA)
    assert rules.earliest_start(monday_evening, 7) == datetime(2026, 11, 30, tzinfo=CHINA)
    assert rules.earliest_start(monday_evening, 0) == monday_evening


def test_quorum_is_more_than_half_and_demand_is_a_third_rounded_up():
    assert [rules.has_quorum(p, 4) for p in (2, 3)] == [False, True]
    assert [rules.has_quorum(p, 5) for p in (2, 3)] == [False, True]
    assert not rules.has_quorum(0, 0)
    assert [rules.demand_threshold(n) for n in (1, 3, 4, 5, 6, 7)] == [1, 1, 2, 2, 2, 3]


def test_convene_freezes_members_and_notifies_them(w):
    meeting = w.convene()
    rows = services.attendance_of(meeting)
    members = [r.user_id for r in rows if r.is_member]
    assert sorted(members) == sorted(u.id for u in w.council)
    assert {r.user_id for r in rows if not r.is_member} == {w.property.id, w.party.id}
    assert [a.title for a in meeting.agenda] == ["电动车充电桩选址", "通报上次决定落实情况"]
    notified = set(db.session.scalars(select(Notification.user_id).where(
        Notification.kind == "meeting.convened")))
    assert notified == set(members) | {w.property.id}  # the convener hears nothing of it
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "meeting.convene")).one()
    assert {c["table"] for c in entry.covers} == {"meetings", "meeting_agenda_items",
                                                  "meeting_attendance"}


@pytest.mark.parametrize("body,days", [("council", 3), ("committee", 7)])
def test_meeting_sooner_than_the_notice_period_is_refused(w, body, days):
    now = datetime(2026, 11, 23, 10, 0, tzinfo=CHINA)  # a Monday
    too_soon = rules.earliest_start(now, days) - timedelta(minutes=1)
    convener = w.party if body == "council" else w.committee[0]
    data = services.ConveneInput(body=body, title="会", place="活动室", starts_at=too_soon,
                                 free_items=["事项"])
    with pytest.raises(ServiceError) as exc:
        services.convene(convener, w.compound, data, now=now)
    assert exc.value.field == "starts_at"
    db.session.rollback()
    assert _count(Meeting) == 0
    data.starts_at = rules.earliest_start(now, days)
    assert services.convene(convener, w.compound, data, now=now).notice_days == days


def test_urgent_meeting_needs_a_reason(w):
    now = utcnow()
    data = services.ConveneInput(body="council", title="抢修", place="活动室",
                                 starts_at=now + timedelta(hours=3), free_items=["水管爆裂"],
                                 is_urgent=True, urgent_reason="  ")
    with pytest.raises(ServiceError) as exc:
        services.convene(w.party, w.compound, data, now=now)
    assert exc.value.field == "urgent_reason"
    db.session.rollback()
    assert _count(Meeting) == 0
    data.urgent_reason = "3栋水管爆裂，需当天决定抢修费用"
    meeting = services.convene(w.party, w.compound, data, now=now)
    assert meeting.is_urgent and meeting.urgent_reason.startswith("3栋")


def test_compound_rules_change_the_notice_period(w):
    services.set_rules(w.staff, w.compound, council=5, committee=10, residents=3, confirm=2)
    assert rules.notice_days(w.compound, "council") == 5
    now = utcnow()
    data = services.ConveneInput(body="council", title="会", place="室", free_items=["事"],
                                 starts_at=rules.earliest_start(now, 4) + timedelta(hours=1))
    with pytest.raises(ServiceError):
        services.convene(w.party, w.compound, data, now=now)


def test_only_conveners_of_the_body_may_convene(w):
    now = utcnow()
    data = services.ConveneInput(body="committee", title="会", place="室", free_items=["事"],
                                 starts_at=now + timedelta(days=10))
    for who in (w.resident, w.property, w.council[1], w.outsider):
        with pytest.raises(ServiceError) as exc:
            services.convene(who, w.compound, data, now=now)
        assert exc.value.status == 403
    db.session.rollback()
    assert _count(Meeting) == 0
    assert not db.session.scalar(select(AuditEntry.id).where(
        AuditEntry.action == "meeting.convene"))


def test_demand_reaches_a_third_and_is_overdue_after_seven_days(w):
    now = utcnow()
    demand = services.open_demand(w.council[1], w.compound, "council", "物业费调整", now=now)
    db.session.commit()
    assert (demand.threshold, demand.signature_count, demand.reached_at) == (2, 1, None)
    with pytest.raises(ServiceError):
        services.sign_demand(w.council[1], w.compound, demand, now=now)  # signs once
    db.session.rollback()
    with pytest.raises(ServiceError) as exc:
        services.sign_demand(w.resident, w.compound, demand, now=now)
    assert exc.value.status == 403
    db.session.rollback()
    services.sign_demand(w.council[2], w.compound, demand, now=now)
    assert demand.reached_at == now and demand.due_at == now + timedelta(days=7)
    told = set(db.session.scalars(select(Notification.user_id).where(
        Notification.kind == "meeting.demand_reached")))
    assert w.party.id in told
    assert not services.is_overdue(demand, now + timedelta(days=6))
    assert services.is_overdue(demand, now + timedelta(days=7, seconds=1))
    meeting = w.convene(demand_id=demand.id, now=now + timedelta(days=1))
    db.session.refresh(demand)
    assert demand.meeting_id == meeting.id
    assert not services.is_overdue(demand, now + timedelta(days=30))


def test_attendance_and_quorum(w):
    meeting = w.convene()
    q = services.quorum(meeting)
    assert (q["members"], q["present"], q["met"]) == (5, 0, False)
    w.held(meeting, present=2)
    assert services.quorum(meeting)["met"] is False
    row = next(r for r in services.attendance_of(meeting)
               if r.user_id == w.council[2].id)
    services.record_attendance(w.recorder, w.compound, meeting, {row.id: "present"},
                               now=meeting.starts_at)
    assert services.quorum(meeting)["met"] is True and services.quorum(meeting)["present"] == 3


def test_only_the_recorder_or_convener_takes_attendance(w):
    meeting = w.convene()
    row = services.attendance_of(meeting)[0]
    with pytest.raises(ServiceError) as exc:
        services.record_attendance(w.council[3], w.compound, meeting, {row.id: "present"},
                                   now=meeting.starts_at)
    assert exc.value.status == 403
    db.session.rollback()
    assert db.session.get(Attendance, row.id).status == "unrecorded"


def test_each_save_is_a_revision_and_only_present_attendees_confirm(w):
    meeting = w.convene()
    at = w.held(meeting)
    r1 = minutes.save_draft(w.recorder, w.compound, meeting, w.items(meeting, "安装6个"),
                            now=at)
    r2 = minutes.save_draft(w.recorder, w.compound, meeting, w.items(meeting), now=at)
    assert (r1.number, r2.number) == (1, 2) and r1.sha256 != r2.sha256
    assert "安装8个充电桩" in r2.html and "<script" not in r2.html
    minutes.submit_for_confirmation(w.recorder, w.compound, meeting, now=at)
    db.session.commit()
    excused = w.council[4]
    for who in (excused, w.resident, w.outsider):
        with pytest.raises(ServiceError) as exc:
            minutes.confirm(who, w.compound, meeting, now=at)
        assert exc.value.status == 403
        db.session.rollback()
    assert _count(MinutesResponse) == 0
    minutes.confirm(w.council[1], w.compound, meeting, now=at)
    db.session.commit()
    with pytest.raises(ServiceError):
        minutes.confirm(w.council[1], w.compound, meeting, now=at)
    db.session.rollback()
    assert _count(MinutesResponse) == 1


def test_publish_waits_for_confirmations_or_the_window(w):
    meeting = w.convene()
    at = w.held(meeting)
    minutes.save_draft(w.recorder, w.compound, meeting, w.items(meeting), now=at)
    row = minutes.submit_for_confirmation(w.recorder, w.compound, meeting, now=at)
    db.session.commit()
    with pytest.raises(ServiceError) as exc:
        minutes.publish(w.party, w.compound, meeting, now=at + timedelta(days=1))
    assert exc.value.status == 409
    db.session.rollback()
    with pytest.raises(ServiceError):
        minutes.publish(w.council[1], w.compound, meeting, now=row.confirm_ends_at
                        + timedelta(seconds=1))  # not the convener
    db.session.rollback()
    published = minutes.publish(w.party, w.compound, meeting,
                                now=row.confirm_ends_at + timedelta(seconds=1))
    assert published.status == "published" and len(published.audit_head) == 64


def test_publishing_freezes_stamps_and_spawns_tasks(w):
    meeting = w.published()
    row = minutes.minutes_of(meeting)
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "minutes.publish")).one()
    assert row.audit_head == entry.prev_hash  # the head of the moment before publishing
    task = db.session.scalars(select(FollowUpTask)).one()
    assert (task.title, task.responsible, task.status) == ("安装8个充电桩", "物业", "open")
    assert tasks.open_tasks(w.compound) == [task]
    with pytest.raises(ServiceError) as exc:
        minutes.save_draft(w.recorder, w.compound, meeting, w.items(meeting, "改了"))
    assert exc.value.status == 409
    db.session.rollback()
    assert _count(MinutesRevision) == 2
    tasks.update_task(w.property, w.compound, task, "done", "已安装")
    assert tasks.open_tasks(w.compound) == []


def test_correction_needs_a_reason_and_keeps_the_published_text(w):
    meeting = w.published()
    with pytest.raises(ServiceError) as exc:
        minutes.correct(w.recorder, w.compound, meeting, w.items(meeting, "安装10个"), " ")
    assert exc.value.field == "reason"
    db.session.rollback()
    assert _count(MinutesRevision) == 2
    with pytest.raises(ServiceError) as exc:
        minutes.correct(w.council[2], w.compound, meeting, w.items(meeting, "x"), "理由")
    assert exc.value.status == 403
    db.session.rollback()
    rev = minutes.correct(w.recorder, w.compound, meeting, w.items(meeting, "安装10个"),
                          "记录有误：会上决定的是10个")
    row = minutes.minutes_of(meeting)
    assert rev.kind == "correction" and row.current_revision_id == rev.id
    assert row.published_revision_id != rev.id and rev.audit_head


def test_upcoming_meetings_for_the_overview(w):
    later = w.convene(days_ahead=9, title="后一次")
    sooner = w.convene(days_ahead=4, title="先一次")
    assert tasks.upcoming_meetings(w.compound) == [sooner, later]
    assert tasks.upcoming_meetings(w.other) == []


def test_demand_of_another_compound_cannot_be_used(w):
    now = utcnow()
    other_demand = MeetingDemand(compound_id=w.other.id, body="council", subject="x",
                                 created_by_id=w.outsider.id, member_count=1, threshold=1)
    db.session.add(other_demand)
    db.session.commit()
    with pytest.raises(ServiceError) as exc:
        w.convene(demand_id=other_demand.id, now=now)
    assert exc.value.status == 404


def test_residents_meeting_records_who_came_without_a_quorum(w):
    now = utcnow()
    data = services.ConveneInput(body="residents", title="居民会议", place="中心花园",
                                 starts_at=rules.earliest_start(now, 7) + timedelta(hours=10),
                                 free_items=["花园改造"], recorder_id=w.staff.id,
                                 invitee_ids=[w.property.id])
    meeting = services.convene(w.staff, w.compound, data, now=now)
    assert {r.user_id for r in services.attendance_of(meeting)} == {w.staff.id, w.property.id}
    services.add_attendee(w.staff, w.compound, meeting, w.resident, now=meeting.starts_at)
    db.session.commit()
    with pytest.raises(ServiceError):
        services.add_attendee(w.staff, w.compound, meeting, w.outsider, now=meeting.starts_at)
    db.session.rollback()
    q = services.quorum(meeting)
    assert q["applies"] is False and q["met"] is None and q["attendees"] == 1
    assert _count(Attendance) == 3


def test_present_attendees_may_comment_others_may_not(w):
    meeting = w.convene()
    at = w.held(meeting)
    minutes.save_draft(w.recorder, w.compound, meeting, w.items(meeting), now=at)
    minutes.submit_for_confirmation(w.recorder, w.compound, meeting, now=at)
    db.session.commit()
    for who, text in ((w.council[4], "我有意见"), (w.resident, "路过"), (w.council[1], " ")):
        with pytest.raises(ServiceError):
            minutes.comment(who, w.compound, meeting, text, now=at)
        db.session.rollback()
    assert _count(MinutesResponse) == 0
    row = minutes.comment(w.property, w.compound, meeting, "期限请改为2月底", now=at)
    assert row.kind == "comment" and row.comment == "期限请改为2月底"
    assert len(minutes.pending_confirmations(meeting, minutes.minutes_of(meeting))) == 5
