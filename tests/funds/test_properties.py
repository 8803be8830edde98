"""Property tests over random ledgers (incomes, expenses, commitments and the expenses that
spend them, transfers, corrections, monthly statements published along the way):
- the figures recomputed from the JSON export, by the standard-library recompute that shares no
  code with the queries, equal the page's (app.funds.balances);
- no correction, made after a month is published, changes that month's statement: its
  stored digest is the digest of its figures, and recomputing the month now gives the same."""
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.extensions import db
from app.funds import recompute, services, statements
from app.funds.balances import balances
from app.funds.exports import json_export
from tests.factories import grant, make_compound, make_user

YEAR = 2026
MONTHS = range(1, 7)

amounts = st.integers(min_value=1, max_value=5_000_000)
operation = st.one_of(
    st.tuples(st.sampled_from(["income", "expense", "commitment", "spend", "transfer"]),
              amounts, st.integers(0, 10**6)),
    st.tuples(st.just("correct"), st.one_of(st.none(), amounts), st.integers(0, 10**6)))
month_plan = st.tuples(st.lists(operation, max_size=5), st.booleans())


def _world():
    compound = make_compound()
    keeper = make_user(name="业委会")
    grant(keeper, compound, "committee")
    fund = services.create_fund(keeper, source="public_income", year=YEAR, name="公共收益",
                                compound=compound)
    other = services.create_fund(keeper, source="maintenance", year=YEAR, name="维修资金",
                                 compound=compound)
    return keeper, fund, other


def _correctable(fund):
    from sqlalchemy import select

    from app.funds.models import LedgerEntry
    corrected = select(LedgerEntry.corrects_id).where(LedgerEntry.corrects_id.is_not(None))
    return list(db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.fund_id == fund.id, LedgerEntry.is_reversal.is_(False),
        LedgerEntry.kind != "transfer_in", LedgerEntry.id.not_in(corrected))
        .order_by(LedgerEntry.id)))


def _apply(keeper, fund, other, op, day):
    kind, amount, pick = op
    if kind == "correct":
        targets = _correctable(fund)
        if targets:
            target = targets[pick % len(targets)]
            replacement = ({"amount_fen": amount} if amount and target.kind != "transfer_out"
                           else None)
            services.correct_entry(target, keeper, reason="更正", entry_date=day,
                                   replacement=replacement)
    elif kind == "transfer":
        services.post_transfer(fund, keeper, to_fund=other, amount_fen=amount, entry_date=day)
    elif kind == "spend":
        commitments = [e for e in _correctable(fund) if e.kind == "commitment"]
        services.post_entry(fund, keeper, kind="expense", amount_fen=amount, entry_date=day,
                            category="repair",
                            commitment_id=commitments[pick % len(commitments)].id
                            if commitments else None)
    else:
        services.post_entry(fund, keeper, kind=kind, amount_fen=amount, entry_date=day,
                            category="parking" if kind == "income" else "repair")


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(plans=st.lists(month_plan, min_size=len(MONTHS), max_size=len(MONTHS)))
def test_export_recomputes_to_the_page_and_statements_stay_frozen(app, plans):
    keeper, fund, other = _world()
    published = {}
    for month, (ops, publish) in zip(MONTHS, plans, strict=True):
        for index, op in enumerate(ops):
            _apply(keeper, fund, other, op, date(YEAR, month, 1 + index))
        if publish and statements.publishable_month(fund) == (YEAR, month):
            statement = statements.publish_statement(fund, keeper, YEAR, month, page_url="/x")
            published[month] = statement.digest
        db.session.flush()
    export = json_export(fund)
    recomputed, problems = recompute.check(export)
    assert problems == []
    assert recomputed == balances(fund).as_dict()
    assert recompute.check(json_export(other))[1] == []
    for month, digest in published.items():
        stored = statements.get_statement(fund, YEAR, month)
        assert stored.digest == digest == statements.digest_of(stored.figures)
        assert statements.digest_of(statements.figures(fund, YEAR, month)) == digest
    db.session.rollback()


def test_a_tampered_export_is_caught(app):
    keeper, fund, _other = _world()
    services.post_entry(fund, keeper, kind="income", amount_fen=10_000,
                        entry_date=date(YEAR, 1, 3), category="parking")
    statements.publish_statement(fund, keeper, YEAR, 1, page_url="/x")
    export = json_export(fund)
    assert recompute.check(export)[1] == []
    export["entries"][0]["amount_fen"] = 9_999
    problems = recompute.check(export)[1]
    assert any("balance_fen" in p for p in problems)
    assert any("closing" in p for p in problems)
    export = json_export(fund)
    export["statements"][0]["figures"]["income_fen"] += 1
    assert any("digest" in p for p in recompute.check(export)[1])
