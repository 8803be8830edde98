"""A fund's figures, derived from its ledger by query every time (never stored).

Definitions (shown on the fund page as well):
- every entry counts with its amount, a reversal with minus its amount;
- balance (余额) = income − expense + transfers in − transfers out;
- committed (承诺) per commitment = its amount (less its reversal) − the expenses that name it,
  never below zero; outstanding commitments (已承诺未支出) = the sum over commitments;
- available (可用余额) = balance − outstanding commitments.
A commitment moves no money: it only reserves part of the balance."""
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import case, func, literal, select, union_all

from app.extensions import db
from app.funds.models import LedgerEntry

SIGN = {"income": 1, "transfer_in": 1, "expense": -1, "transfer_out": -1, "commitment": 0}


@dataclass(frozen=True)
class Balances:
    income_fen: int = 0
    expense_fen: int = 0
    transfer_in_fen: int = 0
    transfer_out_fen: int = 0
    committed_fen: int = 0  # outstanding commitments (committed, not yet spent)

    @property
    def balance_fen(self) -> int:
        return (self.income_fen - self.expense_fen + self.transfer_in_fen
                - self.transfer_out_fen)

    @property
    def available_fen(self) -> int:
        return self.balance_fen - self.committed_fen

    def as_dict(self) -> dict:
        return {**asdict(self), "balance_fen": self.balance_fen,
                "available_fen": self.available_fen}


_signed = case((LedgerEntry.is_reversal, -LedgerEntry.amount_fen), else_=LedgerEntry.amount_fen)


def _window(query, fund_id: int, start: date | None, end: date | None):
    query = query.where(LedgerEntry.fund_id == fund_id)
    if start is not None:
        query = query.where(LedgerEntry.entry_date >= start)
    if end is not None:
        query = query.where(LedgerEntry.entry_date <= end)
    return query


def totals_by_kind(fund_id: int, start: date | None = None,
                   end: date | None = None) -> dict[str, int]:
    """{kind: signed sum} of the entries dated within [start, end] (None: unbounded)."""
    rows = db.session.execute(_window(
        select(LedgerEntry.kind, func.sum(_signed)).group_by(LedgerEntry.kind),
        fund_id, start, end)).all()
    return {kind: int(total or 0) for kind, total in rows}


def totals_by_category(fund_id: int, start: date | None = None,
                       end: date | None = None) -> dict[tuple[str, str], int]:
    """{(kind, category): signed sum} within [start, end]: the 'actual' side of a budget
    against actual (income, expense and commitment codes come from app.funds.labels)."""
    rows = db.session.execute(_window(
        select(LedgerEntry.kind, LedgerEntry.category, func.sum(_signed))
        .group_by(LedgerEntry.kind, LedgerEntry.category), fund_id, start, end)).all()
    return {(kind, category): int(total or 0) for kind, category, total in rows}


def outstanding_commitments(fund_id: int, end: date | None = None) -> int:
    """Σ over commitments of max(0, committed − spent against it), as of `end`."""
    committed = _window(select(
        case((LedgerEntry.is_reversal, LedgerEntry.corrects_id),
             else_=LedgerEntry.id).label("commitment"),
        _signed.label("committed"), literal(0).label("spent"))
        .where(LedgerEntry.kind == "commitment"), fund_id, None, end)
    spent = _window(select(
        LedgerEntry.commitment_id.label("commitment"), literal(0).label("committed"),
        _signed.label("spent"))
        .where(LedgerEntry.kind == "expense", LedgerEntry.commitment_id.is_not(None)),
        fund_id, None, end)
    both = union_all(committed, spent).subquery()
    rows = db.session.execute(select(both.c.commitment, func.sum(both.c.committed),
                                     func.sum(both.c.spent)).group_by(both.c.commitment)).all()
    return sum(max(0, int(c or 0) - int(s or 0)) for _id, c, s in rows)


def balances(fund, end: date | None = None) -> Balances:
    """The fund's figures over its whole ledger, or up to and including `end`."""
    totals = totals_by_kind(fund.id, None, end)
    return Balances(income_fen=totals.get("income", 0), expense_fen=totals.get("expense", 0),
                    transfer_in_fen=totals.get("transfer_in", 0),
                    transfer_out_fen=totals.get("transfer_out", 0),
                    committed_fen=outstanding_commitments(fund.id, end))
