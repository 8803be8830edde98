"""The subdistrict level of dispatch: who acts on a ticket at which level, what subdistrict
staff see (their escalated tickets and those only), their home links and to-do items, and
overdue flags to the level above, once."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.audit.verification import verify
from app.compounds import levels
from app.compounds.models import Community, Subdistrict
from app.core.errors import Conflict, PermissionDenied, ServiceError
from app.core.time import utcnow
from app.dispatch import lifecycle, services
from app.dispatch.models import Ticket, TicketEvent
from app.extensions import db
from app.notifications.models import Notification
from tests.dispatch.helpers import DispatchWorld
from tests.dispatch.test_views import _dispatch_rules, _fill
from tests.factories import make_user


class LevelWorld(DispatchWorld):
    """DispatchWorld with staff of its subdistrict, staff of another subdistrict, an admin."""

    def __init__(self):
        super().__init__()
        self.admin = make_user(name="管理员", is_admin=True)
        self.subdistrict = db.session.get(Subdistrict, self.community.subdistrict_id)
        self.street = make_user(name="街道陈科长")
        levels.assign_subdistrict_staff(self.admin, self.subdistrict, self.street)
        other_community = db.session.get(Community, self.other.community_id)
        self.other_subdistrict = db.session.get(Subdistrict, other_community.subdistrict_id)
        self.far_street = make_user(name="别的街道")
        levels.assign_subdistrict_staff(self.admin, self.other_subdistrict, self.far_street)
        db.session.commit()

    def escalated(self) -> Ticket:
        ticket = self.dispatched()
        services.accept(self.staff, ticket)
        services.escalate(self.staff, ticket, "市政管网，社区无法协调")
        db.session.commit()
        return ticket


@pytest.mark.both_databases
def test_the_level_decides_who_acts(app):
    w = LevelWorld()
    ticket = w.escalated()
    # Community staff: read-only once escalated.
    assert lifecycle.allowed_actions(ticket, w.staff) == []
    for step in ("withdraw",):
        with pytest.raises(PermissionDenied):
            services.STEPS[step](w.staff, ticket, {"reason": "理由"})
    with pytest.raises(PermissionDenied):
        services.assign(w.staff, ticket, w.property_org.id, w.category.id)
    # Staff of another subdistrict: refused.
    assert lifecycle.allowed_actions(ticket, w.far_street) == []
    with pytest.raises(PermissionDenied):
        services.assign(w.far_street, ticket, w.property_org.id, w.category.id)
    # The subdistrict's own staff act: assign, and revisit after a 不满意.
    assert set(lifecycle.allowed_actions(ticket, w.street)) == {"assign", "withdraw"}
    services.assign(w.street, ticket, w.city_org.id, w.category.id)
    services.take(w.city, ticket)
    services.finish(w.city, ticket, "已协调市政修复。")
    services.rate(w.owners[0], ticket, "unsatisfied")
    with pytest.raises(PermissionDenied):
        services.revisit(w.staff, ticket, "社区回访")
    services.revisit(w.street, ticket, "街道回访")
    db.session.commit()
    assert db.session.get(Ticket, ticket.id).state == "revisited"
    roles = db.session.scalars(select(TicketEvent.actor_role).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.action.in_(("assign", "revisit")))
        ).all()
    assert roles == ["subdistrict", "subdistrict"]
    assert verify().ok


@pytest.mark.both_databases
def test_admins_still_act_and_subdistrict_staff_not_below(app):
    w = LevelWorld()
    ticket = w.escalated()
    services.withdraw(w.admin, ticket, "管理员撤回")
    assert ticket.state == "withdrawn"
    # At the community level the subdistrict's staff do not act (nor escalate).
    low = w.dispatched()
    assert lifecycle.allowed_actions(low, w.street) == []
    with pytest.raises(PermissionDenied):
        services.accept(w.street, low)
    services.accept(w.staff, low)
    with pytest.raises(PermissionDenied):
        services.escalate(w.street, low, "街道自己呼叫")


def _notes(user, kind):
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.kind == kind))


@pytest.mark.both_databases
def test_overdue_goes_to_the_level_above_once(app):
    w = LevelWorld()
    low = w.assigned()
    high = w.escalated()
    services.assign(w.street, high, w.city_org.id, w.category.id)
    services.take(w.city, high)
    db.session.commit()
    later = max(low.due_at, high.due_at) + timedelta(minutes=1)
    assert services.flag_overdue(later) == 2
    db.session.commit()
    assert services.flag_overdue(later + timedelta(days=1)) == 0
    db.session.commit()
    # The community-level ticket: its handlers, its community's staff, the subdistrict's.
    # The escalated one: its assignee, the subdistrict's staff and the admins.
    assert _notes(w.property, "ticket.overdue") == 1
    assert _notes(w.city, "ticket.overdue") == 1
    assert _notes(w.staff, "ticket.overdue") == 1
    assert _notes(w.street, "ticket.overdue") == 2
    assert _notes(w.admin, "ticket.overdue") == 1
    assert _notes(w.far_street, "ticket.overdue") == 0


def test_escalation_tells_the_subdistrict(app):
    w = LevelWorld()
    w.escalated()
    assert _notes(w.street, "ticket.todo") == 1 and _notes(w.far_street, "ticket.todo") == 0


@pytest.mark.both_databases
def test_subdistrict_staff_list_page_home_and_to_do(app, client, login_as):
    w = LevelWorld()
    high = w.escalated()
    low = w.assigned()
    db.session.execute(Ticket.__table__.update().where(Ticket.id == high.id)
                       .values(state="assigned", organisation_id=w.city_org.id,
                               due_at=utcnow() - timedelta(hours=1)))
    waiting = w.escalated()
    db.session.commit()
    login_as(w.street)
    url = f"/dispatch/subdistrict/{w.subdistrict.id}/tickets"
    page = client.get(url).get_data(as_text=True)
    assert f"/dispatch/tickets/{high.id}\"" in page and f"/dispatch/tickets/{waiting.id}\"" in page
    assert f"/dispatch/tickets/{low.id}\"" not in page and "已超期" in page
    page = client.get(url + "?overdue=1").get_data(as_text=True)
    assert f"/dispatch/tickets/{high.id}\"" in page
    assert f"/dispatch/tickets/{waiting.id}\"" not in page
    page = client.get(f"/dispatch/tickets/{waiting.id}").get_data(as_text=True)
    assert 'id="act-assign"' in page
    home = client.get("/").get_data(as_text=True)
    assert url in home and "交办呼叫至街道的工单" in home
    assert f"/dispatch/tickets/{waiting.id}" in home
    login_as(w.staff)  # community staff: the escalated ticket, read-only
    page = client.get(f"/dispatch/tickets/{waiting.id}").get_data(as_text=True)
    assert 'id="act-assign"' not in page and 'id="actions"' not in page
    assert client.post(f"/dispatch/tickets/{waiting.id}/steps/withdraw",
                       data={"reason": "x"}).status_code in (400, 403)
    assert client.get(url).status_code == 403
    login_as(w.admin)
    assert client.get(url).status_code == 200


def test_subdistrict_staff_get_403_elsewhere_in_dispatch(app, client, login_as):
    """Every dispatch route, for staff of the ticket's own subdistrict before escalation and
    for staff of another subdistrict after: 403 (their own list page excepted)."""
    w = LevelWorld()
    low = w.finished()
    high = w.escalated()
    handler_row = db.session.scalar(select(services.OrganisationHandler.id).where(
        services.OrganisationHandler.user_id == w.property.id))
    app.config["WTF_CSRF_ENABLED"] = False
    rules = _dispatch_rules(app)
    base = {"community_id": w.community.id, "photo_id": 1, "task_id": 1,
            "organisation_id": w.property_org.id, "handler_id": handler_row,
            "grid_id": w.grid_row.id, "category_id": w.category.id, "size": "thumb",
            "name": "withdraw", "subdistrict_id": w.subdistrict.id}
    for who, ticket in ((w.street, low), (w.far_street, high)):
        login_as(who)
        for rule, method in rules:
            if rule.startswith("/dispatch/subdistrict/") and who is w.street:
                continue  # their own desk and offices
            if rule == "/dispatch/tasks/<int:task_id>/ticket":
                continue  # no task here: 404 before anyone is asked
            url = _fill(rule, {**base, "ticket_id": ticket.id})
            response = client.get(url) if method == "GET" else client.post(
                url, data={"reason": "x"})
            assert response.status_code in (403, 404), (who.display_name, method, url,
                                                         response.status_code)
            if "photos" not in url:
                assert response.status_code == 403, (who.display_name, method, url)
    assert db.session.get(Ticket, high.id).state == "accepted"
    assert db.session.get(Ticket, low.id).state == "finished"


@pytest.mark.both_databases
def test_subdistrict_staff_keep_their_own_offices(app, client, login_as):
    w = LevelWorld()
    office = services.create_subdistrict_organisation(w.street, w.subdistrict, name="城建科",
                                                      kind="subdistrict_office")
    db.session.commit()
    with pytest.raises(Conflict):
        services.create_subdistrict_organisation(w.street, w.subdistrict, name="城建科",
                                                 kind="subdistrict_office")
    db.session.rollback()
    for who in (w.staff, w.far_street):
        with pytest.raises(PermissionDenied):
            services.create_subdistrict_organisation(who, w.subdistrict, name="别的科",
                                                     kind="subdistrict_office")
        with pytest.raises(PermissionDenied):
            services.add_handler(who, office, w.city.mobile)
    with pytest.raises(PermissionDenied):  # nor a community's organisation
        services.add_handler(w.street, w.property_org, w.city.mobile)
    clerk = make_user(name="城建科小刘")
    db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = False
    login_as(w.street)
    settings = f"/dispatch/subdistrict/{w.subdistrict.id}/settings"
    response = client.post(f"/dispatch/organisations/{office.id}/handlers",
                           data={"mobile": clerk.mobile}, follow_redirects=True)
    assert response.status_code == 200 and settings in response.request.url
    page = response.get_data(as_text=True)
    assert "城建科" in page and "城建科小刘" in page
    response = client.post(f"/dispatch/subdistrict/{w.subdistrict.id}/organisations",
                           data={"name": "城建科", "kind": "subdistrict_office"})
    assert response.status_code == 409 and "本街道已有同名的单位" in response.get_data(
        as_text=True)
    login_as(w.staff)
    assert client.get(settings).status_code == 403
    # An escalated ticket goes to the office; a community-level one cannot.
    low = w.dispatched()
    services.accept(w.staff, low)
    with pytest.raises(ServiceError):
        services.assign(w.staff, low, office.id, w.category.id)
    high = w.escalated()
    services.assign(w.street, high, office.id, w.category.id)
    services.take(clerk, high)
    db.session.commit()
    assert (high.state, high.assignee_id) == ("taken", clerk.id)
    assert verify().ok
