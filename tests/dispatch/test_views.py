"""The dispatch pages: the whole way by the forms, what each viewer reads, and 403 for
everyone outside (every dispatch route, enumerated from the URL map)."""
import re

import pytest
from sqlalchemy import select

from app.dispatch.models import Ticket, TicketPhoto
from app.extensions import db
from app.meetings.models import FollowUpTask
from tests.dispatch.helpers import DispatchWorld
from tests.factories import make_user
from tests.issues.helpers import jpeg_bytes
from tests.meetings.helpers import MeetingWorld


def _post(client, url, data=None, **kw):
    return client.post(url, data=data or {}, follow_redirects=True, **kw)


def test_the_way_through_the_pages(app, client, login_as):
    w = DispatchWorld()
    ticket = w.dispatched()
    url = f"/dispatch/tickets/{ticket.id}"
    login_as(w.staff)
    page = client.get(url).get_data(as_text=True)
    assert "受理" in page and "不予受理" in page
    assert _post(client, url + "/steps/accept", {"seen": "reported"}).status_code == 200
    response = _post(client, url + "/assign", {"organisation": w.city_org.id,
                                               "category": w.category.id, "seen": "accepted"})
    assert response.status_code == 200 and "城管中队" in response.get_data(as_text=True)
    login_as(w.city)
    # Returning without a reason: refused, said next to the field.
    response = _post(client, url + "/steps/return", {"seen": "assigned"})
    assert response.status_code == 400 and "请填写理由或说明" in response.get_data(as_text=True)
    _post(client, url + "/steps/return", {"seen": "assigned", "reason": "不归城管管"})
    login_as(w.staff)
    _post(client, url + "/assign", {"organisation": w.property_org.id,
                                    "category": w.category.id, "seen": "returned"})
    login_as(w.property)
    _post(client, url + "/steps/take", {"seen": "assigned"})
    from io import BytesIO
    response = _post(client, url + "/finish", {
        "seen": "taken", "reason": "已更换灯泡",
        "photos": (BytesIO(jpeg_bytes()), "after.jpg")}, content_type="multipart/form-data")
    assert response.status_code == 200
    photo = db.session.scalar(select(TicketPhoto).where(TicketPhoto.ticket_id == ticket.id))
    assert photo.kind == "after"
    assert client.get(f"{url}/photos/{photo.id}/thumb").status_code == 200
    login_as(w.owners[0])
    page = client.get(url).get_data(as_text=True)
    assert "您对办理结果的评价" in page
    assert w.property.display_name not in page and w.staff.display_name not in page
    assert "不归城管管" not in page  # a return is internal
    _post(client, url + "/rate", {"rating": "unsatisfied", "seen": "finished"})
    login_as(w.staff)
    _post(client, url + "/steps/revisit", {"reason": "电话回访", "seen": "unsatisfied"})
    login_as(w.property)
    _post(client, url + "/steps/redo", {"seen": "revisited"})
    _post(client, url + "/finish", {"seen": "taken", "reason": "再次修好"})
    login_as(w.owners[0])
    _post(client, url + "/rate", {"rating": "satisfied", "seen": "finished"})
    ticket = db.session.get(Ticket, ticket.id)
    assert (ticket.state, ticket.rating_first, ticket.rating_second) == (
        "archived", "unsatisfied", "satisfied")


def test_issue_timeline_shows_the_organisation_not_the_person(app, client, login_as):
    w = DispatchWorld()
    from app.dispatch import services
    ticket = w.assigned()
    services.take(w.property, ticket)
    services.finish(w.property, ticket, "已修好路灯。")
    db.session.commit()
    login_as(w.owners[1])  # a neighbour
    page = client.get(f"/c/{w.compound.id}/issues/{ticket.issue_id}").get_data(as_text=True)
    assert "工单：接单" in page and "锦华物业" in page and "已修好路灯。" in page
    assert w.property.display_name not in page
    assert f"/dispatch/tickets/{ticket.id}" not in page  # not theirs to open
    login_as(w.owners[0])  # the reporter
    page = client.get(f"/c/{w.compound.id}/issues/{ticket.issue_id}").get_data(as_text=True)
    assert f"/dispatch/tickets/{ticket.id}" in page


def _dispatch_rules(app):
    return sorted({(rule.rule, method) for rule in app.url_map.iter_rules()
                   if rule.endpoint.startswith("dispatch.")
                   for method in rule.methods - {"HEAD", "OPTIONS"}})


def _fill(rule: str, ids: dict) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([a-z_]+)>", lambda m: str(ids[m.group(1)]), rule)


