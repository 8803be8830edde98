"""app.core.outbox: work queued on the session runs once after the outermost commit and
never after a rollback, savepoints included (SQLite and PostgreSQL)."""
import logging

import pytest

from app.core.outbox import after_commit
from app.extensions import db
from tests.factories import make_user


@pytest.fixture
def ran():
    return []


def test_runs_once_after_commit_and_not_before(app, ran):
    make_user()
    after_commit(lambda: ran.append("a"))
    db.session.flush()
    assert ran == []
    db.session.commit()
    assert ran == ["a"]
    make_user()
    db.session.commit()
    assert ran == ["a"]  # not again at the next commit


def test_rollback_drops_the_queue(app, ran):
    make_user()
    after_commit(lambda: ran.append("a"))
    db.session.rollback()
    make_user()
    db.session.commit()
    assert ran == []


def test_queued_before_any_statement_still_waits_for_the_commit(app, ran):
    db.session.commit()  # no transaction open now
    after_commit(lambda: ran.append("a"))
    assert ran == []
    db.session.commit()
    assert ran == ["a"]


def test_a_rolled_back_savepoint_drops_only_what_it_queued(app, ran):
    after_commit(lambda: ran.append("outer"))
    with pytest.raises(RuntimeError):
        with db.session.begin_nested():
            make_user()
            after_commit(lambda: ran.append("inner"))
            raise RuntimeError("refused")
    with db.session.begin_nested():
        after_commit(lambda: ran.append("released"))
    assert ran == []
    db.session.commit()
    assert ran == ["outer", "released"]


def test_a_released_savepoint_in_a_rolled_back_transaction_sends_nothing(app, ran):
    with db.session.begin_nested():
        make_user()
        after_commit(lambda: ran.append("inner"))
    db.session.rollback()
    db.session.commit()
    assert ran == []


def test_a_failing_delivery_is_logged_and_the_others_still_run(app, ran, caplog):
    def broken():
        raise OSError("gateway down")

    after_commit(broken)
    after_commit(lambda: ran.append("b"))
    with caplog.at_level(logging.ERROR, logger="yishi.outbox"):
        db.session.commit()
    assert ran == ["b"]
    assert "delivery after commit failed" in caplog.text
