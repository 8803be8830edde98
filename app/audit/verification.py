"""verify(): re-walk the chain and check every row it vouches for (`flask audit verify`)."""
from dataclasses import dataclass, field

from sqlalchemy import select

from app.audit.canonical import canonical_json, row_digest
from app.audit.coverage import REQUIRED
from app.audit.models import GENESIS_HASH, AuditEntry
from app.audit.services import entry_hash, head_row, set_digest
from app.extensions import db


@dataclass
class VerifyResult:
    ok: bool
    count: int
    head: str
    problems: list[str] = field(default_factory=list)


@dataclass
class _Walk:
    """What the chain says about the rows, as of its last entry."""

    rows: dict = field(default_factory=dict)   # (table, id) → (digest, seq)
    sets: dict = field(default_factory=dict)   # (table, scope json) → (scope, count, digest, seq)
    problems: list = field(default_factory=list)  # (seq, text)

    def take(self, seq: int, cover: dict) -> None:
        table = cover["table"]
        if "scope" in cover:
            self.sets[(table, canonical_json(cover["scope"]))] = (
                cover["scope"], cover["count"], cover["digest"], seq)
            return
        key = (table, cover["id"])
        last = self.rows.get(key)
        # A row first vouched for with a `prev` existed unlogged before; that matters only
        # where every row must be logged (elsewhere the log starts vouching for it here).
        if "prev" in cover and cover["prev"] != (last[0] if last else None) and (
                last or table in REQUIRED):
            since = f"last written by seq={last[1]}" if last else "not in the log before"
            self.problems.append((seq, f"{table} id={cover['id']}: content changed outside the "
                                       f"log before seq={seq} rewrote it ({since})"))
        if cover.get("removed"):
            self.rows.pop(key, None)
        else:
            self.rows[key] = (cover["digest"], seq)


def _table_models() -> dict:
    return {m.class_.__table__.name: m.class_ for m in db.Model.registry.mappers
            if hasattr(m.class_, "__table__")}


def verify() -> VerifyResult:
    """Recompute the chain from the first entry. Report the first broken link (edited,
    deleted or reordered entries all break it); any covered row or set of rows whose current
    content no longer matches the digest of the last entry that wrote it; any row rewritten by
    an entry after it had been changed outside the log; and any row of a table that decides an
    outcome (coverage.REQUIRED) that no entry covers."""
    prev = GENESIS_HASH
    expected_seq = 1
    count = 0
    walk = _Walk()
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
            walk.take(entry.seq, cover)
        prev = entry.hash
        expected_seq += 1
    head = head_row()
    if head is None or head.hash != prev or head.seq != count:
        return VerifyResult(False, count, prev, [
            f"head row says seq={getattr(head, 'seq', None)} but the chain ends at seq={count} "
            "(entries at the end were removed)"])
    models = _table_models()
    problems = walk.problems + _check_rows(walk.rows, models) + _check_sets(walk.sets, models)
    problems += _check_required(walk, models)
    problems = [text for _, text in sorted(problems, key=lambda p: p[0])]
    return VerifyResult(not problems, count, prev, problems)


def _check_rows(latest_cover, models) -> list[tuple[int, str]]:
    by_table: dict[str, dict[int, tuple[str, int]]] = {}
    for (table, row_id), value in latest_cover.items():
        by_table.setdefault(table, {})[row_id] = value
    problems = []
    for table, wanted in sorted(by_table.items()):
        model = models.get(table)
        if model is None:
            problems.append((0, f"table {table} is covered by the log but no longer exists"))
            continue
        found = {}
        ids = list(wanted)
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for row in db.session.execute(select(model).where(model.id.in_(chunk))).scalars():
                found[row.id] = row_digest(row)
        for row_id, (digest, seq) in sorted(wanted.items()):
            if row_id not in found:
                problems.append((seq, f"{table} id={row_id}: row is missing "
                                      f"(last written by seq={seq})"))
            elif found[row_id] != digest:
                problems.append((seq, f"{table} id={row_id}: content changed outside the log "
                                      f"(last written by seq={seq})"))
    return problems


def _check_sets(sets, models) -> list[tuple[int, str]]:
    problems = []
    for (table, _), (scope, count, digest, seq) in sorted(sets.items()):
        model = models.get(table)
        if model is None:
            problems.append((seq, f"table {table} is covered by the log but no longer exists"))
            continue
        now_count, now_digest = set_digest(model, scope)
        if now_digest != digest:
            where = ", ".join(f"{k}={v}" for k, v in sorted(scope.items()))
            problems.append((seq, f"{table} where {where}: rows changed, added or removed "
                                  f"outside the log ({now_count} rows, {count} written by "
                                  f"seq={seq})"))
    return problems


def _check_required(walk: _Walk, models) -> list[tuple[int, str]]:
    """Rows of an outcome-deciding table that no entry vouches for (inserted by hand)."""
    problems = []
    scoped = set(walk.sets)  # keyed (table, canonical scope), as looked up below
    for table, scope_column in sorted(REQUIRED.items()):
        model = models[table]
        columns = [model.id] + ([model.__table__.c[scope_column]] if scope_column else [])
        for row in db.session.execute(select(*columns).order_by(model.id)):
            if (table, row[0]) in walk.rows:
                continue
            if scope_column and (table, canonical_json({scope_column: row[1]})) in scoped:
                continue
            problems.append((0, f"{table} id={row[0]}: no audit entry covers this row"))
    return problems
