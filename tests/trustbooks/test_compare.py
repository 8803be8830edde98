"""Budget against actual is exact integer arithmetic: pinned cases and random ledgers."""
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from app.trustbooks.compare import compare, pace_of, percent, round_fen, share_text, total

ORDER = {"income": ["fee", "other"], "expense": ["staff", "cleaning", "other"]}


def test_pinned_shares_flags_and_rounding():
    lines = compare({("expense", "staff"): 300, ("expense", "cleaning"): 1200,
                     ("income", "fee"): 1200},
                    {("expense", "staff"): 301, ("expense", "cleaning"): 600,
                     ("income", "fee"): 500, ("expense", "other"): 1},
                    ORDER, pace=Fraction(6, 12))
    by = {(line.direction, line.category): line for line in lines}
    assert list(by) == [("income", "fee"), ("expense", "staff"),
                               ("expense", "cleaning"), ("expense", "other")]
    assert by[("expense", "staff")].over and not by[("expense", "staff")].ahead
    assert not by[("expense", "cleaning")].over and not by[("expense", "cleaning")].ahead
    assert by[("expense", "other")].over and by[("expense", "other")].share is None
    assert by[("income", "fee")].behind  # 500 < 1200 × 6/12
    assert percent(by[("expense", "staff")].share) == "100.33%"
    assert percent(Fraction(2, 3)) == "66.67%" and percent(Fraction(1, 200)) == "0.50%"
    assert share_text(1, 0) == "—"
    # A month is a twelfth of the year, exact, shown half up to the 分.
    month = compare({("expense", "staff"): 1000}, {("expense", "staff"): 84}, ORDER, divide=12)
    assert month[0].budget == Fraction(250, 3) and month[0].budget_fen == 83
    assert month[0].over  # 84 > 83⅓
    assert round_fen(Fraction(5, 2)) == 3 and round_fen(Fraction(249, 100)) == 2
    assert pace_of(3) == Fraction(3, 12) and pace_of(12) == 1 and pace_of(0) == 0


amounts = st.dictionaries(
    st.sampled_from([("income", "fee"), ("income", "other"), ("expense", "staff"),
                     ("expense", "cleaning"), ("expense", "other")]),
    st.integers(min_value=0, max_value=10**11), max_size=5)


@settings(max_examples=300, deadline=None)  # a shared machine's pauses are no failure
@given(amounts, amounts, st.integers(min_value=1, max_value=12))
def test_totals_add_up_exactly_and_flags_follow_the_definitions(budget, actual, divide):
    lines = compare(budget, actual, ORDER, divide=divide)
    for direction in ("income", "expense"):
        summed = total(lines, direction)
        mine = [line for line in lines if line.direction == direction]
        assert summed.actual_fen == sum(v for (d, _c), v in actual.items() if d == direction)
        assert summed.budget == Fraction(sum(v for (d, _c), v in budget.items()
                                             if d == direction), divide)
        for line in mine:
            assert isinstance(line.actual_fen, int) and isinstance(line.budget_fen, int)
            assert line.over == (direction == "expense" and line.actual_fen > line.budget)
            if line.budget:
                assert line.share == Fraction(line.actual_fen) / line.budget
            assert abs(line.budget_fen - line.budget) <= Fraction(1, 2)
