"""Funds and their ledgers (issue 16, DESIGN §4 Money): a fund belongs to a community or a
compound and has a source and a year; its ledger is append-only. Amounts are integer 分, always
positive: the direction comes from the kind, and a correction is a new entry (a reversal of the
one it corrects, and optionally a replacement), never an edit. Balances are derived by query
(app.funds.balances), never stored. Monthly statements freeze their figures with a digest."""
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.audit.coverage import require_coverage
from app.core.append_only import append_only
from app.core.schema import sql_in
from app.core.time import utcnow
from app.core.types import UTCDateTime
from app.core.uploads import UPLOAD_PATH
from app.extensions import db

# 社区保障资金, 社区基金 are the community's; 公共收益, 维修资金, 物业费 (信托制) the owners'.
COMMUNITY_SOURCES = ("community_security", "community_fund")
COMPOUND_SOURCES = ("public_income", "maintenance", "property_fee")
SOURCES = COMMUNITY_SOURCES + COMPOUND_SOURCES
# income/transfer_in add to the balance, expense/transfer_out take from it; a commitment
# (committed, not yet spent) moves no money and is reported on its own.
KINDS = ("income", "expense", "commitment", "transfer_in", "transfer_out")
TRANSFER_KINDS = ("transfer_in", "transfer_out")
VOUCHER_KINDS = ("pdf", "image")


