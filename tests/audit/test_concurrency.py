"""Concurrent appenders queue on the chain's head: one unbroken chain, never a fork."""

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.audit.services import record
from app.audit.verification import verify
from app.core.time import utcnow
from app.extensions import db
from tests.factories import pool_for_threads, run_together

pytestmark = pytest.mark.both_databases

WRITERS = 50


@pytest.fixture
def app_overrides():
    # One connection per writer, all open at once (SQLite: the same file the fixture made).
    return pool_for_threads(WRITERS, overflow=5)


def test_fifty_concurrent_audited_writes_give_one_chain(app):
    assert app.config["SQLALCHEMY_DATABASE_URI"] != "sqlite://"  # a real file, shared
    db.session.commit()

    def writer(i: int) -> None:
        with app.app_context():
            user = User(mobile=f"137{i:08d}", display_name=f"并发{i}", password_hash="x",
                        privacy_consented_at=utcnow())
            db.session.add(user)
            record(user, None, "account.registered", user, {"writer": i})
            db.session.commit()
            db.session.remove()

    run_together([lambda i=i: writer(i) for i in range(WRITERS)])

    db.session.expire_all()
    result = verify()
    assert result.ok, result.problems
    assert result.count == WRITERS
    entries = db.session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars().all()
    assert [e.seq for e in entries] == list(range(1, WRITERS + 1))
    assert len({e.hash for e in entries}) == WRITERS
    assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:], strict=False))
    assert sorted(e.data["writer"] for e in entries) == list(range(WRITERS))
