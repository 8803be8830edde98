"""What the trust-model books pages read: the budget in force, the actual figures by month and
category (one statement), the disputed lines and the published months of a 物业费 fund."""
from dataclasses import dataclass, field
from fractions import Fraction

from sqlalchemy import case, extract, func, select

from app.core.time import china_date, utcnow
from app.extensions import db
from app.funds.models import Fund, FundStatement, LedgerEntry
from app.trustbooks import budgets
from app.trustbooks.compare import Line, compare, pace_of, total
from app.trustbooks.models import TrustAnnualAccount, TrustBudget, TrustDispute

# A reversal counts minus its amount (app.funds.balances).
_SIGNED = case((LedgerEntry.is_reversal, -LedgerEntry.amount_fen), else_=LedgerEntry.amount_fen)
_MONTH = extract("month", LedgerEntry.entry_date)
ACTUAL_KINDS = ("income", "expense")


def order() -> dict[str, list[str]]:
    return {direction: list(codes) for direction, codes in budgets.categories().items()}


def actual_by_month(fund_id: int) -> dict[int, dict[tuple[str, str], int]]:
    """month → {(direction, category): signed sum of that month's lines}."""
    rows = db.session.execute(
        select(_MONTH, LedgerEntry.kind, LedgerEntry.category, func.sum(_SIGNED))
        .where(LedgerEntry.fund_id == fund_id, LedgerEntry.kind.in_(ACTUAL_KINDS))
        .group_by(_MONTH, LedgerEntry.kind, LedgerEntry.category)).all()
    out: dict[int, dict] = {}
    for month, kind, category, amount in rows:
        out.setdefault(int(month), {})[(kind, category)] = int(amount or 0)
    return out


def through_months(monthly: dict, last: int) -> dict[tuple[str, str], int]:
    """The sums of months 1..last."""
    summed: dict = {}
    for month, figures in monthly.items():
        if month <= last:
            for key, amount in figures.items():
                summed[key] = summed.get(key, 0) + amount
    return summed


def disputed_by_category(fund_id: int) -> dict[tuple[str, str], int]:
    rows = db.session.execute(
        select(LedgerEntry.kind, LedgerEntry.category, func.count(TrustDispute.id))
        .join(LedgerEntry, LedgerEntry.id == TrustDispute.entry_id)
        .where(TrustDispute.fund_id == fund_id, TrustDispute.state == "open")
        .group_by(LedgerEntry.kind, LedgerEntry.category)).all()
    return {("income" if kind == "income" else "expense", category): int(n)
            for kind, category, n in rows}


def budget_amounts(budget: TrustBudget | None) -> dict[tuple[str, str], int]:
    if budget is None:
        return {}
    return {(line.direction, line.category): line.amount_fen for line in budget.lines}


def published_months(fund_id: int) -> set[int]:
    return set(db.session.scalars(select(FundStatement.month)
                                  .where(FundStatement.fund_id == fund_id)))


@dataclass
class MonthRow:
    month: int
    income_fen: int
    expense_fen: int
    expense_budget: Fraction  # the year's expense budget ÷ 12
    published: bool

    @property
    def over(self) -> bool:
        return self.expense_fen > self.expense_budget


@dataclass
class Books:
    fund: Fund
    budget: TrustBudget | None
    through: int  # the last month counted in the year to date
    lines: list[Line]  # year to date, by category
    income: Line
    expense: Line
    months: list[MonthRow]
    open_disputes: int
    account: TrustAnnualAccount | None
    month: int | None = None  # a month asked for, and its lines
    month_lines: list[Line] = field(default_factory=list)

    @property
    def month_totals(self) -> dict[str, Line]:
        return {d: total(self.month_lines, d) for d in ("income", "expense")}

    @property
    def over_count(self) -> int:
        return sum(1 for line in self.lines if line.over)


def last_month_counted(year: int, today) -> int:
    """The year to date runs through this month, with what is posted of it so far (all 12
    once the year is over)."""
    if today.year > year:
        return 12
    if today.year < year:
        return 0
    return today.month


def books(fund: Fund, *, month: int | None = None, today=None) -> Books:
    """The books of a year: year to date by category against the approved budget, each
    month's totals, and a month's categories when asked for."""
    today = today or china_date(utcnow())
    budget = budgets.current(fund.id)
    amounts = budget_amounts(budget)
    monthly = actual_by_month(fund.id)
    last = last_month_counted(fund.year, today)
    if month is not None:
        last = max(last, month)  # a month asked for is counted, even the running one
    disputed = disputed_by_category(fund.id)
    pace = pace_of(last)
    lines = compare(amounts, through_months(monthly, last), order(), pace=pace,
                    disputed=disputed)
    expense_budget = Fraction(sum(v for (d, _c), v in amounts.items() if d == "expense"), 12)
    published = published_months(fund.id)
    months = [MonthRow(m, sum(v for (d, _c), v in monthly.get(m, {}).items() if d == "income"),
                       sum(v for (d, _c), v in monthly.get(m, {}).items() if d == "expense"),
                       expense_budget, m in published) for m in range(1, 13)
              if m <= last or m in monthly]
    month_lines = compare(amounts, monthly.get(month, {}), order(), divide=12) \
        if month is not None else []
    account = db.session.scalar(select(TrustAnnualAccount)
                                .where(TrustAnnualAccount.fund_id == fund.id))
    return Books(fund, budget, last, lines, total(lines, "income"), total(lines, "expense"),
                 months, sum(disputed.values()), account, month, month_lines)


def trust_funds(compound_id: int) -> list[Fund]:
    """The compound's 物业费 funds, newest year first."""
    return list(db.session.scalars(select(Fund).where(
        Fund.compound_id == compound_id, Fund.source == budgets.SOURCE)
        .order_by(Fund.year.desc())))
