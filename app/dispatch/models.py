"""Dispatch (派单闭环, DESIGN §4): the organisations that handle tickets and their handler
accounts, grids and their workers, the community's ticket categories with their time limits,
and tickets with their history and photos. Nothing here is deleted: a withdrawn ticket, a
revoked handler and an inactive category keep their rows."""
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

from app.audit.coverage import require_coverage
from app.core.schema import partial_unique, sql_in
from app.core.time import utcnow
from app.core.types import UTCDateTime
from app.core.uploads import UPLOAD_PATH
from app.extensions import db

ORG_KINDS = ("property", "community_dept", "subdistrict_office", "outside")
SOURCES = ("issue", "follow_up", "patrol")
LEVELS = ("community", "subdistrict")
STATES = ("reported", "accepted", "declined", "assigned", "returned", "taken", "finished",
          "unsatisfied", "revisited", "archived", "withdrawn")
# A ticket still being worked on: one per issue among these.
OPEN_STATES = ("reported", "accepted", "assigned", "returned", "taken", "finished",
               "unsatisfied", "revisited")
# The assignee is on the clock in these.
RUNNING = ("assigned", "taken")
RATINGS = ("satisfied", "basic", "unsatisfied")  # 满意 / 基本满意 / 不满意
PHOTO_KINDS = ("before", "after")
ACTIVE = "revoked_at IS NULL"


class Organisation(db.Model):
    """A handling unit (物业, a 社区 department, a 街道 office, 城管, 供电...), kept by a
    community or, for the subdistrict's own offices, by a subdistrict."""

    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(24))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"), index=True)
    subdistrict_id: Mapped[int | None] = mapped_column(ForeignKey("subdistricts.id"),
                                                       index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (
        CheckConstraint(f"kind IN {sql_in(ORG_KINDS)}", name="kind_known"),
        CheckConstraint("(community_id IS NULL) <> (subdistrict_id IS NULL)",
                        name="one_owner"),
        db.UniqueConstraint("community_id", "name"),
        db.UniqueConstraint("subdistrict_id", "name"),
    )


class OrganisationHandler(db.Model):
    """A handler account of an organisation: sees and works only its organisation's
    tickets. Revoking keeps the row."""

    __tablename__ = "organisation_handlers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user = relationship("User", foreign_keys=[user_id], lazy="raise")
    organisation: Mapped[Organisation] = relationship(lazy="raise")
    __table_args__ = (
        partial_unique("uq_organisation_handlers_active", "organisation_id", "user_id",
                       where=ACTIVE),
    )


class Grid(db.Model):
    """网格: part of a community (buildings, or whole compounds) with its grid worker."""

    __tablename__ = "grids"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    worker = relationship("User", lazy="raise")
    __table_args__ = (db.UniqueConstraint("community_id", "name"),)


class GridArea(db.Model):
    """What a grid covers: a whole compound (building_id NULL) or one building of it."""

    __tablename__ = "grid_areas"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id"), index=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"), index=True)
    __table_args__ = (db.UniqueConstraint("grid_id", "compound_id", "building_id"),)


class TicketCategory(db.Model):
    """A community's ticket category and its time limit in working days (a setting)."""

    __tablename__ = "ticket_categories"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    name: Mapped[str] = mapped_column(String(30))
    working_days: Mapped[int] = mapped_column(Integer)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    __table_args__ = (
        db.UniqueConstraint("community_id", "name"),
        CheckConstraint("working_days BETWEEN 1 AND 60", name="working_days_range"),
    )


class Ticket(db.Model):
    """工单. One 回访 and one 重办 at most: revisited_at and redone_at are each set once, by
    the conditional UPDATE that moves the ticket (WHERE ... IS NULL)."""

    __tablename__ = "tickets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(16))
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issues.id"), index=True)
    follow_up_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_tasks.id"))
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_categories.id"))
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text, default="")
    level: Mapped[str] = mapped_column(String(16), default="community")
    state: Mapped[str] = mapped_column(String(16), default="reported", index=True)
    # Who reported it (the issue's author, the grid worker on patrol): the one who rates.
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"),
                                                        index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    calendar_complete: Mapped[bool] = mapped_column(Boolean, default=True)
    rating_first: Mapped[str | None] = mapped_column(String(16))
    rating_second: Mapped[str | None] = mapped_column(String(16))
    revisited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    redone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overdue_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    organisation = relationship("Organisation", lazy="raise")
    category = relationship("TicketCategory", lazy="raise")
    grid = relationship("Grid", lazy="raise")
    compound = relationship("Compound", lazy="raise")
    assignee = relationship("User", foreign_keys=[assignee_id], lazy="raise")
    __table_args__ = (
        CheckConstraint(f"state IN {sql_in(STATES)}", name="state_known"),
        CheckConstraint(f"source IN {sql_in(SOURCES)}", name="source_known"),
        CheckConstraint(f"level IN {sql_in(LEVELS)}", name="level_known"),
        CheckConstraint(f"rating_first IS NULL OR rating_first IN {sql_in(RATINGS)}",
                        name="rating_first_known"),
        CheckConstraint(f"rating_second IS NULL OR (rating_second IN {sql_in(RATINGS)} "
                        "AND rating_first = 'unsatisfied' AND redone_at IS NOT NULL)",
                        name="rating_second_after_redo"),
        CheckConstraint("redone_at IS NULL OR revisited_at IS NOT NULL",
                        name="redo_after_revisit"),
        CheckConstraint("(source = 'issue') = (issue_id IS NOT NULL)", name="issue_source"),
        CheckConstraint("(source = 'follow_up') = (follow_up_id IS NOT NULL)",
                        name="follow_up_source"),
        partial_unique("uq_tickets_open_issue", "issue_id",
                       where=f"issue_id IS NOT NULL AND state IN {sql_in(OPEN_STATES)}"),
        partial_unique("uq_tickets_open_follow_up", "follow_up_id",
                       where=f"follow_up_id IS NOT NULL AND state IN {sql_in(OPEN_STATES)}"),
        Index("ix_tickets_community_state", "community_id", "state"),
    )


class TicketEvent(db.Model):
    """A ticket's history: every step, who took it in which capacity and for which
    organisation. Residents read the public steps, by organisation, never by name."""

    __tablename__ = "ticket_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_role: Mapped[str | None] = mapped_column(String(32))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor = relationship("User", lazy="raise")
    organisation = relationship("Organisation", lazy="raise")


class TicketPhoto(db.Model):
    """A before or after photo (EXIF removed, stored by its SHA-256, with a thumbnail)."""

    __tablename__ = "ticket_photos"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(255), info=UPLOAD_PATH)
    sha256: Mapped[str] = mapped_column(String(64))
    thumb_path: Mapped[str] = mapped_column(String(255), info=UPLOAD_PATH)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    __table_args__ = (
        CheckConstraint(f"kind IN {sql_in(PHOTO_KINDS)}", name="kind_known"),
        db.UniqueConstraint("ticket_id", "kind", "position"),
    )


# Who handles a ticket and how it was rated decide the community's figures: all in the log.
require_coverage(Ticket, TicketEvent, OrganisationHandler)
