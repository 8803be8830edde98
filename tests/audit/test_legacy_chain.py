"""0022_audit_chains on a database that holds the single chain of before: the old entries stay
verifiable as the "legacy" chain, its last head is anchored, and new entries go to the
compounds' chains. Tampering with an old entry afterwards is named."""
import json
from datetime import timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from app.audit.heads import chain_heads
from app.audit.models import GENESIS_HASH, AuditEntry
from app.audit.services import entry_hash, record
from app.audit.verification import verify
from app.core.time import utcnow
from app.extensions import db
from tests.audit.test_chain import _tamper
from tests.conftest import BACKENDS
from tests.factories import make_compound
from tests.test_migrations import _empty_postgres, _logging_kept, _sqlite_url

LEGACY_ENTRIES = 4


def _legacy_chain(conn) -> list[str]:
    """LEGACY_ENTRIES entries written as the single chain wrote them (their
    hash covers no chain), and the head row; returns their hashes."""
    prev, hashes = GENESIS_HASH, []
    for seq in range(1, LEGACY_ENTRIES + 1):
        entry = AuditEntry(seq=seq, created_at=utcnow() - timedelta(days=10 - seq),
                           actor_id=None, actor_role=None, compound_id=1 if seq % 2 else None,
                           action="account.registered", object_type=None, object_id=None,
                           data={"n": seq}, covers=[], prev_hash=prev)
        entry.hash = entry_hash(entry)  # chain_id None: the content as it was hashed then
        conn.execute(text(
            "INSERT INTO audit_entries (id, seq, created_at, actor_id, actor_role, compound_id,"
            " action, object_type, object_id, data, covers, prev_hash, hash) VALUES (:id, :seq,"
            " :created_at, NULL, NULL, :compound_id, :action, NULL, NULL, :data, '[]',"
            " :prev_hash, :hash)"),
            {"id": seq, "seq": seq, "created_at": entry.created_at.isoformat(),
             "compound_id": entry.compound_id, "action": entry.action,
             "data": json.dumps(entry.data), "prev_hash": prev, "hash": entry.hash})
        prev = entry.hash
        hashes.append(prev)
    conn.execute(text("UPDATE audit_head SET seq = :s, hash = :h WHERE id = 1"),
                 {"s": LEGACY_ENTRIES, "h": prev})
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT setval('audit_entries_id_seq', :n)"), {"n": LEGACY_ENTRIES})
    return hashes


@pytest.fixture(params=BACKENDS)
def upgraded_app(request, tmp_path):
    holder = _sqlite_url(tmp_path) if request.param == "sqlite" else _empty_postgres()
    with holder as url:
        application = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
        with application.app_context(), _logging_kept():
            upgrade(revision="0018_dispatch_levels")
            assert make_compound().id == 1  # compounds are as the models say at 0018
            db.session.commit()
            with db.engine.begin() as conn:
                application.legacy_hashes = _legacy_chain(conn)
            upgrade()
        with application.app_context():
            yield application
            db.session.remove()
            db.engine.dispose()


def test_legacy_chain_verifies_is_anchored_and_new_entries_go_to_compound_chains(upgraded_app):
    hashes = upgraded_app.legacy_hashes
    heads = chain_heads()
    assert heads["legacy"] == {"seq": LEGACY_ENTRIES, "hash": hashes[-1]}
    assert heads["anchors"]["seq"] == 1
    anchor = db.session.execute(text("SELECT chain_seq, chain_hash, reason FROM audit_anchors"
                                     )).one()
    assert tuple(anchor) == (LEGACY_ENTRIES, hashes[-1], "migration")
    result = verify()
    assert result.ok, result.problems
    assert result.count == LEGACY_ENTRIES and result.anchors == 1
    # The old entries were not touched.
    stored = db.session.execute(text("SELECT hash FROM audit_entries ORDER BY seq")).scalars()
    assert list(stored) == hashes

    record(None, 1, "account.registered", None, {"after": True})
    record(None, None, "account.registered", None, {"after": True})
    db.session.commit()
    heads = chain_heads()
    assert heads["c1"]["seq"] == 1 and heads["site"]["seq"] == 1
    assert heads["legacy"]["seq"] == LEGACY_ENTRIES  # frozen
    assert verify().ok and verify(1).count == 1


def test_tampered_legacy_entry_is_named_after_the_upgrade(upgraded_app):
    record(None, 1, "account.registered", None)
    db.session.commit()
    _tamper("UPDATE audit_entries SET data = '{\"n\": 9}' WHERE chain_id IS NULL AND seq = 2")
    problems = verify().problems
    assert problems == ["chain legacy entry id=2 seq=2: content does not match its hash"]
    assert verify(1).ok  # the compound's own chain is intact


def test_legacy_tail_removed_breaks_its_anchor(upgraded_app):
    _tamper("DELETE FROM audit_entries WHERE chain_id IS NULL AND seq = 4",
            "UPDATE audit_chains SET head_seq = 3, head_hash = "
            f"'{upgraded_app.legacy_hashes[2]}' WHERE kind = 'legacy'")
    problems = verify().problems
    assert problems == [f"anchor seq=1: chain legacy at seq=4 has no such entry than the one "
                        f"anchored ({upgraded_app.legacy_hashes[3][:12]}…)"]
