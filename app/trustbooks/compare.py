"""Budget against actual, by category: pure arithmetic on integer 分, no database.

Definitions (written on the page too):
- actual (实际) of a category: the signed sum of its ledger lines in the period, a reversal
  counting minus its amount (app.funds.balances); income lines for income categories, expense
  lines for expense categories; commitments are not actual spending;
- share used (执行率) = actual ÷ budget, exact (a Fraction), shown half up to 0.01%; none when
  the category has no budget;
- an expense category is over budget (超预算) when its actual exceeds its budget for the year,
  and ahead of pace (超进度) when it exceeds the year's budget × months counted ÷ 12 (the year
  to date counts this month too);
- an income category is behind pace (收入滞后) when its actual is below that share;
- a month's budget is the year's ÷ 12, exact; shown rounded half up to the 分."""
from dataclasses import dataclass
from fractions import Fraction
from math import floor

DIRECTIONS = ("income", "expense")


@dataclass(frozen=True)
class Line:
    direction: str
    category: str
    budget_fen: int  # the budget of the period compared (year: as approved; month: ÷ 12)
    actual_fen: int
    pace: Fraction = Fraction(1)  # the share of the year's budget the period should have used
    disputed: int = 0  # open disputes among its lines
    budget_exact: Fraction | None = None  # when the period's budget is not whole 分

    @property
    def budget(self) -> Fraction:
        return self.budget_exact if self.budget_exact is not None else Fraction(self.budget_fen)

    @property
    def share(self) -> Fraction | None:
        return Fraction(self.actual_fen) / self.budget if self.budget else None

    @property
    def remaining_fen(self) -> int:
        return self.budget_fen - self.actual_fen

    @property
    def over(self) -> bool:
        return self.direction == "expense" and self.actual_fen > self.budget

    @property
    def ahead(self) -> bool:
        return (self.direction == "expense" and not self.over
                and self.actual_fen > self.budget * self.pace)

    @property
    def behind(self) -> bool:
        return self.direction == "income" and self.actual_fen < self.budget * self.pace


def round_fen(value: Fraction) -> int:
    """Half up, to the 分 (amounts are never negative here)."""
    return floor(value + Fraction(1, 2))


def compare(budget: dict, actual: dict, order: dict, *, pace: Fraction = Fraction(1),
            divide: int = 1, disputed: dict | None = None) -> list[Line]:
    """One line per category that has a budget or an actual, in the order of `order`
    (direction → [codes]) then any other code. `budget` and `actual` map (direction, code) to
    分; `divide` splits the budget (12 for a month)."""
    disputed = disputed or {}
    keys = set(budget) | {k for k, v in actual.items() if v}
    ranked = {key: (DIRECTIONS.index(key[0]), list(order.get(key[0], [])).index(key[1])
                    if key[1] in order.get(key[0], []) else 999, key[1]) for key in keys}
    lines = []
    for key in sorted(keys, key=ranked.__getitem__):
        year_budget = int(budget.get(key, 0))
        exact = Fraction(year_budget, divide)
        lines.append(Line(key[0], key[1], round_fen(exact), int(actual.get(key, 0)), pace,
                          int(disputed.get(key, 0)),
                          exact if exact.denominator != 1 else None))
    return lines


def total(lines: list[Line], direction: str) -> Line:
    """The sum of one direction's lines (exact budget kept)."""
    mine = [line for line in lines if line.direction == direction]
    exact = sum((line.budget for line in mine), Fraction(0))
    pace = mine[0].pace if mine else Fraction(1)
    return Line(direction, "", round_fen(exact), sum(line.actual_fen for line in mine), pace,
                sum(line.disputed for line in mine),
                exact if exact.denominator != 1 else None)


def pace_of(through: int) -> Fraction:
    """The share of the year's budget a period through month `through` should have used."""
    return Fraction(max(0, min(12, through)), 12)


def percent(value: Fraction | None) -> str:
    """2/3 → "66.67%": exact, half up, two decimals; "—" when there is no value."""
    if value is None:
        return "—"
    scaled = floor(value * 10000 + Fraction(1, 2))
    whole, part = divmod(scaled, 100)
    return f"{whole}.{part:02d}%"


def share_text(actual: int, budget: int) -> str:
    """actual ÷ budget as percent() says it ("—" without a budget)."""
    return percent(Fraction(actual, budget) if budget else None)
