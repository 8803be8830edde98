"""One 回访 and one 重办 only, also when two people press at once (threads, each its own
connection): the conditional UPDATE moves the ticket once. SQLite file and PostgreSQL."""
import pytest
from sqlalchemy import func, select

from app.audit.verification import verify
from app.dispatch import services
from app.dispatch.models import Ticket, TicketEvent
from app.extensions import db
from tests.dispatch.helpers import DispatchWorld
from tests.factories import own_client, pool_for_threads, run_together

pytestmark = pytest.mark.both_databases

N = 8


@pytest.fixture
def app_overrides():
    return pool_for_threads(N + 2)


def _count(ticket_id, action):
    return db.session.scalar(select(func.count(TicketEvent.id)).where(
        TicketEvent.ticket_id == ticket_id, TicketEvent.action == action))


def test_racing_revisits_and_redos_each_happen_once(app):
    w = DispatchWorld()
    ticket = w.finished()
    services.rate(w.owners[0], ticket, "unsatisfied")
    db.session.commit()
    ticket_id = ticket.id
    url = f"/dispatch/tickets/{ticket_id}/steps/"
    app.config["WTF_CSRF_ENABLED"] = False
    staff = [own_client(app, w.staff) for _ in range(N)]
    handlers = [own_client(app, w.property) for _ in range(N)]
    results = run_together([lambda c=c: c.post(url + "revisit", data={
        "reason": "回访", "seen": "unsatisfied"}).status_code for c in staff])
    assert sorted(results).count(302) == 1, results
    assert all(r in (302, 409) for r in results), results
    results = run_together([lambda c=c: c.post(url + "redo", data={
        "seen": "revisited"}).status_code for c in handlers])
    assert results.count(302) == 1, results
    assert all(r in (302, 409) for r in results), results
    db.session.remove()
    assert _count(ticket_id, "revisit") == 1 and _count(ticket_id, "redo") == 1
    ticket = db.session.get(Ticket, ticket_id)
    assert ticket.state == "taken" and ticket.revisited_at and ticket.redone_at
    assert verify().ok


def test_racing_settings_of_one_name_store_one_and_refuse_the_rest_plainly(app):
    """Organisations, handlers, grids and categories are unique by a constraint, not a look-up:
    the same one submitted at once is stored once, the others are refused, never with a 500."""
    from app.dispatch.models import Grid, Organisation, OrganisationHandler, TicketCategory
    from tests.factories import make_user

    w = DispatchWorld()
    newcomer = make_user(name="新经办人")
    db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = False
    base = f"/dispatch/community/{w.community.id}"
    posts = {
        Organisation: (base + "/organisations", {"name": "供电所", "kind": "outside"}),
        OrganisationHandler: (f"/dispatch/organisations/{w.city_org.id}/handlers",
                              {"mobile": newcomer.mobile}),
        Grid: (base + "/grids", {"name": "第三网格", "compounds": str(w.compound.id)}),
        TicketCategory: (base + "/categories", {"name": "噪音扰民", "working_days": "3"}),
    }
    before = {model: db.session.scalar(select(func.count()).select_from(model))
              for model in posts}
    for model, (url, data) in posts.items():
        clients = [own_client(app, w.staff) for _ in range(N)]
        results = run_together([lambda c=c, u=url, d=data: c.post(u, data=d).status_code
                                for c in clients])
        # The handler form always goes back to the settings page, with the refusal flashed.
        refused = 302 if model is OrganisationHandler else 409
        assert results.count(refused) >= N - 1 and set(results) <= {302, 409}, (model, results)
    db.session.remove()
    for model in posts:
        assert db.session.scalar(select(func.count()).select_from(model)) == before[model] + 1
    assert verify().ok
