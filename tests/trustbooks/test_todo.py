"""The trust books' to-do items: the committee publishes last month and approves a draft
budget; the property manager explains a disputed line. Others see none of them."""
from datetime import date, datetime, timezone

from flask import current_app

from app.compounds.access import roles_by_compound
from app.extensions import db
from app.funds import statements
from app.site.todo import todo_for
from app.trustbooks import budgets, disputes
from tests.funds.helpers import YEAR
from tests.trustbooks.helpers import BUDGET, TrustWorld

NOW = datetime(YEAR, 3, 10, 4, tzinfo=timezone.utc)


def _kinds(user, now=NOW):
    with current_app.test_request_context():
        return {i.kind: i for i in todo_for(user, roles_by_compound(user), now=now).items
                if i.kind.startswith("trustbooks.")}


def test_what_awaits_the_committee_and_the_property_manager(app):
    w = TrustWorld()
    entry = w.spend(100_000, day=date(YEAR, 2, 3))
    budgets.draft(w.fund, w.property, {**BUDGET, ("expense", "staff"): 1}, reason="调整")
    disputes.mark(w.fund, entry, w.committee, "没有合同")
    db.session.commit()
    committee = _kinds(w.committee)
    assert set(committee) == {"trustbooks.publish", "trustbooks.approve"}
    assert "2月" in committee["trustbooks.publish"].title
    manager = _kinds(w.property)
    assert set(manager) == {"trustbooks.dispute"}
    assert manager["trustbooks.dispute"].url.endswith(f"/entries/{entry.seq}#dispute")
    assert _kinds(w.owners[0]) == {} and _kinds(w.outsider) == {}
    statements.publish_statement(w.fund, w.committee, YEAR, 2, page_url="/funds", now=NOW)
    db.session.commit()
    assert "trustbooks.publish" not in _kinds(w.committee)
