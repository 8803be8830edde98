"""What the trust-model books pages read: the budget in force, the actual figures by month and
category, the disputed lines, the published months and the annual account of one or several
物业费 funds, each kind in one statement whatever the number of funds."""
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from sqlalchemy import case, extract, func, select
from sqlalchemy.orm import joinedload

from app.core.time import china_date, utcnow
from app.extensions import db
from app.funds.models import Fund, FundStatement, FundVoucher, LedgerEntry
from app.trustbooks import budgets
from app.trustbooks.compare import Line, compare, pace_of, total
from app.trustbooks.models import TrustAnnualAccount, TrustBudget, TrustDispute

# A reversal counts minus its amount (app.funds.balances).
_SIGNED = case((LedgerEntry.is_reversal, -LedgerEntry.amount_fen), else_=LedgerEntry.amount_fen)
_MONTH = extract("month", LedgerEntry.entry_date)
ACTUAL_KINDS = ("income", "expense")


def order() -> dict[str, list[str]]:
    return {direction: list(codes) for direction, codes in budgets.categories().items()}


def _direction(kind: str) -> str:
    return "income" if kind == "income" else "expense"


def actual_by_month(fund_ids: list[int]) -> dict[int, dict[int, dict]]:
    """fund → month → {(direction, category): signed sum of that month's lines}."""
    rows = db.session.execute(
        select(LedgerEntry.fund_id, _MONTH, LedgerEntry.kind, LedgerEntry.category,
               func.sum(_SIGNED))
        .where(LedgerEntry.fund_id.in_(fund_ids), LedgerEntry.kind.in_(ACTUAL_KINDS))
        .group_by(LedgerEntry.fund_id, _MONTH, LedgerEntry.kind, LedgerEntry.category)).all()
    out: dict[int, dict] = {}
    for fund_id, month, kind, category, amount in rows:
        out.setdefault(fund_id, {}).setdefault(int(month), {})[(kind, category)] = \
            int(amount or 0)
    return out


def through_months(monthly: dict, last: int) -> dict[tuple[str, str], int]:
    """The sums of months 1..last."""
    summed: dict = {}
    for month, figures in monthly.items():
        if month <= last:
            for key, amount in figures.items():
                summed[key] = summed.get(key, 0) + amount
    return summed


def open_disputes(fund_ids: list[int]) -> list[tuple[TrustDispute, str, str, date]]:
    """The open disputes of the funds, each with its line's kind, category and date."""
    return list(db.session.execute(
        select(TrustDispute, LedgerEntry.kind, LedgerEntry.category, LedgerEntry.entry_date)
        .join(LedgerEntry, LedgerEntry.id == TrustDispute.entry_id)
        .where(TrustDispute.fund_id.in_(fund_ids), TrustDispute.state == "open")).tuples())


def budget_amounts(budget: TrustBudget | None) -> dict[tuple[str, str], int]:
    if budget is None:
        return {}
    return {(line.direction, line.category): line.amount_fen for line in budget.lines}


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
    disputed_entries: dict = field(default_factory=dict)  # entry id → its open dispute
    complete: bool = False  # the year is over


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


def _sum(figures: dict, direction: str) -> int:
    return sum(v for (d, _c), v in figures.items() if d == direction)


def many_books(funds: list[Fund], *, month: int | None = None, today=None) -> list[Books]:
    """The books of each fund's year: year to date by category against the approved budget,
    each month's totals, and a month's categories when asked for. Six statements in all."""
    if not funds:
        return []
    today = today or china_date(utcnow())
    ids = [fund.id for fund in funds]
    approved = {b.fund_id: b for b in db.session.scalars(
        select(TrustBudget).where(TrustBudget.fund_id.in_(ids), TrustBudget.state == "approved")
        .options(joinedload(TrustBudget.lines))).unique()}
    actual = actual_by_month(ids)
    disputes: dict[int, list] = {}
    for dispute, kind, category, day in open_disputes(ids):
        disputes.setdefault(dispute.fund_id, []).append((dispute, kind, category, day))
    published: dict[int, set] = {}
    for fund_id, month_no in db.session.execute(
            select(FundStatement.fund_id, FundStatement.month)
            .where(FundStatement.fund_id.in_(ids))):
        published.setdefault(fund_id, set()).add(month_no)
    accounts = {a.fund_id: a for a in db.session.scalars(
        select(TrustAnnualAccount).where(TrustAnnualAccount.fund_id.in_(ids)))}
    out = []
    for fund in funds:
        budget, monthly = approved.get(fund.id), actual.get(fund.id, {})
        amounts = budget_amounts(budget)
        last = last_month_counted(fund.year, today)
        if month is not None:
            last = max(last, month)  # a month asked for is counted
        by_category: dict = {}
        in_month: dict = {}
        for _dispute, kind, category, day in disputes.get(fund.id, []):
            key = (_direction(kind), category)
            by_category[key] = by_category.get(key, 0) + 1
            if day.month == month:
                in_month[key] = in_month.get(key, 0) + 1
        lines = compare(amounts, through_months(monthly, last), order(), pace=pace_of(last),
                        disputed=by_category)
        expense_budget = Fraction(_sum(amounts, "expense"), 12)
        months = [MonthRow(m, _sum(monthly.get(m, {}), "income"),
                           _sum(monthly.get(m, {}), "expense"), expense_budget,
                           m in published.get(fund.id, set()))
                  for m in range(1, 13) if m <= last or m in monthly]
        month_lines = compare(amounts, monthly.get(month, {}), order(), divide=12,
                              disputed=in_month) if month is not None else []
        out.append(Books(fund, budget, last, lines, total(lines, "income"),
                         total(lines, "expense"), months, len(disputes.get(fund.id, [])),
                         accounts.get(fund.id), month, month_lines,
                         {d.entry_id: d for d, _k, _c, _d in disputes.get(fund.id, [])},
                         today.year > fund.year))
    return out


def books(fund: Fund, *, month: int | None = None, today=None) -> Books:
    return many_books([fund], month=month, today=today)[0]


def trust_funds(compound_id: int) -> list[Fund]:
    """The compound's 物业费 funds, newest year first."""
    return list(db.session.scalars(select(Fund).where(
        Fund.compound_id == compound_id, Fund.source == budgets.SOURCE)
        .order_by(Fund.year.desc())))


def month_lines(fund: Fund, month: int) -> list[tuple[LedgerEntry, int]]:
    """A month's ledger lines, each with its number of vouchers."""
    start = date(fund.year, month, 1)
    end = date(fund.year + (month == 12), month % 12 + 1, 1)
    vouchers = (select(func.count(FundVoucher.id)).where(FundVoucher.entry_id == LedgerEntry.id)
                .correlate(LedgerEntry).scalar_subquery())
    return list(db.session.execute(
        select(LedgerEntry, vouchers).where(LedgerEntry.fund_id == fund.id,
                                            LedgerEntry.entry_date >= start,
                                            LedgerEntry.entry_date < end)
        .order_by(LedgerEntry.seq)).tuples())
