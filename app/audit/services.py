"""record() appends to its chain inside the caller's transaction (app.audit.chains says which
chain); app.audit.verification re-walks the chains."""
import json

from sqlalchemy import bindparam, select

from app.audit.canonical import canonical_json, row_digest, sha256_hex
from app.audit.chains import COMPOUND, SET_HEAD_HASH, read_head, scope_of, take_next
from app.audit.coverage import prev_digest, remember_written
from app.audit.models import GENESIS_HASH, AuditEntry
from app.core.time import iso_utc, utcnow
from app.extensions import db


def _entry_content(entry: AuditEntry) -> dict:
    content = {
        "seq": entry.seq,
        "created_at": iso_utc(entry.created_at),
        "actor_id": entry.actor_id,
        "actor_role": entry.actor_role,
        "compound_id": entry.compound_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "data": entry.data,
        "covers": entry.covers,
        "prev_hash": entry.prev_hash,
    }
    if entry.chain_id is not None:  # legacy entries were hashed before chains existed
        content["chain_id"] = entry.chain_id
    return content


def entry_hash(entry: AuditEntry) -> str:
    return sha256_hex(canonical_json(_entry_content(entry)))


def removal(instance) -> dict:
    """The cover of a row about to be deleted, taken before the delete (afterwards the ORM
    may already have cleared its foreign keys): pass it to record(removed=[...])."""
    return {"table": instance.__table__.name, "id": instance.id, "removed": True,
            "prev": row_digest(instance)}


def _cover(instance) -> dict:
    """A row the change wrote, with `prev`, the digest it had before this transaction changed
    it (None if it inserted it), when known."""
    table, session = instance.__table__.name, db.session()
    digest = row_digest(instance)
    cover = {"table": table, "id": instance.id, "digest": digest}
    known, prev = prev_digest(session, table, instance.id)
    if known:
        cover["prev"] = prev
    remember_written(session, table, instance.id, digest)
    return cover


def _set_cover(model, scope: dict) -> dict:
    """Every row of `model` matching `scope` (e.g. {"proposal_id": 5}), vouched for at once."""
    count, digest = set_digest(model, scope)
    return {"table": model.__table__.name, "scope": scope, "count": count, "digest": digest}


def set_digest(model, scope: dict) -> tuple[int, str]:
    table = model.__table__
    rows = db.session.execute(
        select(table).where(*(table.c[k] == v for k, v in scope.items())).order_by(table.c.id)
    ).mappings().all()
    return len(rows), sha256_hex(canonical_json([dict(r) for r in rows]))


_entries = AuditEntry.__table__
# Core statements, not ORM objects: this runs inside every audited write, ballots included,
# and is the part of the transaction that holds its chain's row (app.audit.chains).
_ENTRY_COLUMNS = [c.key for c in _entries.columns if c.key != "id"]
_INSERT_ENTRY = _entries.insert().returning(_entries.c.id)
# PostgreSQL: the entry and the new head in one round trip (the lock is held meanwhile).
_inserted = (_entries.insert().values({c: bindparam(f"e_{c}") for c in _ENTRY_COLUMNS})
             .returning(_entries.c.id).cte("inserted"))
_INSERT_ENTRY_SET_HEAD = SET_HEAD_HASH.returning(select(_inserted.c.id).scalar_subquery())


# Data key of an entry whose actor acted anonymously (an anonymous issue's author): the trail
# shows its value ("某业主 (3栋)") instead of the actor to those who may not see who.
ANONYMOUS_AS = "anonymous_as"


def record(actor, compound, action: str, obj=None, data: dict | None = None, *,
           also=(), sets=(), removed=(), actor_role: str | None = None,
           anonymous_as: str | None = None) -> AuditEntry:
    """Append one entry describing a state change, in the caller's transaction.

    `obj` and `also` are the rows the change wrote, `removed` removal() covers of the rows it
    deleted, `sets` (model, scope) pairs for many rows written at once (an electorate, a urn's
    votes); their content digests are chained so that `verify()` can tell when a row was later
    changed, added or removed behind the log's back. `anonymous_as` marks an actor who acted
    anonymously, with the label to show instead. Returns the entry as written (not attached
    to the session).
    """
    db.session.flush()  # ids and defaults of the changed rows must exist before we digest them
    if anonymous_as is not None:
        data = {**(data or {}), ANONYMOUS_AS: anonymous_as}
    # Removals first: on SQLite a row inserted by the same change may reuse a removed id.
    covers = list(removed)
    covers += [_cover(row) for row in ([obj] if obj is not None else []) + list(also)]
    covers += [_set_cover(model, scope) for model, scope in sets]
    entry = AuditEntry(
        created_at=utcnow(),
        actor_id=getattr(actor, "id", None),
        actor_role=actor_role,
        compound_id=getattr(compound, "id", compound),
        action=action,
        object_type=obj.__table__.name if obj is not None else None,
        object_id=obj.id if obj is not None else None,
        data=json.loads(canonical_json(data or {})),
        covers=covers,
    )
    connection = db.session.connection()
    entry.chain_id, entry.seq, entry.prev_hash = take_next(*scope_of(entry.compound_id, obj))
    entry.hash = entry_hash(entry)
    values = {column: getattr(entry, column) for column in _ENTRY_COLUMNS}
    if connection.dialect.name == "postgresql":
        params = {f"e_{column}": value for column, value in values.items()}
        entry.id = connection.execute(_INSERT_ENTRY_SET_HEAD,
                                      {**params, "chain": entry.chain_id,
                                       "new_hash": entry.hash}).scalar_one()
    else:
        entry.id = connection.execute(_INSERT_ENTRY, values).scalar_one()
        connection.execute(SET_HEAD_HASH, {"chain": entry.chain_id, "new_hash": entry.hash})
    return entry


def head_row(compound):
    """(id, head_seq, head_hash) of the compound's chain as this transaction sees it (read
    afresh: record() bypasses the ORM), or None before its first entry."""
    return read_head(COMPOUND, getattr(compound, "id", compound))


def head_hash(compound) -> str:
    """The compound chain's head hash: what a published result or minutes are stamped with."""
    head = head_row(compound)
    return head.head_hash if head else GENESIS_HASH
