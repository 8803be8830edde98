"""Issues (议题/诉求): what residents raise, neighbours second and the compound takes up."""
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.schema import sql_in
from app.core.time import utcnow
from app.core.types import UTCDateTime
from app.core.uploads import UPLOAD_PATH
from app.extensions import db

STATUSES = ("open", "acknowledged", "on_agenda", "proposal", "dispatched", "answered",
            "resolved", "closed")
RATINGS = ("satisfied", "basic", "unsatisfied")  # 满意 / 基本满意 / 不满意
SHOW_AS = ("name", "anonymous")
STANCES = ("support", "oppose", "suggest", "other")  # 支持 / 反对 / 建议 / 其他



class IssueCategory(db.Model):
    """A compound's own list of categories; when it has none, the defaults apply."""

    __tablename__ = "issue_categories"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    name: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (db.UniqueConstraint("compound_id", "name"),)


class Issue(db.Model):
    __tablename__ = "issues"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    # The resident who raises it; reporter_id is the grid worker who filed it on their behalf.
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    is_on_behalf: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str] = mapped_column(String(120))
    body_source: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(16))
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"), index=True)
    show_as: Mapped[str] = mapped_column(String(16), default="name")
    # What residents read instead of the name when show_as is anonymous, fixed at posting:
    # "某业主 (3栋)" or "某居民".
    anonymous_label: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    second_count: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # 派单 due date
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rating: Mapped[str | None] = mapped_column(String(16))
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User", foreign_keys=[author_id], lazy="raise")
    reporter = relationship("User", foreign_keys=[reporter_id], lazy="raise")
    building = relationship("Building", lazy="raise")
    photos: Mapped[list["IssuePhoto"]] = relationship(order_by="IssuePhoto.position", lazy="raise")
    __table_args__ = (
        CheckConstraint(f"status IN {sql_in(STATUSES)}", name="status_known"),
        CheckConstraint(f"show_as IN {sql_in(SHOW_AS)}", name="show_as_known"),
        CheckConstraint(f"rating IS NULL OR rating IN {sql_in(RATINGS)}", name="rating_known"),
        CheckConstraint("second_count >= 0", name="second_count_positive"),
        Index("ix_issues_compound_created", "compound_id", "created_at"),
    )


class IssuePhoto(db.Model):
    """A photo stored by its SHA-256 (EXIF removed, at most 1600 px) with a 320 px thumbnail."""

    __tablename__ = "issue_photos"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id"), index=True)
    path: Mapped[str] = mapped_column(String(255), info=UPLOAD_PATH)
    sha256: Mapped[str] = mapped_column(String(64))
    thumb_path: Mapped[str] = mapped_column(String(255), info=UPLOAD_PATH)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    __table_args__ = (db.UniqueConstraint("issue_id", "position"),)


class IssueSecond(db.Model):
    """附议: one per household (unit), whoever of the household taps first."""

    __tablename__ = "issue_seconds"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (db.UniqueConstraint("issue_id", "unit_id"),)


class IssueEvent(db.Model):
    """The issue's public timeline: every status change, who made it, in which capacity."""

    __tablename__ = "issue_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_role: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor = relationship("User", lazy="raise")


class Comment(db.Model):
    """A comment in a discussion: under an issue, or under a proposal (and then possibly
    about one of its options). One level of replies; a top-level comment on a proposal may
    carry a stance (支持/反对/建议/其他), counted in the consultation summary."""

    __tablename__ = "comments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issues.id"))
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))
    option_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposal_options.id", ondelete="SET NULL"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    stance: Mapped[str | None] = mapped_column(String(16))
    show_as: Mapped[str] = mapped_column(String(16), default="name", server_default="name")
    # What residents read instead of the name when show_as is anonymous, fixed at posting.
    anonymous_label: Mapped[str] = mapped_column(String(40), default="", server_default="")
    is_official: Mapped[bool] = mapped_column(Boolean, default=False)
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    author = relationship("User", lazy="raise")
    __table_args__ = (
        Index("ix_comments_issue_top", "issue_id", "parent_id", "is_official", "created_at"),
        Index("ix_comments_proposal_top", "proposal_id", "option_id", "parent_id",
              "is_official", "created_at"),
        CheckConstraint("(issue_id IS NULL) <> (proposal_id IS NULL)", name="one_subject"),
        CheckConstraint("option_id IS NULL OR proposal_id IS NOT NULL",
                        name="option_of_proposal"),
        CheckConstraint(f"stance IS NULL OR (stance IN {sql_in(STANCES)} "
                        "AND parent_id IS NULL AND proposal_id IS NOT NULL)",
                        name="stance_known"),
        CheckConstraint(f"show_as IN {sql_in(SHOW_AS)}", name="show_as_known"),
    )


class CommentRevision(db.Model):
    """An earlier version of an edited comment, kept for moderators."""

    __tablename__ = "comment_revisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), index=True)
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when this version was written
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
