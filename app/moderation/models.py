"""Moderation: reports from members, what the party cell hid or restored (the public log's
source) and time-limited mutes. Nothing is ever deleted: hidden content keeps its text."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.schema import partial_unique, sql_in
from app.core.time import utcnow
from app.core.types import UTCDateTime
from app.extensions import db

TARGET_TYPES = ("issue", "comment")
REPORT_STATUSES = ("open", "resolved")
RESOLUTIONS = ("hidden", "dismissed")
ACTIONS = ("hide", "restore", "mute", "unmute")
ACTION_TARGETS = ("issue", "comment", "reply", "member")


class Report(db.Model):
    """举报: a member asks the party cell to look at an issue or a comment. One open report
    per reporter per target (the partial unique index decides)."""

    __tablename__ = "moderation_reports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    target_type: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int] = mapped_column(Integer)
    # The issue it is about (or under); None for a comment under a proposal.
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issues.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")
    resolution: Mapped[str | None] = mapped_column(String(16))
    resolution_note: Mapped[str] = mapped_column(Text, default="")
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reporter = relationship("User", foreign_keys=[reporter_id], lazy="raise")
    __table_args__ = (
        CheckConstraint(f"target_type IN {sql_in(TARGET_TYPES)}", name="target_type_known"),
        CheckConstraint(f"status IN {sql_in(REPORT_STATUSES)}", name="status_known"),
        CheckConstraint(f"resolution IS NULL OR resolution IN {sql_in(RESOLUTIONS)}",
                        name="resolution_known"),
        partial_unique("uq_moderation_reports_open", "reporter_id", "target_type", "target_id",
                       where="status = 'open'"),
        Index("ix_moderation_reports_queue", "compound_id", "status", "target_type",
              "target_id"),
    )


class ModerationAction(db.Model):
    """One hide, restore, mute or unmute, with its written reason and the capacity in which it
    was taken: the compound's public moderation log (which never shows the content or whose
    it was)."""

    __tablename__ = "moderation_actions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"))
    action: Mapped[str] = mapped_column(String(16))
    target_type: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int] = mapped_column(Integer)
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issues.id"))
    reason: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    actor_role: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (
        CheckConstraint(f"action IN {sql_in(ACTIONS)}", name="action_known"),
        CheckConstraint(f"target_type IN {sql_in(ACTION_TARGETS)}", name="target_type_known"),
        Index("ix_moderation_actions_compound_created", "compound_id", "created_at"),
    )


class Mute(db.Model):
    """禁言: the member may not post issues, comments or replies in the compound until
    `until_at`. `closed_at` is set when it is lifted early (with who and why) or when a later
    mute supersedes an expired one, so at most one row per member and compound is open."""

    __tablename__ = "moderation_mutes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    until_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text)
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lift_reason: Mapped[str] = mapped_column(Text, default="")
    user = relationship("User", foreign_keys=[user_id], lazy="raise")
    __table_args__ = (
        partial_unique("uq_moderation_mutes_open", "compound_id", "user_id",
                       where="closed_at IS NULL"),
    )