def test_outsiders_get_403_on_every_dispatch_route(app, client, login_as):
    w = DispatchWorld()
    ticket = w.finished()
    photo = TicketPhoto(ticket_id=ticket.id, kind="after", path="x.jpg", sha256="0" * 64,
                        thumb_path="x.jpg", width=1, height=1, position=0)
    db.session.add(photo)
    db.session.commit()
    handler_row = db.session.scalar(select(services_handler()).where(
        services_handler().user_id == w.property.id))
    MeetingWorld().published()  # a follow-up task, of another community's compound
    db.session.commit()
    task = db.session.scalars(select(FollowUpTask)).one()
    ids = {"community_id": w.community.id, "ticket_id": ticket.id, "photo_id": photo.id,
           "task_id": task.id,
           "organisation_id": w.property_org.id, "handler_id": handler_row.id,
           "grid_id": w.grid_row.id, "category_id": w.category.id, "size": "thumb",
           "name": "accept", "subdistrict_id": w.community.subdistrict_id}
    app.config["WTF_CSRF_ENABLED"] = False
    # The other organisation's handler, the other grid's worker, a neighbour of the compound.
    outsiders = [w.city, w.other_worker, w.owners[1], make_user(name="路人")]
    db.session.commit()
    rules = _dispatch_rules(app)
    assert len(rules) >= 15
    for who in outsiders:
        login_as(who)
        for rule, method in rules:
            if rule == "/dispatch/mine" and who is w.city:
                continue  # the city's handler has a desk of their own
            url = _fill(rule, ids)
            response = client.get(url) if method == "GET" else client.post(url, data={})
            assert response.status_code == 403, (who.display_name, method, url,
                                                 response.status_code)
    db.session.refresh(ticket)
    assert ticket.state == "finished"


def services_handler():
    from app.dispatch.models import OrganisationHandler
    return OrganisationHandler


def test_handler_sees_only_own_tickets_and_grid_worker_own_grid(app, client, login_as):
    w = DispatchWorld()
    mine = w.assigned(w.property_org)
    theirs = w.assigned(w.city_org)
    login_as(w.property)
    page = client.get("/dispatch/mine").get_data(as_text=True)
    assert f"/dispatch/tickets/{mine.id}" in page
    assert f"/dispatch/tickets/{theirs.id}" not in page
    assert client.get(f"/dispatch/tickets/{theirs.id}").status_code == 403
    login_as(w.grid)
    page = client.get(f"/dispatch/grids/{w.grid_row.id}").get_data(as_text=True)
    assert f"/dispatch/tickets/{mine.id}" in page
    assert client.get(f"/dispatch/grids/{w.other_grid.id}").status_code == 403
    login_as(w.other_worker)
    assert client.get(f"/dispatch/tickets/{mine.id}").status_code == 403


def test_staff_pages_render_and_filter(app, client, login_as):
    w = DispatchWorld()
    ticket = w.assigned()
    login_as(w.staff)
    base = f"/dispatch/community/{w.community.id}"
    assert f"/dispatch/tickets/{ticket.id}" in client.get(base + "/tickets").get_data(
        as_text=True)
    assert f"/dispatch/tickets/{ticket.id}" not in client.get(
        base + "/tickets?overdue=1").get_data(as_text=True)
    page = client.get(base + "/settings").get_data(as_text=True)
    assert "锦华物业" in page and "第一网格" in page and "公共设施" in page
    response = _post(client, base + "/categories", {"name": "绿化", "working_days": "0"})
    assert response.status_code == 400 and "1 到 60" in response.get_data(as_text=True)
    response = _post(client, base + "/categories", {"name": "绿化", "working_days": "5",
                                                    "is_active": "y"})
    assert response.status_code == 200 and "绿化" in response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["grid"])
def test_patrol_makes_a_ticket_with_photos(app, client, login_as, who):
    w = DispatchWorld()
    login_as(w.grid)
    from io import BytesIO
    response = _post(client, f"/dispatch/grids/{w.grid_row.id}/patrol", {
        "area": f"{w.compound.id}:0", "title": "消防通道被占", "body": "",
        "photos": (BytesIO(jpeg_bytes()), "p.jpg")}, content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    ticket = db.session.scalar(select(Ticket).where(Ticket.source == "patrol"))
    assert ticket.reporter_id == w.grid.id and ticket.grid_id == w.grid_row.id


def test_to_do_items_for_staff_and_handler(app, client, login_as):
    w = DispatchWorld()
    reported = w.dispatched()
    assigned = w.assigned()
    login_as(w.staff)
    page = client.get("/").get_data(as_text=True)
    assert f"/dispatch/tickets/{reported.id}" in page and "受理工单" in page
    assert f"/dispatch/community/{w.community.id}/tickets" in page
    login_as(w.property)
    page = client.get("/").get_data(as_text=True)
    assert f"/dispatch/tickets/{assigned.id}" in page and "/dispatch/mine" in page
    assert f"/dispatch/tickets/{reported.id}" not in page
    login_as(w.city)  # a handler of no compound: the dispatch card only
    page = client.get("/").get_data(as_text=True)
    assert "/dispatch/mine" in page
    login_as(w.grid)
    assert f"/dispatch/grids/{w.grid_row.id}" in client.get("/").get_data(as_text=True)
