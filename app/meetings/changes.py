"""Calling a meeting off (取消) or moving it (改期), always with a written reason. Everyone who
was told of the meeting is told again, as an important notification: a wasted trip or a
missed meeting is what this prevents."""
from datetime import datetime

from flask_babel import gettext
from sqlalchemy import exists, select, update

from app.audit.services import record
from app.compounds.access import primary_role
from app.compounds.models import Compound
from app.core.errors import Conflict, PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.sanitize import clean_text
from app.core.time import china_time, utcnow
from app.extensions import db
from app.meetings import rules
from app.meetings.models import (
    AgendaDecision,
    Attendance,
    Meeting,
    MeetingChange,
    Minutes,
)
from app.meetings.services import REASON_MAX, check_time, lock_meeting, meeting_path
from app.notifications.models import Notification
from app.notifications.services import notify


def may_change(user, meeting: Meeting, compound: Compound) -> bool:
    """The convener, or anyone who may convene this kind of meeting."""
    return user.id == meeting.convener_id or rules.may_convene(user, compound, meeting.body)


def _no_records():
    """True while nothing has been recorded of the meeting: once attendance, minutes or a
    decision exist, the meeting took place and can be neither called off nor moved."""
    return ~exists().where(Attendance.meeting_id == Meeting.id,
                           Attendance.status != "unrecorded") \
        & ~exists().where(Minutes.meeting_id == Meeting.id) \
        & ~exists().where(AgendaDecision.meeting_id == Meeting.id)


def _move(meeting: Meeting, expected_starts_at: datetime, **values) -> None:
    """The one state change of a meeting, as a conditional UPDATE: from scheduled or
    rescheduled, at the time the caller saw, with nothing recorded yet. A concurrent change or
    record makes it match no row, and the caller is refused."""
    done = db.session.execute(
        update(Meeting).where(Meeting.id == meeting.id, Meeting.status != "cancelled",
                              Meeting.starts_at == expected_starts_at, _no_records())
        .values(**values).execution_options(synchronize_session=False)).rowcount
    if done != 1:
        raise Conflict(_l("会议刚刚有了变化（已取消、已改期或已开始记录），请刷新后再看。"))
    db.session.refresh(meeting)


def _check(actor, compound: Compound, meeting: Meeting, reason: str) -> str:
    if not may_change(actor, meeting, compound):
        raise PermissionDenied(_l("只有会议召集人可以取消会议或改期。"))
    lock_meeting(meeting)
    if meeting.status == "cancelled":
        raise Conflict(_l("会议已经取消。"))
    if not db.session.scalar(select(_no_records()).select_from(Meeting).where(
            Meeting.id == meeting.id)):
        raise Conflict(_l("会议已经有了出席、纪要或决定的记录，不能再取消或改期。"))
    reason = clean_text(reason, REASON_MAX)
    if not reason:
        raise ServiceError(_l("请写明理由。"), field="reason")
    return reason


def told_of(meeting: Meeting) -> list[int]:
    """Everyone who has been notified of this meeting (its notice, an earlier change), and
    its convener when someone else changes it."""
    told = set(db.session.scalars(select(Notification.user_id).where(
        Notification.compound_id == meeting.compound_id,
        Notification.link == meeting_path(meeting)).distinct()))
    return sorted(told | {meeting.convener_id})


def cancel(actor, compound: Compound, meeting: Meeting, reason: str,
           now: datetime | None = None) -> MeetingChange:
    """取消会议: with a written reason; a cancelled meeting takes no records."""
    now = now or utcnow()
    reason = _check(actor, compound, meeting, reason)
    old = meeting.starts_at
    _move(meeting, old, status="cancelled")
    change = MeetingChange(meeting_id=meeting.id, kind="cancel", old_starts_at=old,
                           reason=reason, actor_id=actor.id, created_at=now)
    db.session.add(change)
    db.session.flush()
    record(actor, compound, "meeting.cancel", meeting,
           {"starts_at": old, "reason": reason}, also=[change],
           actor_role=primary_role(actor, compound))
    notify(told_of(meeting), compound.id, "meeting.cancelled",
           gettext("%(body)s“%(title)s”（原定 %(when)s）已取消。理由：%(reason)s",
                   body=rules.BODY_LABELS[meeting.body], title=meeting.title,
                   when=china_time(old), reason=reason),
           meeting_path(meeting), skip=actor.id, important=True)
    return change


def reschedule(actor, compound: Compound, meeting: Meeting, starts_at: datetime, reason: str,
               *, place: str | None = None, is_urgent: bool = False, urgent_reason: str = "",
               now: datetime | None = None) -> MeetingChange:
    """改期: the new notice goes out now, so the notice period is counted again from now, with
    the same rule as convening (shorter notice only as an urgent meeting with a reason)."""
    now = now or utcnow()
    reason = _check(actor, compound, meeting, reason)
    days, urgent, why = check_time(compound, meeting.body, starts_at, is_urgent, urgent_reason,
                                   now)
    place = clean_text(place or "", 120) or meeting.place
    old = meeting.starts_at
    _move(meeting, old, status="rescheduled", starts_at=starts_at, place=place,
          notice_published_at=now, notice_days=days, is_urgent=urgent, urgent_reason=why)
    change = MeetingChange(meeting_id=meeting.id, kind="reschedule", old_starts_at=old,
                           new_starts_at=starts_at, reason=reason, actor_id=actor.id,
                           created_at=now)
    db.session.add(change)
    db.session.flush()
    record(actor, compound, "meeting.reschedule", meeting,
           {"from": old, "to": starts_at, "place": place, "reason": reason,
            "notice_days": days, "urgent": urgent, "urgent_reason": why},
           also=[change], actor_role=primary_role(actor, compound))
    notify(told_of(meeting), compound.id, "meeting.rescheduled",
           gettext("%(body)s“%(title)s”改期：原定 %(old)s，改为 %(new)s 在%(place)s召开。"
                   "改期理由：%(reason)s",
                   body=rules.BODY_LABELS[meeting.body], title=meeting.title,
                   old=china_time(old), new=china_time(starts_at), place=place, reason=reason)
           + rules.notice_note(meeting), meeting_path(meeting), skip=actor.id, important=True)
    return change


def changes_of(meeting: Meeting) -> list[MeetingChange]:
    return list(db.session.scalars(select(MeetingChange).where(
        MeetingChange.meeting_id == meeting.id).order_by(MeetingChange.id)))
