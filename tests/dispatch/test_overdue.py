"""`flask dispatch overdue`: a running ticket past its due date is flagged once, to its
handlers and the community's staff; lists flag it by a query."""
from datetime import timedelta

from sqlalchemy import func, select

from app.audit.verification import verify
from app.core.time import utcnow
from app.dispatch import queries, services
from app.dispatch.models import Ticket, TicketEvent
from app.extensions import db
from app.notifications.models import Notification
from tests.dispatch.helpers import DispatchWorld


def _overdue_notes(user):
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.kind == "ticket.overdue"))


def test_overdue_is_flagged_once_to_handler_and_staff(app):
    w = DispatchWorld()
    ticket = w.assigned()
    later = ticket.due_at + timedelta(minutes=1)
    assert services.flag_overdue(ticket.due_at - timedelta(minutes=1)) == 0
    assert services.flag_overdue(later) == 1
    db.session.commit()
    assert services.flag_overdue(later + timedelta(days=1)) == 0  # idempotent
    db.session.commit()
    assert _overdue_notes(w.property) == 1 and _overdue_notes(w.staff) == 1
    assert db.session.scalar(select(func.count(TicketEvent.id)).where(
        TicketEvent.action == "overdue")) == 1
    assert verify().ok
    tickets, total = queries.community_tickets(w.community.id, overdue=True)
    assert total == 0  # not overdue by now: the due date is in the future
    db.session.execute(Ticket.__table__.update().values(due_at=utcnow() - timedelta(hours=1)))
    tickets, total = queries.community_tickets(w.community.id, overdue=True)
    assert [t.id for t in tickets] == [ticket.id]


def test_the_command_runs(app):
    w = DispatchWorld()
    ticket = w.assigned()
    db.session.execute(Ticket.__table__.update().where(Ticket.id == ticket.id)
                       .values(due_at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["dispatch", "overdue"])
    assert result.exit_code == 0 and "flagged 1" in result.output
    result = app.test_cli_runner().invoke(args=["dispatch", "overdue"])
    assert "flagged 0" in result.output
