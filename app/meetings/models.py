"""Meetings (议事会/业委会/居民会议), their agenda and attendance, demands for a meeting by one
third of the members, minutes (会议纪要) as append-only revisions, and the follow-up tasks that
decisions spawn."""
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    event,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from app.audit.coverage import require_coverage
from app.core.append_only import append_only
from app.core.schema import sql_in
from app.core.time import utcnow
from app.core.types import UTCDateTime
from app.extensions import db

BODIES = ("council", "committee", "residents")  # 议事会 / 业委会 / 居民会议
AGENDA_KINDS = ("issue", "proposal", "free")
ATTENDANCE = ("unrecorded", "present", "absent", "excused")
MINUTES_STATUSES = ("draft", "confirming", "published")
REVISION_KINDS = ("draft", "correction")
RESPONSES = ("confirm", "comment")
TASK_STATUSES = ("open", "in_progress", "done")
MEETING_STATUSES = ("scheduled", "rescheduled", "cancelled")
CHANGE_KINDS = ("reschedule", "cancel")
# The meeting's decision on an agenda item: a proposal is put to a vote (提交表决), deferred
# (暂缓) or sent back for revision (退回修改); any other item records what was decided.
PROPOSAL_OUTCOMES = ("to_vote", "deferred", "revise")
OUTCOMES = (*PROPOSAL_OUTCOMES, "decided")


class MeetingRules(db.Model):
    """A compound's own notice periods and confirmation window; without a row the defaults
    (council 3 days, committee 7, residents 7, confirmation 3) apply."""

    __tablename__ = "meeting_rules"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), unique=True)
    council_notice_days: Mapped[int] = mapped_column(Integer, default=3)
    committee_notice_days: Mapped[int] = mapped_column(Integer, default=7)
    residents_notice_days: Mapped[int] = mapped_column(Integer, default=7)
    confirm_days: Mapped[int] = mapped_column(Integer, default=3)
    __table_args__ = (
        CheckConstraint("council_notice_days >= 0 AND committee_notice_days >= 0 "
                        "AND residents_notice_days >= 0", name="notice_days_positive"),
        CheckConstraint("confirm_days >= 1", name="confirm_days_positive"),
    )


class MeetingDemand(db.Model):
    """Members of a body asking for a meeting. Once ⌈n/3⌉ of them have signed, the convener
    must schedule it within 7 days (due_at)."""

    __tablename__ = "meeting_demands"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    body: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    member_count: Mapped[int] = mapped_column(Integer)
    threshold: Mapped[int] = mapped_column(Integer)
    signature_count: Mapped[int] = mapped_column(Integer, default=0)
    reached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", use_alter=True))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by = relationship("User", lazy="raise")
    __table_args__ = (CheckConstraint(f"body IN {sql_in(BODIES)}", name="body_known"),)


class DemandSignature(db.Model):
    __tablename__ = "meeting_demand_signatures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("meeting_demands.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (db.UniqueConstraint("demand_id", "user_id"),)


class Meeting(db.Model):
    __tablename__ = "meetings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"))
    body: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(120))
    place: Mapped[str] = mapped_column(String(120))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    convener_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorder_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    notice_published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    notice_days: Mapped[int] = mapped_column(Integer)
    is_urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    urgent_reason: Mapped[str] = mapped_column(Text, default="")
    demand_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_demands.id"))
    status: Mapped[str] = mapped_column(String(16), default="scheduled",
                                        server_default="scheduled")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    convener = relationship("User", foreign_keys=[convener_id], lazy="raise")
    recorder = relationship("User", foreign_keys=[recorder_id], lazy="raise")
    agenda: Mapped[list["AgendaItem"]] = relationship(order_by="AgendaItem.position", lazy="raise")
    __table_args__ = (
        CheckConstraint(f"body IN {sql_in(BODIES)}", name="body_known"),
        CheckConstraint("NOT is_urgent OR urgent_reason <> ''", name="urgent_has_reason"),
        CheckConstraint(f"status IN {sql_in(MEETING_STATUSES)}", name="status_known"),
        Index("ix_meetings_compound_starts", "compound_id", "starts_at"),
    )


class MeetingChange(db.Model):
    """A meeting moved (改期) or called off (取消), with the written reason: the time it had
    before and, when moved, the new one."""

    __tablename__ = "meeting_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    old_starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    new_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (
        CheckConstraint(f"kind IN {sql_in(CHANGE_KINDS)}", name="kind_known"),
        CheckConstraint("reason <> ''", name="has_reason"),
        CheckConstraint("(kind = 'cancel') = (new_starts_at IS NULL)", name="new_time_if_moved"),
    )


class AgendaDecision(db.Model):
    """What the meeting decided on one agenda item. For a proposal, 提交表决 here is what lets
    its voting notice be published (DESIGN §2: 议事会商议 at a held meeting)."""

    __tablename__ = "meeting_decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("meeting_agenda_items.id"),
                                                unique=True)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (
        CheckConstraint(f"outcome IN {sql_in(OUTCOMES)}", name="outcome_known"),
        CheckConstraint(f"proposal_id IS NULL OR outcome IN {sql_in(PROPOSAL_OUTCOMES)}",
                        name="proposal_outcome"),
        CheckConstraint("outcome <> 'decided' OR note <> ''", name="decided_has_note"),
    )


