"""A meeting's follow-up task becomes a ticket (staff only, one open ticket per task)."""
from sqlalchemy import select

from app.dispatch.models import Ticket, TicketEvent
from app.extensions import db
from app.meetings.models import FollowUpTask
from tests.meetings.helpers import MeetingWorld


def test_staff_turn_a_follow_up_task_into_one_ticket(app, client, login_as):
    w = MeetingWorld()
    w.published()
    db.session.commit()
    task = db.session.scalars(select(FollowUpTask)).one()
    app.config["WTF_CSRF_ENABLED"] = False
    login_as(w.party)
    assert client.post(f"/dispatch/tasks/{task.id}/ticket").status_code == 403
    login_as(w.staff)
    page = client.get(f"/c/{w.compound.id}/meetings/tasks").get_data(as_text=True)
    assert f"/dispatch/tasks/{task.id}/ticket" in page
    response = client.post(f"/dispatch/tasks/{task.id}/ticket")
    assert response.status_code == 302
    ticket = db.session.scalars(select(Ticket)).one()
    assert (ticket.source, ticket.follow_up_id, ticket.title, ticket.state) == (
        "follow_up", task.id, "安装8个充电桩", "reported")
    assert db.session.scalar(select(TicketEvent.action)) == "report"
    response = client.post(f"/dispatch/tasks/{task.id}/ticket")
    assert response.status_code == 409
    assert db.session.query(Ticket).count() == 1
