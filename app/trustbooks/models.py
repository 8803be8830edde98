"""Trust-model property books (信托制物业, issue 16): the approved annual budget of a compound's
物业费 fund by category, the lines the committee marks disputed (存疑), and the annual account
(年度账目) frozen at year end. The ledger itself is the fund's (app.funds): the property
manager posts its income and expenses there, against this budget."""
from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.audit.coverage import require_coverage
from app.core.append_only import append_only
from app.core.schema import partial_unique, sql_in
from app.core.time import utcnow
from app.core.types import UTCDateTime
from app.extensions import db

BUDGET_STATES = ("draft", "approved", "superseded", "discarded")
DIRECTIONS = ("income", "expense")
DISPUTE_STATES = ("open", "cleared")


class TrustBudget(db.Model):
    """One version of a fund's annual budget. A draft is entered by the committee or the
    property manager; the committee records the owners' approval (with the proposal that
    approved it when there is one), which freezes it. A change is a new version, with its
    reason; approving it supersedes the one before. At most one draft and one approved
    version per fund at a time (partial unique indexes)."""

    __tablename__ = "trust_budgets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), index=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), default="draft")
    # Why this version exists (required once a version was approved: what changed and why).
    reason: Mapped[str] = mapped_column(Text, default="")
    # The owners' decision that approved it, or how the owners approved it otherwise.
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))
    approval_note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lines: Mapped[list["TrustBudgetLine"]] = relationship(
        order_by="TrustBudgetLine.id", lazy="raise", back_populates="budget")
    __table_args__ = (
        db.UniqueConstraint("fund_id", "version"),
        CheckConstraint(f"state IN {sql_in(BUDGET_STATES)}", name="state_known"),
        CheckConstraint("version > 0", name="version_positive"),
        CheckConstraint("(state IN ('approved', 'superseded')) = (approved_at IS NOT NULL)",
                        name="approved_has_time"),
        partial_unique("uq_trust_budgets_one_draft", "fund_id", where="state = 'draft'"),
        partial_unique("uq_trust_budgets_one_approved", "fund_id", where="state = 'approved'"),
    )


class TrustBudgetLine(db.Model):
    """The budgeted amount of one category (a code of the 物业费 category list of app.funds)
    for the year, in 分."""

    __tablename__ = "trust_budget_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("trust_budgets.id"), index=True)
    direction: Mapped[str] = mapped_column(String(8))
    category: Mapped[str] = mapped_column(String(24))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    budget: Mapped[TrustBudget] = relationship(back_populates="lines", lazy="raise")
    __table_args__ = (
        db.UniqueConstraint("budget_id", "direction", "category"),
        CheckConstraint(f"direction IN {sql_in(DIRECTIONS)}", name="direction_known"),
        CheckConstraint("amount_fen >= 0", name="amount_not_negative"),
    )


class TrustDispute(db.Model):
    """A ledger line the owners' committee holds in doubt (存疑), with its reason, until it
    clears it with a reason of its own. One open dispute per line (partial unique index); a
    cleared line may be disputed again (a new row)."""

    __tablename__ = "trust_disputes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"), index=True)
    state: Mapped[str] = mapped_column(String(8), default="open")
    reason: Mapped[str] = mapped_column(Text)
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    clear_reason: Mapped[str] = mapped_column(Text, default="")
    cleared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (
        CheckConstraint(f"state IN {sql_in(DISPUTE_STATES)}", name="state_known"),
        CheckConstraint("reason <> ''", name="has_reason"),
        CheckConstraint("(state = 'cleared') = (cleared_at IS NOT NULL)",
                        name="cleared_has_time"),
        partial_unique("uq_trust_disputes_one_open", "entry_id", where="state = 'open'"),
    )


class TrustAnnualAccount(db.Model):
    """The annual account (年度账目) of a 物业费 fund, published after its year: the figures as
    published (budget against actual by category, income, expenses, disputed lines; canonical
    JSON) and their SHA-256. Never updated or deleted; one per fund."""

    __tablename__ = "trust_annual_accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), unique=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    figures: Mapped[dict] = mapped_column(JSON)
    digest: Mapped[str] = mapped_column(String(64))
    published_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    fund = relationship("Fund", lazy="raise")


APPEND_ONLY = ("trust_annual_accounts",)
append_only(TrustAnnualAccount)

require_coverage(TrustBudget, TrustBudgetLine, TrustDispute, TrustAnnualAccount)
