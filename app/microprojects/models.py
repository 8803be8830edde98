"""Micro-projects (微项目, participatory budgeting, DESIGN §4): a round (征集轮次) on a fund
with a budget cap, the ideas residents propose in it, their seconds, the households' ballots,
milestones, photos and ratings. Money in integer 分; nothing here is deleted.

A round belongs to one compound (its residents, council and party cell take part) and draws
on a fund of that compound or of its community (a 社区保障资金 is shared out by rounds in the
community's compounds)."""
from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.audit.coverage import require_coverage
from app.core.schema import sql_in
from app.core.time import utcnow
from app.core.types import UTCDateTime
from app.core.uploads import UPLOAD_PATH
from app.extensions import db

ROUND_STATES = ("collecting", "reviewing", "party_review", "candidates", "voting", "counted",
                "owners_decision", "decided", "published")
# How the round decides (民法典 第二百七十八条 for owners' money): "council": the households'
# vote is an advisory 居民意见征集 and the 议事会 resolution decides; "owners": an owners'
# joint decision (a proposal) decides instead of a household vote.
ROUTES = ("council", "owners")
PROJECT_STATES = ("proposed", "shortlisted", "rejected", "candidate", "funded", "unfunded",
                  "implementing", "accepted", "disclosed")


class ProjectRound(db.Model):
    __tablename__ = "project_rounds"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    body_source: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    route: Mapped[str] = mapped_column(String(16))
    budget_cap: Mapped[int] = mapped_column(BigInteger)  # 分
    state: Mapped[str] = mapped_column(String(16), default="collecting", index=True)
    collect_until: Mapped[datetime] = mapped_column(UTCDateTime)
    candidate_days: Mapped[int] = mapped_column(Integer, default=7)
    voting_days: Mapped[int] = mapped_column(Integer, default=7)
    candidates_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    candidates_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voting_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voting_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voting_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ballot_count: Mapped[int] = mapped_column(Integer, default=0)
    # The allocation as counted (app.microprojects.allocation), frozen at close.
    result: Mapped[dict | None] = mapped_column(JSON)
    # The council's resolution (议事会决议) on 社区 money; the owners' decision on owners' money.
    decision_text: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    owners_proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))
    candidates_notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"))
    result_notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"))
    result_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    audit_head: Mapped[str] = mapped_column(String(64), default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    fund = relationship("Fund", lazy="raise")
    __table_args__ = (
        CheckConstraint(f"state IN {sql_in(ROUND_STATES)}", name="state_known"),
        CheckConstraint(f"route IN {sql_in(ROUTES)}", name="route_known"),
        CheckConstraint("budget_cap > 0", name="cap_positive"),
        CheckConstraint("candidate_days BETWEEN 1 AND 60", name="candidate_days_range"),
        CheckConstraint("voting_days BETWEEN 1 AND 60", name="voting_days_range"),
        CheckConstraint("ballot_count >= 0", name="ballot_count_positive"),
        CheckConstraint("route = 'council' OR state NOT IN ('voting', 'counted')",
                        name="owners_money_no_household_vote"),
    )


class MicroProject(db.Model):
    """An idea (微项目) a resident proposes in a round; once funded, the project carried out."""

    __tablename__ = "micro_projects"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("project_rounds.id"), index=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    body_source: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(120))
    estimate: Mapped[int] = mapped_column(BigInteger)  # 分
    state: Mapped[str] = mapped_column(String(16), default="proposed", index=True)
    second_count: Mapped[int] = mapped_column(Integer, default=0)
    votes: Mapped[int | None] = mapped_column(Integer)  # counted at the close of voting
    review_note: Mapped[str] = mapped_column(Text, default="")  # the council's, public
    party_opinion: Mapped[str] = mapped_column(Text, default="")
    progress: Mapped[int] = mapped_column(Integer, default=0)  # %
    acceptance_note: Mapped[str] = mapped_column(Text, default="")
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disclosure_notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    author = relationship("User", lazy="raise")
    round: Mapped[ProjectRound] = relationship(lazy="raise")
    __table_args__ = (
        CheckConstraint(f"state IN {sql_in(PROJECT_STATES)}", name="state_known"),
        CheckConstraint("estimate > 0", name="estimate_positive"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_percent"),
        CheckConstraint("second_count >= 0", name="second_count_positive"),
        CheckConstraint("state <> 'rejected' OR review_note <> '' OR party_opinion <> ''",
                        name="rejection_has_reason"),
        Index("ix_micro_projects_round_created", "round_id", "created_at"),
    )


class ProjectSecond(db.Model):
    """附议: one per household (unit), whoever of the household taps first."""

    __tablename__ = "project_seconds"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("micro_projects.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (db.UniqueConstraint("project_id", "unit_id"),)


class ProjectBallot(db.Model):
    """A household's ballot in a round: the projects it approves, costing together at most
    the cap. One per household (unit), final once cast: the unique constraint decides."""

    __tablename__ = "project_ballots"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("project_rounds.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    total: Mapped[int] = mapped_column(BigInteger)  # 分, the estimates approved together
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (db.UniqueConstraint("round_id", "unit_id"),
                      CheckConstraint("total > 0", name="total_positive"))


class ProjectBallotChoice(db.Model):
    __tablename__ = "project_ballot_choices"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("project_ballots.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("micro_projects.id"), index=True)
    __table_args__ = (db.UniqueConstraint("ballot_id", "project_id"),)


class ProjectEvent(db.Model):
    """The public timeline of a round and of its projects: every step, who took it in which
    capacity, when and the written reason or opinion."""

    __tablename__ = "project_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("project_rounds.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("micro_projects.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_role: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor = relationship("User", lazy="raise")


class ProjectMilestone(db.Model):
    """实施: a step of the work with the progress it reached, never lower than the last."""

    __tablename__ = "project_milestones"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("micro_projects.id"), index=True)
    note: Mapped[str] = mapped_column(Text)
    progress: Mapped[int] = mapped_column(Integer)
    posted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    posted_role: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (CheckConstraint("progress BETWEEN 0 AND 100", name="progress_percent"),
                      db.UniqueConstraint("project_id", "progress"))


class ProjectPhoto(db.Model):
    """A photo of the idea (milestone_id NULL) or of a milestone: EXIF removed, at most
    1600 px, with a 320 px thumbnail, stored by SHA-256 (app.issues.photos)."""

    __tablename__ = "project_photos"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("micro_projects.id"), index=True)
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("project_milestones.id"))
    path: Mapped[str] = mapped_column(String(255), info=UPLOAD_PATH)
    sha256: Mapped[str] = mapped_column(String(64))
    thumb_path: Mapped[str] = mapped_column(String(255), info=UPLOAD_PATH)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)


class ProjectRating(db.Model):
    """A resident's 1–5 rating of an accepted project, one per person."""

    __tablename__ = "project_ratings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("micro_projects.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    stars: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (db.UniqueConstraint("project_id", "user_id"),
                      CheckConstraint("stars BETWEEN 1 AND 5", name="stars_range"))


require_coverage(ProjectRound, MicroProject, ProjectSecond, ProjectBallot, ProjectEvent,
                 ProjectMilestone, ProjectPhoto, ProjectRating)
require_coverage(ProjectBallotChoice, scope="ballot_id")
