"""征求意见情况: the proposer's written summary of the consultation, with the stance counts
computed from the comments when it was written (never typed)."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.audit.coverage import require_coverage
from app.core.time import utcnow
from app.core.types import UTCDateTime
from app.extensions import db


class ConsultationSummary(db.Model):
    """One per proposal; rewritten (audited) while the proposal is in consultation, frozen from
    the party cell's review on. The counts are those of the visible top-level comments at the
    last write."""

    __tablename__ = "consultation_summaries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), unique=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    support_count: Mapped[int] = mapped_column(Integer, default=0)
    oppose_count: Mapped[int] = mapped_column(Integer, default=0)
    suggest_count: Mapped[int] = mapped_column(Integer, default=0)
    other_count: Mapped[int] = mapped_column(Integer, default=0)
    comment_count: Mapped[int] = mapped_column(Integer, default=0)  # all visible comments
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    author = relationship("User", lazy="raise")
    __table_args__ = (
        CheckConstraint("support_count >= 0 AND oppose_count >= 0 AND suggest_count >= 0 "
                        "AND other_count >= 0 AND comment_count >= 0",
                        name="counts_positive"),
    )


require_coverage(ConsultationSummary)
