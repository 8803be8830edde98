"""Racing writers on PostgreSQL: a compound's chain is its own lock. Writers in another
compound go on while one holds its transaction open; writers in one compound queue and make
one gapless chain, the chain's first entry (its row made on first use) included."""
import threading
import time

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from app.audit.models import AuditEntry
from app.audit.services import record
from app.audit.verification import verify
from app.extensions import db
from tests.factories import make_compound, make_user, pool_for_threads, run_together

pytestmark = pytest.mark.both_databases
WRITERS = 24


@pytest.fixture
def app_overrides():
    return pool_for_threads(WRITERS + 2, overflow=2)


@pytest.fixture(autouse=True)
def _postgres_only(backend):
    if backend != "postgresql":
        pytest.skip("SQLite writers never overlap (BEGIN IMMEDIATE takes the database's lock)")


def _write(app, compound_id: int, user_id: int, n: int = 0, lock_timeout: str | None = None):
    with app.app_context():
        if lock_timeout:
            db.session.execute(text(f"SET LOCAL lock_timeout = '{lock_timeout}'"))
        record(user_id, compound_id, "account.registered", None, {"n": n})
        db.session.commit()
        db.session.remove()


def test_a_writer_in_another_compound_does_not_wait(app):
    one, two = make_compound(), make_compound()
    user = make_user()
    record(user, one, "account.registered", None)
    record(user, two, "account.registered", None)
    db.session.commit()
    ids = one.id, two.id, user.id
    holding, release = threading.Event(), threading.Event()

    def hold_open():
        with app.app_context():
            record(ids[2], ids[0], "account.registered", None, {"held": True})
            holding.set()
            release.wait(30)  # compound one's chain row stays locked meanwhile
            db.session.commit()
            db.session.remove()

    holder = threading.Thread(target=hold_open)
    holder.start()
    try:
        assert holding.wait(30)
        started = time.monotonic()
        _write(app, ids[1], ids[2], lock_timeout="3s")  # compound two: commits at once
        assert time.monotonic() - started < 3
        # The same compound does wait: the test can tell waiting from not waiting.
        with pytest.raises(OperationalError, match="lock timeout"):
            _write(app, ids[0], ids[2], lock_timeout="300ms")
    finally:
        release.set()
        holder.join(30)
    assert verify().ok
    assert verify(ids[0]).count == 2 and verify(ids[1]).count == 2


def test_racing_writers_in_one_compound_make_one_gapless_chain(app):
    compounds = [make_compound(), make_compound()]  # chains made by their first racing writer
    user = make_user()
    db.session.commit()
    ids, user_id = [c.id for c in compounds], user.id
    run_together([lambda i=i: _write(app, ids[i % 2], user_id, i) for i in range(WRITERS)])
    db.session.expire_all()
    for compound_id in ids:
        entries = db.session.execute(select(AuditEntry).where(
            AuditEntry.compound_id == compound_id).order_by(AuditEntry.seq)).scalars().all()
        assert [e.seq for e in entries] == list(range(1, WRITERS // 2 + 1))
        assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:], strict=False))
        assert len({e.chain_id for e in entries}) == 1
    assert db.session.scalar(text("SELECT count(*) FROM audit_chains")) == 2
    result = verify()
    assert result.ok, result.problems
    assert result.count == WRITERS