class Fund(db.Model):
    """A fund of exactly one community or one compound; one per owner, source and year."""

    __tablename__ = "funds"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"), index=True)
    compound_id: Mapped[int | None] = mapped_column(ForeignKey("compounds.id"), index=True)
    source: Mapped[str] = mapped_column(String(24))
    year: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(60))
    # The planned amount for the year (e.g. 社区保障资金 350,000 元), if any; not a balance.
    budget_fen: Mapped[int | None] = mapped_column(BigInteger)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    community = relationship("Community", lazy="raise")
    compound = relationship("Compound", lazy="raise")
    __table_args__ = (
        CheckConstraint("(community_id IS NULL) <> (compound_id IS NULL)", name="one_owner"),
        CheckConstraint(f"source IN {sql_in(SOURCES)}", name="source_known"),
        CheckConstraint(f"(source IN {sql_in(COMMUNITY_SOURCES)}) = "
                        "(community_id IS NOT NULL)", name="source_fits_owner"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
        CheckConstraint("budget_fen IS NULL OR budget_fen >= 0", name="budget_not_negative"),
        db.UniqueConstraint("community_id", "source", "year"),
        db.UniqueConstraint("compound_id", "source", "year"),
    )


class FundSequence(db.Model):
    """The last entry number taken in a fund: taking the next one is a conditional UPDATE ...
    RETURNING, which serialises racing posters on the row (PostgreSQL) or the write lock
    (SQLite). Kept apart from Fund so that the audited fund row does not change per entry."""

    __tablename__ = "fund_sequences"
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class LedgerEntry(db.Model):
    """One line of a fund's ledger, numbered 1, 2, 3... within the fund. Never updated or
    deleted (triggers refuse it). A reversal (is_reversal) cancels the entry it corrects; a
    replacement corrects it too (is_reversal false) and carries the right figures; both give
    the reason. A transfer is two entries: transfer_out here, transfer_in in the other fund,
    the second naming the first (transfer_of_id)."""

    __tablename__ = "ledger_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    entry_date: Mapped[date] = mapped_column(Date)
    counterparty: Mapped[str] = mapped_column(String(80), default="")
    # A code of the fund source's category list (app.funds.labels.CATEGORIES).
    category: Mapped[str] = mapped_column(String(24))
    description: Mapped[str] = mapped_column(Text, default="")
    # The decision that authorised it (a proposal; micro-projects add their own link).
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"), index=True)
    # The micro-project it paid for (app.microprojects), if any.
    project_id: Mapped[int | None] = mapped_column(ForeignKey("micro_projects.id"), index=True)
    # An expense that spends (part of) an earlier commitment of the same fund.
    commitment_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    counter_fund_id: Mapped[int | None] = mapped_column(ForeignKey("funds.id"))
    transfer_of_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"),
                                                    index=True)
    is_reversal: Mapped[bool] = mapped_column(Boolean, default=False)
    correction_reason: Mapped[str] = mapped_column(Text, default="")
    posted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    fund = relationship("Fund", foreign_keys=[fund_id], lazy="raise")
    counter_fund = relationship("Fund", foreign_keys=[counter_fund_id], lazy="raise")
    posted_by = relationship("User", lazy="raise")
    vouchers = relationship("FundVoucher", lazy="raise", order_by="FundVoucher.position")
    __table_args__ = (
        db.UniqueConstraint("fund_id", "seq"),
        # An entry is reversed once and replaced once at most.
        db.UniqueConstraint("corrects_id", "is_reversal"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint("seq > 0", name="seq_positive"),
        CheckConstraint(f"kind IN {sql_in(KINDS)}", name="kind_known"),
        CheckConstraint(f"(kind IN {sql_in(TRANSFER_KINDS)}) = (counter_fund_id IS NOT NULL)",
                        name="transfer_names_fund"),
        CheckConstraint("transfer_of_id IS NULL OR kind = 'transfer_in'",
                        name="transfer_of_incoming"),
        CheckConstraint("commitment_id IS NULL OR kind = 'expense'",
                        name="commitment_spent_by_expense"),
        CheckConstraint("NOT is_reversal OR corrects_id IS NOT NULL",
                        name="reversal_corrects"),
        CheckConstraint("corrects_id IS NULL OR correction_reason <> ''",
                        name="correction_has_reason"),
        Index("ix_ledger_entries_fund_date", "fund_id", "entry_date"),
    )


class FundVoucher(db.Model):
    """A voucher of an entry (invoice or contract scan, photo): a PDF stored as uploaded
    (sniffed, size-limited), or an image re-encoded without its EXIF data, with a thumbnail."""

    __tablename__ = "fund_vouchers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(255), info=UPLOAD_PATH)
    sha256: Mapped[str] = mapped_column(String(64))
    thumb_path: Mapped[str | None] = mapped_column(String(255), info=UPLOAD_PATH)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (
        CheckConstraint(f"kind IN {sql_in(VOUCHER_KINDS)}", name="kind_known"),
        CheckConstraint("(kind = 'image') = (thumb_path IS NOT NULL)", name="image_has_thumb"),
        db.UniqueConstraint("entry_id", "position"),
    )


class FundStatement(db.Model):
    """A published monthly statement (财务公开): its figures as published (canonical JSON)
    and their SHA-256. Never updated or deleted; a later correction shows in a later month."""

    __tablename__ = "fund_statements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    figures: Mapped[dict] = mapped_column(JSON)
    digest: Mapped[str] = mapped_column(String(64))
    published_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    fund = relationship("Fund", lazy="raise")
    __table_args__ = (
        db.UniqueConstraint("fund_id", "year", "month"),
        CheckConstraint("month BETWEEN 1 AND 12", name="month_range"),
    )


class FundStatementNotice(db.Model):
    """The 财务公开 notice a statement was published as, on each compound's board (one for a
    compound's fund, one per compound of the community for a community's fund)."""

    __tablename__ = "fund_statement_notices"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("fund_statements.id"), index=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), unique=True)


class FundQuestion(db.Model):
    """A question about a fund or one of its lines, answered once, publicly, by the keeper."""

    __tablename__ = "fund_questions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), index=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"), index=True)
    asker_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    asker = relationship("User", foreign_keys=[asker_id], lazy="raise")
    answered_by = relationship("User", foreign_keys=[answered_by_id], lazy="raise")
    __table_args__ = (
        CheckConstraint("(answer IS NULL) = (answered_at IS NULL)", name="answer_has_time"),
        # The to-do lists look for unanswered questions by age.
        Index("ix_fund_questions_open", "fund_id", "asked_at",
              sqlite_where=text("answered_at IS NULL"),
              postgresql_where=text("answered_at IS NULL")),
    )


# ---- append-only tables (app.core.append_only; the migration makes the same triggers) ----
APPEND_ONLY = ("ledger_entries", "fund_statements")


for _model in (LedgerEntry, FundStatement):
    append_only(_model)

# Who posted what, and what was published, decides what owners are told: all in the log.
require_coverage(Fund, LedgerEntry, FundVoucher, FundStatement, FundStatementNotice,
                 FundQuestion)
