"""Each compound, community and subdistrict keeps its own chain (the site one for accounts);
the anchor chain takes their heads; verify checks one compound or all, and the anchors."""
import pytest
from sqlalchemy import select, text

from app.audit.anchors import anchor_compound, anchor_moved
from app.audit.heads import chain_heads
from app.audit.models import GENESIS_HASH, AuditAnchor, AuditEntry
from app.audit.services import head_hash, record
from app.audit.stamps import stamp_of
from app.audit.verification import verify
from app.compounds import levels
from app.extensions import db
from tests.audit.test_chain import _tamper
from tests.factories import make_compound, make_user

pytestmark = pytest.mark.both_databases


def _entries(compound_id=None):
    stmt = select(AuditEntry).order_by(AuditEntry.id)
    if compound_id is not None:
        stmt = stmt.where(AuditEntry.compound_id == compound_id)
    return db.session.execute(stmt).scalars().all()


def test_each_level_and_the_site_keep_their_own_chain(app):
    admin = make_user(is_admin=True)
    sub = levels.create_subdistrict(admin, "锦华街道")
    community = levels.create_community(admin, sub, "锦华社区")
    levels.rename_community(admin, community, "锦华新社区")
    staff = make_user()
    levels.assign_community_staff(admin, community, staff)  # a community's own record
    levels.assign_subdistrict_staff(admin, sub, make_user())
    compound = levels.create_compound(admin, community, "锦华苑")
    record(staff, compound, "account.registered", staff)
    record(staff, None, "account.display_name_changed", staff)  # an account: the site's
    db.session.commit()
    heads = chain_heads()
    assert {name: head["seq"] for name, head in heads.items()} == {
        f"sd{sub.id}": 2, f"cm{community.id}": 3, f"c{compound.id}": 2, "site": 1,
        "anchors": 0}
    assert heads[f"c{compound.id}"]["hash"] == head_hash(compound)
    assert heads["anchors"]["hash"] == GENESIS_HASH
    assert verify().ok, verify().problems


def test_writes_in_two_compounds_number_their_own_chains(app):
    one, two = make_compound(), make_compound()
    user = make_user()
    for compound in (one, two, one, one, two):
        record(user, compound, "account.registered", None)
    db.session.commit()
    assert [e.seq for e in _entries(one.id)] == [1, 2, 3]
    assert [e.seq for e in _entries(two.id)] == [1, 2]
    first, second = _entries(one.id)[:2]
    assert first.prev_hash == GENESIS_HASH and second.prev_hash == first.hash
    assert verify().ok and verify(one.id).count == 3 and verify(two.id).count == 2


def test_periodic_anchor_takes_only_chains_that_moved(app):
    one, two = make_compound(), make_compound()
    user = make_user()
    record(user, one, "account.registered", None)
    record(user, two, "account.registered", None)
    db.session.commit()
    assert len(anchor_moved()) == 2
    db.session.commit()
    assert anchor_moved() == []  # nothing moved since
    record(user, two, "account.registered", None)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["audit", "anchor"])
    assert result.exit_code == 0, result.output
    assert "anchored: 1" in result.output
    anchors = db.session.execute(select(AuditAnchor).order_by(AuditAnchor.seq)).scalars().all()
    assert [(a.seq, a.chain_seq, a.reason) for a in anchors] == [
        (1, 1, "periodic"), (2, 1, "periodic"), (3, 2, "periodic")]
    assert anchors[2].chain_hash == head_hash(two) and anchors[2].prev_hash == anchors[1].hash
    assert chain_heads()["anchors"] == {"seq": 3, "hash": anchors[2].hash}
    result = verify()
    assert result.ok, result.problems
    assert result.anchors == 3 and result.head == anchors[2].hash