class AgendaItem(db.Model):
    """One agenda item: a linked issue or proposal, or a free item (title only)."""

    __tablename__ = "meeting_agenda_items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issues.id"))
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))
    title: Mapped[str] = mapped_column(String(200))
    __table_args__ = (
        db.UniqueConstraint("meeting_id", "position"),
        CheckConstraint(f"kind IN {sql_in(AGENDA_KINDS)}", name="kind_known"),
    )


class Attendance(db.Model):
    """Who is expected or came, in which capacity: members of the body (frozen when the
    meeting is convened, they make the quorum) and invited parties (物业, 社区工作者…)."""

    __tablename__ = "meeting_attendance"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    is_member: Mapped[bool] = mapped_column(Boolean)
    capacity: Mapped[str] = mapped_column(String(32))  # a role code
    status: Mapped[str] = mapped_column(String(16), default="unrecorded")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user = relationship("User", foreign_keys=[user_id], lazy="raise")
    __table_args__ = (
        db.UniqueConstraint("meeting_id", "user_id"),
        CheckConstraint(f"status IN {sql_in(ATTENDANCE)}", name="status_known"),
    )


class Minutes(db.Model):
    """会议纪要 of one meeting. The text lives in its revisions; publishing freezes it and
    stamps the audit head hash of that moment."""

    __tablename__ = "meeting_minutes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), unique=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    current_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_minutes_revisions.id", use_alter=True))
    published_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_minutes_revisions.id", use_alter=True))
    confirm_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    audit_head: Mapped[str | None] = mapped_column(String(64))
    __table_args__ = (
        CheckConstraint(f"status IN {sql_in(MINUTES_STATUSES)}", name="status_known"),
    )


class MinutesRevision(db.Model):
    """Every save of the minutes. Never updated or deleted: triggers refuse it in the database
    and a flush listener refuses it in the ORM. A correction after publishing carries its
    reason and the audit head hash of its moment."""

    __tablename__ = "meeting_minutes_revisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("meeting_minutes.id"))
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16), default="draft")
    reason: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    items: Mapped[list] = mapped_column(JSON)  # per agenda item: discussion, decision, ...
    source: Mapped[str] = mapped_column(Text)  # the whole text as Markdown
    html: Mapped[str] = mapped_column(Text)  # sanitised
    sha256: Mapped[str] = mapped_column(String(64))  # of `source`
    audit_head: Mapped[str | None] = mapped_column(String(64))
    author = relationship("User", lazy="raise")
    __table_args__ = (
        db.UniqueConstraint("minutes_id", "number"),
        CheckConstraint(f"kind IN {sql_in(REVISION_KINDS)}", name="kind_known"),
        CheckConstraint("kind <> 'correction' OR reason <> ''", name="correction_has_reason"),
    )


class MinutesResponse(db.Model):
    """An attendee's 确认 of a draft revision, or their comment on it."""

    __tablename__ = "meeting_minutes_responses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("meeting_minutes.id"), index=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("meeting_minutes_revisions.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user = relationship("User", lazy="raise")
    __table_args__ = (
        db.UniqueConstraint("revision_id", "user_id", "kind"),
        CheckConstraint(f"kind IN {sql_in(RESPONSES)}", name="kind_known"),
    )


class FollowUpTask(db.Model):
    """A decision's follow-up: who is responsible, by when, and how far it has got."""

    __tablename__ = "meeting_tasks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"))
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("meeting_minutes_revisions.id"))
    item_position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    responsible: Mapped[str] = mapped_column(String(80))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (
        db.UniqueConstraint("meeting_id", "item_position"),
        CheckConstraint(f"status IN {sql_in(TASK_STATUSES)}", name="status_known"),
        Index("ix_meeting_tasks_compound_status", "compound_id", "status"),
    )


# Revisions are append-only (app.core.append_only; migration 0002 made the same triggers).
append_only(MinutesRevision, "minutes revisions are append-only")


class RevisionImmutable(RuntimeError):
    """Raised when code tries to change or delete a stored minutes revision."""


@event.listens_for(Session, "before_flush")
def _refuse_revision_changes(session, flush_context, instances) -> None:
    for obj in session.deleted:
        if isinstance(obj, MinutesRevision):
            raise RevisionImmutable("minutes revisions are append-only (delete refused)")
    for obj in session.dirty:
        if isinstance(obj, MinutesRevision) and session.is_modified(obj):
            raise RevisionImmutable("minutes revisions are append-only (update refused)")


# A meeting's decision on a proposal gates its vote (who met, when, with which agenda, who
# attended and what was decided), and its changes tell people it moved: the log vouches for
# every row of these.
require_coverage(Meeting, AgendaItem, Attendance, MeetingChange, AgendaDecision)
