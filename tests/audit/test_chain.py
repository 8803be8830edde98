"""The chain detects tampering, and the database refuses edits to the log itself.

To tamper, a test first switches the refusal triggers off, as an attacker with database
access could: SQLite drops them, PostgreSQL runs the statement in replica mode."""
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.audit.services import entry_hash, head_hash, record
from app.audit.verification import verify
from app.extensions import db
from tests.factories import make_building, make_compound, make_user

pytestmark = pytest.mark.both_databases


def _chain(n: int = 5, compound=None) -> list[User]:
    """n entries in the compound's chain, entry i (seq i) covering user i."""
    compound = compound or make_compound()
    users = []
    for i in range(n):
        user = make_user()
        record(user, compound, "account.registered", user, {"i": i}, actor_role="resident")
        users.append(user)
    db.session.commit()
    return users


def _tamper(*statements: str) -> None:
    db.session.commit()  # the test's own transaction must not hold a lock
    with db.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            for table in ("audit_entries", "audit_anchors"):
                conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_update"))
                conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_delete"))
        else:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        for statement in statements:
            conn.execute(text(statement))
    db.session.expire_all()


def _problems() -> list[str]:
    result = verify()
    assert not result.ok
    return result.problems


def test_intact_chain_verifies(app):
    users = _chain(5)
    compound_id = db.session.scalar(text("SELECT compound_id FROM audit_entries LIMIT 1"))
    result = verify()
    assert result.ok, result.problems
    assert result.count == 5
    assert result.chains == {f"c{compound_id}": head_hash(compound_id)}
    one = verify(compound_id)
    assert one.ok and one.count == 5 and one.head == head_hash(compound_id)
    assert [u.id for u in users] == sorted(u.id for u in users)


def test_edited_entry_is_named(app):
    _chain(5)
    _tamper("UPDATE audit_entries SET action = 'account.deleted' WHERE seq = 3")
    problems = _problems()
    assert len(problems) == 1
    assert "seq=3" in problems[0] and "content does not match its hash" in problems[0]


def test_edited_entry_with_recomputed_hash_breaks_the_next_link(app):
    _chain(5)
    entry = db.session.execute(db.select(AuditEntry).where(AuditEntry.seq == 3)).scalar_one()
    entry.action = "account.deleted"
    forged = entry_hash(entry)
    db.session.rollback()
    _tamper(f"UPDATE audit_entries SET action = 'account.deleted', hash = '{forged}' "  # noqa: S608
            "WHERE seq = 3")
    problems = _problems()
    assert "seq=4" in problems[0] and "prev_hash" in problems[0]


def test_deleted_entry_is_found(app):
    _chain(5)
    _tamper("DELETE FROM audit_entries WHERE seq = 3")
    problems = _problems()
    assert "seq=4" in problems[0] and "expected seq 3" in problems[0]


def test_reordered_pair_is_found(app):
    _chain(5)
    _tamper("UPDATE audit_entries SET seq = -2 WHERE seq = 2",
            "UPDATE audit_entries SET seq = 2 WHERE seq = 3",
            "UPDATE audit_entries SET seq = 3 WHERE seq = -2")
    problems = _problems()
    assert "seq=2" in problems[0] and "prev_hash does not match" in problems[0]


def test_truncated_tail_is_found(app):
    _chain(5)
    _tamper("DELETE FROM audit_entries WHERE seq > 3")
    result = verify()
    assert not result.ok
    assert result.count == 3
    assert "removed" in result.problems[0]


def test_covered_row_edited_behind_the_log_is_named(app):
    users = _chain(5)
    target = users[2].id
    _tamper(f"UPDATE users SET display_name = '改过的名字' WHERE id = {target}")  # noqa: S608
    result = verify()
    assert not result.ok
    assert result.count == 5  # the chain itself is intact
    compound_id = db.session.scalar(text("SELECT compound_id FROM audit_entries LIMIT 1"))
    assert result.problems == [
        f"users id={target}: content changed outside the log (last written by "
        f"c{compound_id} seq=3)"]


def test_covered_row_changed_through_an_audited_write_is_fine(app):
    users = _chain(3)
    users[1].display_name = "新称呼"
    record(users[1], None, "account.profile_updated", users[1], {"field": "display_name"})
    db.session.commit()
    assert verify().ok


def test_deleted_covered_row_is_named(app):
    users = _chain(3)
    building = make_building(make_compound(), "9")
    record(users[0], building.compound_id, "building.created", building, {})
    db.session.commit()
    building_id, chain = building.id, f"c{building.compound_id}"
    _tamper(f"DELETE FROM buildings WHERE id = {building_id}")  # noqa: S608
    # The building's compound has a chain of its own: the entry is its first.
    assert _problems() == [
        f"buildings id={building_id}: row is missing (last written by {chain} seq=1)"]


REFUSED = [
    "UPDATE audit_entries SET action = 'x' WHERE seq = 1",
    "UPDATE audit_entries SET seq = seq + 100",
    "DELETE FROM audit_entries WHERE seq = 1",
    "DELETE FROM audit_entries",
]


def test_database_refuses_update_delete_and_truncate(app, backend):
    _chain(2)
    statements = REFUSED + (["TRUNCATE audit_entries CASCADE"] if backend == "postgresql" else [])
    for statement in statements:
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(statement))
    assert db.session.scalar(text("SELECT count(*) FROM audit_entries")) == 2
    assert verify().ok


def test_cli_verify_ok(app):
    _chain(4)
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "chains: 1" in result.output and "entries: 4" in result.output
    assert "OK" in result.output
    compound_id = db.session.scalar(text("SELECT compound_id FROM audit_entries LIMIT 1"))
    result = app.test_cli_runner().invoke(args=["audit", "verify", "--compound",
                                                str(compound_id)])
    assert result.exit_code == 0, result.output
    assert f"chain: c{compound_id}" in result.output
    assert f"head: {head_hash(compound_id)}" in result.output


def test_cli_verify_names_bad_entry_and_row(app):
    victim = _chain(4)[3].id
    _tamper("UPDATE audit_entries SET action = 'x' WHERE seq = 2")
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "BROKEN" in result.output and "seq=2" in result.output

    _tamper("UPDATE audit_entries SET action = 'account.registered' WHERE seq = 2",
            f"UPDATE users SET display_name = '冒名' WHERE id = {victim}")  # noqa: S608
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"BROKEN: users id={victim}: content changed outside the log" in result.output
    assert "entries: 4" in result.output