def test_publish_anchor_and_the_stamp_name_the_compound_chain(app):
    compound = make_compound()
    user = make_user()
    for _ in range(3):
        record(user, compound, "account.registered", None)
    stamped = head_hash(compound)
    anchor = anchor_compound(compound, "result_published")
    db.session.commit()
    assert (anchor.chain_seq, anchor.chain_hash, anchor.reason) == (3, stamped,
                                                                     "result_published")
    stamp = stamp_of(stamped)
    assert (stamp.chain, stamp.seq, stamp.hash) == (f"c{compound.id}", 3, stamped)
    assert stamp.short == stamped[:8] + "…"
    assert stamp_of(GENESIS_HASH).seq == 0 and stamp_of(None) is None
    assert anchor_compound(make_compound(), "result_published") is None  # an empty chain


def test_one_compound_verifies_while_another_is_tampered_with(app):
    one, two = make_compound(), make_compound()
    user = make_user()
    for compound in (one, two, one, two, two):
        record(user, compound, "account.registered", None, {"n": 1})
    db.session.commit()
    _tamper(f"UPDATE audit_entries SET data = '{{\"n\": 2}}' "  # noqa: S608
            f"WHERE compound_id = {two.id} AND seq = 2")
    assert verify(one.id).ok
    broken = verify(two.id)
    assert not broken.ok
    assert broken.problems == [f"chain c{two.id} entry id={_entries(two.id)[1].id} seq=2: "
                               "content does not match its hash"]
    everything = verify()
    assert everything.problems == broken.problems
    result = app.test_cli_runner().invoke(args=["audit", "verify", "--compound", str(two.id)])
    assert result.exit_code == 1 and f"BROKEN: chain c{two.id} entry" in result.output


def test_an_entry_moved_to_another_compound_is_named(app):
    one, two = make_compound(), make_compound()
    user = make_user()
    record(user, one, "account.registered", None)
    db.session.commit()
    _tamper(f"UPDATE audit_entries SET compound_id = {two.id}")  # noqa: S608
    problems = verify().problems
    assert len(problems) == 1 and f"chain c{one.id}" in problems[0]
    assert "content does not match its hash" in problems[0]


def test_a_rewritten_chain_no_longer_matches_its_anchor(app):
    """Rewriting a whole chain (every hash recomputed, head row included) keeps its links
    intact; the anchor taken before still names the old head, and verify says so."""
    compound = make_compound()
    user = make_user()
    for _ in range(2):
        record(user, compound, "account.registered", None)
    anchor_moved()
    db.session.commit()
    entry = _entries(compound.id)[1]
    db.session.expunge(entry)
    entry.action = "account.deleted"
    from app.audit.services import entry_hash
    forged = entry_hash(entry)
    _tamper(f"UPDATE audit_entries SET action = 'account.deleted', hash = '{forged}' "  # noqa: S608
            f"WHERE id = {entry.id}",
            f"UPDATE audit_chains SET head_hash = '{forged}' "  # noqa: S608
            f"WHERE kind = 'compound' AND scope_id = {compound.id}")
    problems = verify(compound.id).problems
    assert problems == [f"anchor seq=1: chain c{compound.id} at seq=2 has a different hash "
                        f"than the one anchored ({entry.hash[:12]}…)"]


def test_anchor_chain_tampering_is_named(app):
    user = make_user()
    for compound in (make_compound(), make_compound()):
        record(user, compound, "account.registered", None)
    anchor_moved()
    db.session.commit()
    _tamper("UPDATE audit_anchors SET chain_seq = 5 WHERE seq = 1")
    assert verify().problems == ["anchor seq=1: content does not match its hash"]
    _tamper("UPDATE audit_anchors SET chain_seq = 1 WHERE seq = 1",
            "DELETE FROM audit_anchors WHERE seq = 2")
    assert "anchors at the end were removed" in verify().problems[0]


def test_database_refuses_edits_to_anchors(app, backend):
    record(make_user(), make_compound(), "account.registered", None)
    anchor_moved()
    db.session.commit()
    for statement in ("UPDATE audit_anchors SET reason = 'x'", "DELETE FROM audit_anchors"):
        with pytest.raises(Exception, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(statement))
    assert verify().ok
