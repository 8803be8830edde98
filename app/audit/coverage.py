"""What the log must vouch for, and what a row looked like before a write.

Two gaps the chain closes here (DESIGN §5):
- Rows that decide an outcome (electorates, ballots, role grants...) must each be covered by
  an entry. A table registered with require_coverage() has every row checked by verify(): a
  row no entry covers (a forged ballot, a role grant inserted by hand) is reported.
- A row changed behind the log's back must not be laundered by the next legitimate write that
  re-records it. Each cover therefore carries `prev`, the digest of the row as this
  transaction found it before changing it (None for a row it inserted), and verify() checks
  that `prev` is the digest the log last vouched for.

The "before" content is captured in one place for every kind of write: from the ORM's own
change tracking at flush time (the loaded values of the attributes a flush changed), and, for an
UPDATE statement run through the session (the conditional UPDATEs of state machines), by reading
the rows its WHERE clause matches just before it runs, locked on PostgreSQL so that the rows
cannot change between the read and the write."""
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.base import NO_VALUE

from app.audit.canonical import canonical_json, sha256_hex, stored_attrs

# table name → the column by which set covers scope its rows (None: row covers only).
REQUIRED: dict[str, str | None] = {}
_UNKNOWN = object()
_KEY = "audit_before"
# Tables written by bulk UPDATEs that the log never covers (read marks): nothing to capture.
UNCOVERED_UPDATES = {"notifications"}


def require_coverage(*models, scope: str | None = None) -> None:
    """Every row of these tables must be covered by the log (by row, or by a set cover scoped
    on `scope`, e.g. all the electorate rows of one proposal)."""
    for model in models:
        REQUIRED[model.__table__.name] = scope


def _before(session) -> dict:
    return session.info.setdefault(_KEY, {})


def _column_values(state, old: dict) -> dict | None:
    """The row's column values with `old` (attribute key → value) laid over the current ones;
    None if any value is unknown (never loaded or expired)."""
    content = {}
    for attr in stored_attrs(state.mapper):
        value = old.get(attr.key, state.dict.get(attr.key, _UNKNOWN))
        if value is _UNKNOWN or value is NO_VALUE:
            return None
        for column in attr.columns:
            content[column.key] = value
    return content


def prev_digest(session, table: str, row_id: int):
    """(known, digest): the digest of the row before this transaction wrote it, None for a
    row it inserted; known is False when nothing was captured."""
    content = session.info.get(_KEY, {}).get((table, row_id), _UNKNOWN)
    if content is _UNKNOWN:
        return False, None
    if content is None or isinstance(content, str):
        return True, content
    return True, sha256_hex(canonical_json(content))


def remember_written(session, table: str, row_id: int, digest: str) -> None:
    """After an entry covers a row, a later write in the same transaction starts from it."""
    _before(session)[(table, row_id)] = digest


@event.listens_for(Session, "after_flush")
def _capture_flushed(session, flush_context):
    # Called while new/dirty and the attributes' committed values still describe the state
    # before this flush.
    before = _before(session)
    for instance in session.new:
        state = inspect(instance)
        # The identity key is assigned only after this hook; the inserted id is there already.
        row_id = state.dict.get(state.mapper.get_property_by_column(
            state.mapper.primary_key[0]).key)
        if row_id is not None:  # inserted now: a row that had this id before is gone
            before[(state.mapper.local_table.name, row_id)] = None
    for instance in session.dirty:
        state = inspect(instance)
        if not state.identity or not state.committed_state:
            continue
        key = (state.mapper.local_table.name, state.identity[0])
        if key not in before:
            content = _column_values(state, dict(state.committed_state))
            before[key] = content if content is not None else _UNKNOWN


@event.listens_for(Session, "do_orm_execute")
def _capture_updated(orm_execute_state):
    if not orm_execute_state.is_update:
        return
    stmt = orm_execute_state.statement
    table = stmt.table
    if table.name in UNCOVERED_UPDATES or "id" not in table.c:
        return
    params = orm_execute_state.parameters
    if params is not None and not isinstance(params, dict):
        return  # executemany: not used for audited rows
    session = orm_execute_state.session
    query = select(table).where(stmt.whereclause) if stmt.whereclause is not None \
        else select(table)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    before = _before(session)
    # On the connection: plain rows keyed by column, whatever entity the UPDATE named.
    for row in session.connection().execute(query, params or {}).mappings():
        before.setdefault((table.name, row["id"]), dict(row))


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget(session):
    session.info.pop(_KEY, None)
