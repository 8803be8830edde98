"""Racing connections: committee members marking the same line disputed at once store one
open dispute and refuse the rest (409, never a 500); two drafts of the budget at once, one."""
import pytest
from sqlalchemy import func, select

from app.audit.verification import verify
from app.extensions import db
from app.trustbooks.models import TrustBudget, TrustDispute
from tests.factories import grant, make_user, own_client, pool_for_threads, run_together
from tests.trustbooks.helpers import TrustWorld

pytestmark = pytest.mark.both_databases

N = 5


@pytest.fixture
def app_overrides():
    return pool_for_threads(N + 2)


def _members(w):
    people = [w.committee] + [make_user(name=f"委员{i}") for i in range(N - 1)]
    for person in people[1:]:
        grant(person, w.compound, "committee")
    db.session.commit()
    return people


def test_racing_disputes_of_one_line_store_one(app):
    w = TrustWorld()
    entry = w.spend(100_000, "cleaning")
    url = f"/c/{w.compound.id}/trust/{w.fund.id}/entries/{entry.seq}/dispute"
    app.config["WTF_CSRF_ENABLED"] = False
    clients = [own_client(app, person) for person in _members(w)]
    results = run_together([lambda c=c, i=i: c.post(url, data={"reason": f"理由{i}"}).status_code
                            for i, c in enumerate(clients)])
    assert results == [302] * N, results  # refused ones are told so on the page
    db.session.remove()
    assert db.session.scalar(select(func.count(TrustDispute.id))) == 1
    checked = verify()
    assert checked.ok, checked.problems


def test_racing_budget_drafts_store_one(app):
    w = TrustWorld(approved=False)
    url = f"/c/{w.compound.id}/trust/{w.fund.id}/budget"
    app.config["WTF_CSRF_ENABLED"] = False
    clients = [own_client(app, person) for person in _members(w)]
    results = run_together([lambda c=c, i=i: c.post(url, data={
        "expense_staff": str(1000 + i)}).status_code for i, c in enumerate(clients)])
    assert 302 in results and set(results) <= {302, 409}, results
    db.session.remove()
    assert db.session.scalar(select(func.count(TrustBudget.id))) == 1
    checked = verify()
    assert checked.ok, checked.problems
