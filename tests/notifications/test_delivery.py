"""Finding 10: notify() hands messages to the outside sender only after the commit, so a
change that is rolled back announces nothing outside the app either."""
import pytest
from flask import current_app
from sqlalchemy import func, select

from app.extensions import db
from app.notifications import services
from app.notifications.models import Notification
from tests.factories import make_compound, make_user

pytestmark = pytest.mark.both_databases


class RecordingSender:
    """An outside sender (think SMS) that remembers what it was asked to send."""

    def send(self, user_id: int, message: str, link: str) -> None:
        current_app.extensions.setdefault("test.sent", []).append((user_id, message, link))


@pytest.fixture
def app_overrides():
    return {"NOTIFICATION_SENDER": "tests.notifications.test_delivery:RecordingSender"}


def _sent():
    return current_app.extensions.get("test.sent", [])


def test_a_rolled_back_change_sends_nothing_and_a_committed_one_sends_once(app):
    compound = make_compound()
    a, b = make_user(), make_user()
    db.session.commit()
    services.notify([a.id, b.id], compound.id, "test", "停水通知", "/x")
    assert _sent() == []  # still inside the transaction: nothing has left the building
    db.session.rollback()
    assert _sent() == []
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0

    services.notify([a.id, b.id], compound.id, "test", "停水通知", "/x")
    db.session.commit()
    assert sorted(_sent()) == [(a.id, "停水通知", "/x"), (b.id, "停水通知", "/x")]
    db.session.commit()
    assert len(_sent()) == 2


def test_a_unit_of_work_that_fails_after_notifying_sends_nothing(app):
    """As a request does it: the change fails after notify(), the whole of it rolls back."""
    from app.core.db import unit_of_work

    compound = make_compound()
    a = make_user()
    db.session.commit()
    with pytest.raises(RuntimeError), unit_of_work():
        services.notify([a.id], compound.id, "test", "会被撤回的通知")
        raise RuntimeError("a later step of the same change failed")
    assert _sent() == []
    with unit_of_work():
        services.notify([a.id], compound.id, "test", "真正的通知")
    assert _sent() == [(a.id, "真正的通知", "")]
