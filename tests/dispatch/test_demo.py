"""The demo's dispatch: a ticket in every state, in both communities of the subdistrict, one
escalated, one overdue and flagged, one archived after a redo with both ratings; the accounts
it adds are printed with the others."""
import pytest
from sqlalchemy import select

from app.audit.verification import verify
from app.compounds.demo import account_table
from app.dispatch import lifecycle, queries
from app.dispatch.demo import ACCOUNTS
from app.dispatch.models import STATES, Ticket
from app.extensions import db
from app.site.demo import seed_everything


@pytest.mark.both_databases
def test_demo_has_a_ticket_in_every_state(app):
    with app.test_request_context():
        result = seed_everything()
        db.session.commit()
        tickets = db.session.scalars(select(Ticket)).all()
        assert {t.state for t in tickets} == set(STATES)
        archived = [t for t in tickets if t.state == "archived"]
        assert any(t.rating_second is None for t in archived)
        assert any(t.rating_first == "unsatisfied" and t.rating_second for t in archived)
        escalated = [t for t in tickets if t.level == "subdistrict"]
        assert len({t.community_id for t in escalated}) == 2  # both communities
        assert {t.state for t in escalated} == {"accepted", "assigned"}
        assert any(queries.is_overdue(t) and t.overdue_notified_at for t in tickets)
        assert len({t.community_id for t in tickets}) == 2
        assert verify().ok
        lines = "\n".join(account_table(result))
        for spec in ACCOUNTS:
            assert spec.mobile in lines and spec.name in lines
        assert "19900000008" in lines and "城管 刘队" in lines
        assert set(lifecycle.STATE_LABELS) == set(STATES)


def test_seed_demo_prints_the_dispatch_accounts_again(app):
    with app.test_request_context():
        seed_everything()
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0 and "19900000011" in result.output
