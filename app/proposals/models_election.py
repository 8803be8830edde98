"""Elections of the owners' committee (业委会选举/补选, 民法典 第二百七十八条 matter 3): the
candidates nominated for an election proposal, the owners who jointly nominate one, and the
party cell's review of each. An election is an owners' proposal with `seats` set."""
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.audit.coverage import require_coverage
from app.core.schema import partial_unique, sql_in
from app.core.time import utcnow
from app.core.types import UTCDateTime
from app.extensions import db

NOMINATED_BY = ("owners", "preparatory_group")
REVIEW_VERDICTS = ("approved", "rejected")
MAX_SEATS = 15
MAX_CANDIDATES = 30


class ElectionCandidate(db.Model):
    """One person nominated in one election. `position` is their place on the ballot, given
    when the candidate list is published with the notice; only approved candidates get one."""

    __tablename__ = "election_candidates"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # The unit number the candidate holds, as shown on the list (never a phone).
    unit_label: Mapped[str] = mapped_column(String(200), default="")
    nominated_by: Mapped[str] = mapped_column(String(20))
    nominated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    statement: Mapped[str] = mapped_column(Text, default="")
    # 亮身份: shown only if the candidate chose to show it.
    shows_party_membership: Mapped[bool] = mapped_column(Boolean, default=False)
    review_verdict: Mapped[str | None] = mapped_column(String(16))
    review_opinion: Mapped[str | None] = mapped_column(Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    position: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (
        db.UniqueConstraint("proposal_id", "user_id"),
        partial_unique("uq_election_candidates_position", "proposal_id", "position",
                       where="position IS NOT NULL"),
        CheckConstraint(f"nominated_by IN {sql_in(NOMINATED_BY)}", name="nominated_by_known"),
        CheckConstraint(f"review_verdict IS NULL OR review_verdict IN {sql_in(REVIEW_VERDICTS)}",
                        name="review_verdict_known"),
        CheckConstraint(f"position IS NULL OR position BETWEEN 1 AND {MAX_CANDIDATES}",
                        name="candidate_position_range"),
    )


class NominationSupport(db.Model):
    """An owner joining the nomination of a candidate (联名推荐). The compound's rules say how
    many owners a nomination needs; the filer is the first."""

    __tablename__ = "nomination_supports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("election_candidates.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (db.UniqueConstraint("candidate_id", "user_id"),)


require_coverage(ElectionCandidate, NominationSupport)
