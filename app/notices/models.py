"""Notices (公告/公示): published text with a publicity period, pinned while it runs, read and
acknowledged per household (DESIGN §4)."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.schema import sql_in
from app.core.time import utcnow
from app.core.types import UTCDateTime
from app.extensions import db

KINDS = ("meeting", "vote_result", "accounts", "general", "implementation")
# 会议结果/表决结果/财务公开/一般公告/实施结果公示
STATUSES = ("draft", "published", "withdrawn")


class Notice(db.Model):
    """Running, scheduled and archived are not stored: they follow from the publicity period
    and the clock, so nothing has to run at the period's end. The row holds the current text;
    once published, every text it has carried is a NoticeRevision.

    Read and acknowledgement counts live in their own tables and are never copied here: this
    row is covered by the audit chain, and a counter bumped by each reader would make it
    differ from the digest of the last audited change."""

    __tablename__ = "notices"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(120))
    body_source: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    # A result notice points at the vote whose result page it announces.
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    # Chosen in the draft (None: when it is published); fixed at publication.
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revision_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="")

    created_by = relationship("User", foreign_keys=[created_by_id], lazy="raise")
    published_by = relationship("User", foreign_keys=[published_by_id], lazy="raise")
    proposal = relationship("Proposal", lazy="raise")
    __table_args__ = (
        CheckConstraint(f"kind IN {sql_in(KINDS)}", name="kind_known"),
        CheckConstraint(f"status IN {sql_in(STATUSES)}", name="status_known"),
        CheckConstraint("starts_at IS NULL OR ends_at IS NULL OR ends_at > starts_at",
                        name="ends_after_start"),
        CheckConstraint("status = 'draft' OR (starts_at IS NOT NULL AND ends_at IS NOT NULL "
                        "AND published_at IS NOT NULL)", name="published_has_period"),
        CheckConstraint("status <> 'withdrawn' OR withdrawal_reason <> ''",
                        name="withdrawal_has_reason"),
        CheckConstraint("revision_count >= 0", name="revision_count_positive"),
        Index("ix_notices_compound_period", "compound_id", "status", "ends_at"),
    )


class NoticeRevision(db.Model):
    """A text the notice carried once published: number 1 is the text as published, each
    later one a correction with its reason. Never updated."""

    __tablename__ = "notice_revisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(120))
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    author = relationship("User", lazy="raise")
    __table_args__ = (
        db.UniqueConstraint("notice_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("number = 1 OR reason <> ''", name="correction_has_reason"),
    )


class NoticeRead(db.Model):
    """A household (unit) opened the notice: one row per household, whoever opened it first.
    Not audited (see app.notices.reads)."""

    __tablename__ = "notice_reads"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (db.UniqueConstraint("notice_id", "unit_id"),)


class NoticeAck(db.Model):
    """已知晓: a household's explicit acknowledgement, once per household; audited."""

    __tablename__ = "notice_acks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)  # the text acknowledged
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (db.UniqueConstraint("notice_id", "unit_id"),)
