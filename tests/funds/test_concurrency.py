"""Entries posted at once to one fund get the numbers 1..N, each once; one entry corrected by
several keepers at once is corrected once, the others refused plainly (409, never a 500).
Real racing connections (threads), SQLite file and PostgreSQL."""
import pytest
from sqlalchemy import select

from app.audit.verification import verify
from app.extensions import db
from app.funds.models import LedgerEntry
from tests.factories import grant, make_user, own_client, pool_for_threads, run_together
from tests.funds.helpers import YEAR, FundWorld

pytestmark = pytest.mark.both_databases

N = 6


@pytest.fixture
def app_overrides():
    return pool_for_threads(N + 2)


def test_racing_posts_number_the_entries_one_to_n(app):
    w = FundWorld()
    fund_id = w.income_fund.id
    app.config["WTF_CSRF_ENABLED"] = False
    clients = [own_client(app, w.committee) for _ in range(N)]
    results = run_together([lambda c=c, i=i: c.post(f"/funds/{fund_id}/post", data={
        "kind": "income", "amount": str(100 + i), "category": "parking",
        "entry_date": f"{YEAR}-01-05", "commitment": "0", "to_fund": "0"}).status_code
        for i, c in enumerate(clients)])
    assert results == [302] * N, results
    db.session.remove()
    rows = db.session.execute(select(LedgerEntry.seq, LedgerEntry.amount_fen).where(
        LedgerEntry.fund_id == fund_id).order_by(LedgerEntry.seq)).all()
    assert [seq for seq, _a in rows] == list(range(1, N + 1))
    assert sorted(a for _s, a in rows) == [(100 + i) * 100 for i in range(N)]
    assert verify().ok


def test_racing_corrections_of_one_entry_correct_it_once(app):
    w = FundWorld()
    keepers = [w.committee] + [make_user(name=f"委员{i}") for i in range(N - 1)]
    for keeper in keepers[1:]:
        grant(keeper, w.compound, "committee")
    entry = w.post(kind="expense", amount_fen=10_000, category="repair")
    entry_id, url = entry.id, f"/funds/{w.income_fund.id}/entries/{entry.seq}/correct"
    app.config["WTF_CSRF_ENABLED"] = False
    clients = [own_client(app, k) for k in keepers]
    results = run_together([lambda c=c: c.post(url, data={
        "reason": "金额有误", "amount": "50", "entry_date": f"{YEAR}-01-07"}).status_code
        for c in clients])
    assert results.count(302) == 1 and all(r in (302, 409) for r in results), results
    db.session.remove()
    assert db.session.scalar(select(db.func.count(LedgerEntry.id)).where(
        LedgerEntry.corrects_id == entry_id)) == 2  # one reversal, one replacement
    assert verify().ok
