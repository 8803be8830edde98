"""record() appends to the chain inside the caller's transaction; verify() re-walks it."""
import json
from dataclasses import dataclass, field

from sqlalchemy import bindparam, select

from app.audit.canonical import canonical_json, row_digest, sha256_hex
from app.audit.models import GENESIS_HASH, AuditEntry, AuditHead
from app.core.time import iso_utc, utcnow
from app.extensions import db


def _entry_content(entry: AuditEntry) -> dict:
    return {
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


def entry_hash(entry: AuditEntry) -> str:
    return sha256_hex(canonical_json(_entry_content(entry)))


def _cover(instance) -> dict:
    return {"table": instance.__table__.name, "id": instance.id, "digest": row_digest(instance)}


_entries = AuditEntry.__table__
_head = AuditHead.__table__
# Taking the next number is the lock: on PostgreSQL the UPDATE holds the head row until commit,
# so appenders queue here and each reads the head its predecessor committed. On SQLite writers
# already hold the database write lock since BEGIN IMMEDIATE (app.core.db). Core statements,
# not ORM objects: this runs inside every audited write, ballots included, and is the part of
# the transaction that holds the site-wide lock.
_TAKE_NEXT = (_head.update().where(_head.c.id == 1).values(seq=_head.c.seq + 1)
              .returning(_head.c.seq, _head.c.hash))
_ENTRY_COLUMNS = [c.key for c in _entries.columns if c.key != "id"]
_INSERT_ENTRY = _entries.insert().returning(_entries.c.id)
_SET_HEAD_HASH = _head.update().where(_head.c.id == 1).values(hash=bindparam("new_hash"))
# PostgreSQL: the entry and the new head in one round trip (the lock is held meanwhile).
_inserted = (_entries.insert().values({c: bindparam(f"e_{c}") for c in _ENTRY_COLUMNS})
             .returning(_entries.c.id).cte("inserted"))
_INSERT_ENTRY_SET_HEAD = _SET_HEAD_HASH.returning(select(_inserted.c.id).scalar_subquery())
_READ_HEAD = select(_head.c.seq, _head.c.hash).where(_head.c.id == 1)


# Data key of an entry whose actor acted anonymously (an anonymous issue's author): the trail
# shows its value ("某业主 (3栋)") instead of the actor to those who may not see who.
ANONYMOUS_AS = "anonymous_as"


def record(actor, compound, action: str, obj=None, data: dict | None = None, *,
           also=(), actor_role: str | None = None,
           anonymous_as: str | None = None) -> AuditEntry:
    """Append one entry describing a state change, in the caller's transaction.

    `obj` and `also` are the rows the change wrote; their content digests are chained so that
    `verify()` can tell when a row was later changed behind the log's back. `anonymous_as`
    marks an actor who acted anonymously, with the label to show instead. Returns the entry
    as written (not attached to the session).
    """
    db.session.flush()  # ids and defaults of the changed rows must exist before we digest them
    if anonymous_as is not None:
        data = {**(data or {}), ANONYMOUS_AS: anonymous_as}
    covers = [_cover(row) for row in ([obj] if obj is not None else []) + list(also)]
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
    entry.seq, entry.prev_hash = connection.execute(_TAKE_NEXT).one()
    entry.hash = entry_hash(entry)
    values = {column: getattr(entry, column) for column in _ENTRY_COLUMNS}
    if connection.dialect.name == "postgresql":
        params = {f"e_{column}": value for column, value in values.items()}
        entry.id = connection.execute(_INSERT_ENTRY_SET_HEAD,
                                      {**params, "new_hash": entry.hash}).scalar_one()
    else:
        entry.id = connection.execute(_INSERT_ENTRY, values).scalar_one()
        connection.execute(_SET_HEAD_HASH, {"new_hash": entry.hash})
    return entry


def head_hash() -> str:
    """The chain's head as this transaction sees it (read afresh: record() bypasses the ORM)."""
    head = db.session.connection().execute(_READ_HEAD).first()
    return head.hash if head else GENESIS_HASH


@dataclass
class VerifyResult:
    ok: bool
    count: int
    head: str
    problems: list[str] = field(default_factory=list)


def _table_models() -> dict:
    return {m.class_.__table__.name: m.class_ for m in db.Model.registry.mappers
            if hasattr(m.class_, "__table__")}


def verify() -> VerifyResult:
    """Recompute the chain from the first entry. Report the first broken link (edited,
    deleted or reordered entries all break it) and any covered row whose current content no
    longer matches the digest of the last entry that wrote it."""
    prev = GENESIS_HASH
    expected_seq = 1
    count = 0
    latest_cover: dict[tuple[str, int], tuple[str, int]] = {}
    rows = db.session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars()
    for entry in rows.yield_per(1000):
        count += 1
        if entry.seq != expected_seq:
            return VerifyResult(False, count, prev, [
                f"entry id={entry.id} seq={entry.seq}: expected seq {expected_seq} "
                "(an entry is missing or out of order)"])
        if entry.prev_hash != prev:
            return VerifyResult(False, count, prev, [
                f"entry id={entry.id} seq={entry.seq}: "
                "prev_hash does not match the entry before it"])
        if entry_hash(entry) != entry.hash:
            return VerifyResult(False, count, prev, [
                f"entry id={entry.id} seq={entry.seq}: content does not match its hash"])
        for cover in entry.covers or []:
            latest_cover[(cover["table"], cover["id"])] = (cover["digest"], entry.seq)
        prev = entry.hash
        expected_seq += 1
    head = db.session.connection().execute(_READ_HEAD).first()
    if head is None or head.hash != prev or head.seq != count:
        return VerifyResult(False, count, prev, [
            f"head row says seq={getattr(head, 'seq', None)} but the chain ends at seq={count} "
            "(entries at the end were removed)"])
    problems = _check_covered_rows(latest_cover)
    return VerifyResult(not problems, count, prev, problems)


def _check_covered_rows(latest_cover) -> list[str]:
    models = _table_models()
    by_table: dict[str, dict[int, tuple[str, int]]] = {}
    for (table, row_id), value in latest_cover.items():
        by_table.setdefault(table, {})[row_id] = value
    problems = []
    for table, wanted in sorted(by_table.items()):
        model = models.get(table)
        if model is None:
            problems.append(f"table {table} is covered by the log but no longer exists")
            continue
        found = {}
        ids = list(wanted)
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for row in db.session.execute(select(model).where(model.id.in_(chunk))).scalars():
                found[row.id] = row_digest(row)
        for row_id, (digest, seq) in sorted(wanted.items()):
            if row_id not in found:
                problems.append(f"{table} id={row_id}: row is missing (last written by seq={seq})")
            elif found[row_id] != digest:
                problems.append(
                    f"{table} id={row_id}: content changed outside the log "
                    f"(last written by seq={seq})")
    return sorted(problems, key=lambda p: int(p.split("seq=")[-1].rstrip(")")))

