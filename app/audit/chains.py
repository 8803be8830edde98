"""Which chain an entry belongs to, the chains' short names, and taking a chain's next number.

Each compound has its chain; a community's and a subdistrict's own records (their staff, their
offices) have theirs; what belongs to no level (accounts, logins, the site admin's subdistricts)
goes to the "site" chain. Taking the next number is one conditional UPDATE ... RETURNING on the
chain's row, which holds that row (and only it) until commit: writers of different chains never
wait on each other, writers of one chain queue and each reads the head its predecessor
committed. A chain's row is made on its first use by INSERT ... ON CONFLICT DO NOTHING, which
the unique (kind, scope_id) decides (two first writers at once included)."""
from sqlalchemy import bindparam, select

from app.audit.models import GENESIS_HASH, AuditChain
from app.core.db import insert_unless_exists
from app.extensions import db

COMPOUND, COMMUNITY, SUBDISTRICT, SITE = "compound", "community", "subdistrict", "site"
LEGACY, ANCHORS = "legacy", "anchors"
_PREFIX = {COMPOUND: "c", COMMUNITY: "cm", SUBDISTRICT: "sd"}
# Rows whose own table names the level they belong to.
_LEVEL_TABLES = {"subdistricts": SUBDISTRICT, "communities": COMMUNITY}


def chain_name(kind: str, scope_id: int) -> str:
    """c12 (compound 12), cm3 (community 3), sd1 (subdistrict 1), site, legacy, anchors."""
    prefix = _PREFIX.get(kind)
    return f"{prefix}{scope_id}" if prefix else kind


def parse_chain_name(name: str) -> tuple[str, int] | None:
    for kind, prefix in sorted(_PREFIX.items(), key=lambda kv: -len(kv[1])):
        if name.startswith(prefix) and name[len(prefix):].isdigit():
            return kind, int(name[len(prefix):])
    return (name, 0) if name in (SITE, LEGACY, ANCHORS) else None


def scope_of(compound_id: int | None, obj) -> tuple[str, int]:
    """The chain of an entry: its compound's; else the level its row belongs to (a subdistrict
    or community row, or a row carrying community_id / subdistrict_id: staff assignments,
    offices); else the site's."""
    if compound_id is not None:
        return COMPOUND, compound_id
    if obj is not None:
        kind = _LEVEL_TABLES.get(obj.__table__.name)
        if kind:
            return kind, obj.id
        for attribute, kind in (("community_id", COMMUNITY), ("subdistrict_id", SUBDISTRICT)):
            value = getattr(obj, attribute, None)
            if value is not None:
                return kind, value
    return SITE, 0


_chains = AuditChain.__table__
_TAKE_NEXT = (_chains.update()
              .where(_chains.c.kind == bindparam("k"), _chains.c.scope_id == bindparam("s"))
              .values(head_seq=_chains.c.head_seq + 1)
              .returning(_chains.c.id, _chains.c.head_seq, _chains.c.head_hash))
SET_HEAD_HASH = (_chains.update().where(_chains.c.id == bindparam("chain"))
                 .values(head_hash=bindparam("new_hash")))
_READ_HEAD = select(_chains.c.id, _chains.c.head_seq, _chains.c.head_hash).where(
    _chains.c.kind == bindparam("k"), _chains.c.scope_id == bindparam("s"))


def take_next(kind: str, scope_id: int):
    """(chain id, the new entry's seq, the previous head hash), holding the chain's row."""
    connection = db.session.connection()
    taken = connection.execute(_TAKE_NEXT, {"k": kind, "s": scope_id}).first()
    if taken is None:  # first entry of this chain
        insert_unless_exists(AuditChain, {"kind": kind, "scope_id": scope_id, "head_seq": 0,
                                          "head_hash": GENESIS_HASH},
                             conflict_on=["kind", "scope_id"])
        taken = connection.execute(_TAKE_NEXT, {"k": kind, "s": scope_id}).one()
    return taken


def read_head(kind: str, scope_id: int):
    """(id, head_seq, head_hash) of a chain as this transaction sees it, or None before its
    first entry."""
    return db.session.connection().execute(_READ_HEAD, {"k": kind, "s": scope_id}).first()
