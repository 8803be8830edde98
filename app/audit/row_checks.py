"""The rows the log vouches for: re-walk every entry's covers in the order the entries were
written (by id: within a chain that is its order, and two entries of different chains that
write the same row are ordered by that row's lock) and compare with the rows as they are."""
from dataclasses import dataclass, field

from sqlalchemy import select

from app.audit.canonical import canonical_json, row_digest
from app.audit.coverage import REQUIRED
from app.audit.services import set_digest
from app.extensions import db


@dataclass
class RowWalk:
    """What the log says about the rows, as of its last entry. Values carry where (the
    entry's id, for order; its label, "c12 seq=3"; its chain id) the row was last written."""

    rows: dict = field(default_factory=dict)   # (table, id) → (digest, where)
    sets: dict = field(default_factory=dict)   # (table, scope json) → (scope, count, digest, where)
    problems: list = field(default_factory=list)  # (where, text)

    def take(self, where: tuple, cover: dict) -> None:
        table = cover["table"]
        if "scope" in cover:
            self.sets[(table, canonical_json(cover["scope"]))] = (
                cover["scope"], cover["count"], cover["digest"], where)
            return
        key = (table, cover["id"])
        last = self.rows.get(key)
        # A row first vouched for with a `prev` existed unlogged before; that matters only
        # where every row must be logged (elsewhere the log starts vouching for it here).
        if "prev" in cover and cover["prev"] != (last[0] if last else None) and (
                last or table in REQUIRED):
            since = f"last written by {last[1][1]}" if last else "not in the log before"
            self.problems.append((where, f"{table} id={cover['id']}: content changed outside "
                                         f"the log before {where[1]} rewrote it ({since})"))
        if cover.get("removed"):
            self.rows.pop(key, None)
        else:
            self.rows[key] = (cover["digest"], where)


def walk_rows(entries, label) -> RowWalk:
    """`entries`: (id, chain_id, seq, covers) in id order; label(chain_id, seq) names one."""
    walk = RowWalk()
    for entry_id, chain_id, seq, covers in entries:
        where = (entry_id, label(chain_id, seq), chain_id)
        for cover in covers or []:
            walk.take(where, cover)
    return walk


def table_models() -> dict:
    return {m.class_.__table__.name: m.class_ for m in db.Model.registry.mappers
            if hasattr(m.class_, "__table__")}


NOWHERE = (0, "", None)  # problems that no entry wrote (a row nobody logged)


def check_rows(latest_cover, models) -> list[tuple[tuple, str]]:
    by_table: dict[str, dict[int, tuple]] = {}
    for (table, row_id), value in latest_cover.items():
        by_table.setdefault(table, {})[row_id] = value
    problems = []
    for table, wanted in sorted(by_table.items()):
        model = models.get(table)
        if model is None:
            problems.append((NOWHERE, f"table {table} is covered by the log but no longer "
                                      "exists"))
            continue
        found = {}
        ids = list(wanted)
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for row in db.session.execute(select(model).where(model.id.in_(chunk))).scalars():
                found[row.id] = row_digest(row)
        for row_id, (digest, where) in sorted(wanted.items()):
            if row_id not in found:
                problems.append((where, f"{table} id={row_id}: row is missing "
                                        f"(last written by {where[1]})"))
            elif found[row_id] != digest:
                problems.append((where, f"{table} id={row_id}: content changed outside the "
                                        f"log (last written by {where[1]})"))
    return problems


def check_sets(sets, models) -> list[tuple[tuple, str]]:
    problems = []
    for (table, _), (scope, count, digest, where) in sorted(sets.items(),
                                                           key=lambda kv: kv[0]):
        model = models.get(table)
        if model is None:
            problems.append((where, f"table {table} is covered by the log but no longer "
                                    "exists"))
            continue
        now_count, now_digest = set_digest(model, scope)
        if now_digest != digest:
            scoped = ", ".join(f"{k}={v}" for k, v in sorted(scope.items()))
            problems.append((where, f"{table} where {scoped}: rows changed, added or removed "
                                    f"outside the log ({now_count} rows, {count} written by "
                                    f"{where[1]})"))
    return problems


def check_required(walk: RowWalk, models) -> list[tuple[tuple, str]]:
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
            problems.append((NOWHERE, f"{table} id={row[0]}: no audit entry covers this row"))
    return problems
