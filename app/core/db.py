"""Database plumbing shared by every domain: SQLite pragmas and transaction mode."""
import time
from contextlib import contextmanager

from flask import g, has_app_context, has_request_context, request
from sqlalchemy import bindparam, event, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError, IntegrityError
from sqlalchemy.orm import joinedload

from app.core.errors import Conflict, NotFound
from app.extensions import db

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _sqlite_begin_statement() -> str:
    # Writers take the write lock when their transaction begins, so a request never reads a
    # snapshot it can no longer write on top of (SQLITE_BUSY_SNAPSHOT) and audit appends are
    # serialised. Reads (GET) stay deferred so they don't queue behind each other.
    if has_app_context() and g.get("_write_transaction"):
        return "BEGIN IMMEDIATE"
    if has_app_context() and g.get("_read_transaction"):
        return "BEGIN"
    if has_request_context() and request.method in SAFE_METHODS:
        return "BEGIN"
    return "BEGIN IMMEDIATE"


@event.listens_for(Engine, "connect")
def _on_connect(dbapi_connection, connection_record):
    module = type(dbapi_connection).__module__
    if "sqlite" not in module:
        return
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode")
    if cursor.fetchone()[0] != "memory":
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _on_begin(conn):
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(_sqlite_begin_statement())


@contextmanager
def unit_of_work():
    """Commit once if the block succeeds; roll back everything if it raises."""
    try:
        yield db.session
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


@contextmanager
def write_transaction():
    """A transaction of its own that takes the write lock up front, for the rare write made
    while serving a GET (e.g. closing a vote whose deadline passed on first access)."""
    db.session.commit()  # end the read transaction the request may have started
    g._write_transaction = True
    try:
        with unit_of_work():
            yield db.session
    finally:
        g._write_transaction = False


@contextmanager
def read_transaction():
    """A transaction that only reads, begun without taking SQLite's write lock even outside a
    GET (a command reading one consistent snapshot: the backup); rolled back at the end."""
    db.session.rollback()
    g._read_transaction = True
    try:
        yield db.session
    finally:
        db.session.rollback()
        g._read_transaction = False


def is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


@contextmanager
def refused_if_taken(message, field: str | None = None):
    """Write the rows added or changed in the block in a savepoint; if a unique constraint
    refuses them (two submitted at once included), refuse with `message` (a 409 beside
    `field`) and leave the rest of the transaction as it was. The constraint decides, never a
    look-up first."""
    try:
        with db.session.begin_nested():
            yield
            db.session.flush()
    except IntegrityError:
        raise Conflict(message, field=field) from None


def insert_unless_exists(model, values: dict, conflict_on: list[str] | None = None,
                         where=None) -> int | None:
    """INSERT ... ON CONFLICT DO NOTHING: the unique index (on `conflict_on`, partial with
    `where`) decides atomically, never a look-up first. The new row's id, or None if a row
    already held that place. Other constraint violations still raise."""
    connection = db.session.connection()
    key = (connection.dialect.name, model.__table__.name, tuple(values),
           tuple(conflict_on or ()), None if where is None else str(where))
    stmt = _UNLESS_EXISTS.get(key)
    if stmt is None:
        stmt = _UNLESS_EXISTS[key] = _unless_exists_statement(
            connection.dialect, model.__table__, list(values), conflict_on, where)
    return connection.execute(stmt, values).scalar()


# SQLAlchemy does not cache the compiled form of the dialects' INSERT ... ON CONFLICT (their
# Insert classes have no cache key) and compiling costs more than the round trip, so the
# statement is written once per shape as text(), which is cached, with the columns' types.
# PostgreSQL and SQLite (3.35+) share this syntax.
_UNLESS_EXISTS: dict[tuple, object] = {}


def _unless_exists_statement(dialect, table, keys: list[str], conflict_on, where):
    quote = dialect.identifier_preparer.quote
    columns = [table.c[k] for k in keys]  # only the table's own column names get this far
    target = ""
    if conflict_on:
        target = "(" + ", ".join(quote(c) for c in conflict_on) + ") "
        if where is not None:
            predicate = where.compile(dialect=dialect, compile_kwargs={
                "include_table": False, "literal_binds": True})
            target += f"WHERE {predicate} "
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c.name) for c in columns)}) "  # noqa: S608
           f"VALUES ({', '.join(':' + c.key for c in columns)}) "
           f"ON CONFLICT {target}DO NOTHING RETURNING {quote('id')}")
    return (text(sql).bindparams(*(bindparam(c.key, type_=c.type) for c in columns))
            .columns(table.c.id))


def get_scoped(model, row_id: int, not_found_message, options=(), **scope):
    """The row with this id if it belongs to `scope` (e.g. compound_id=3), else NotFound: an id
    taken from a URL never reaches another compound's, issue's or proposal's rows. `options`
    are loader options (the relationships the caller reads): they load even when the session
    already holds the row without them."""
    row = db.session.get(model, row_id, options=list(options), populate_existing=bool(options))
    if row is None or any(getattr(row, key) != value for key, value in scope.items()):
        raise NotFound(not_found_message)
    return row


def with_loaded(row, *relationships):
    """`row` with these relationships (e.g. Notice.published_by) loaded: as it is when they
    are, or read again with them, in place, when a commit since it was loaded has expired it
    (relationships raise rather than load lazily; the refresh would have cost the same
    statement)."""
    unloaded = inspect(row).unloaded
    if not any(r.key in unloaded for r in relationships):
        return row
    return db.session.get(type(row), inspect(row).identity, populate_existing=True,
                          options=[joinedload(r) for r in relationships])


def ping_after_idle(engine, idle_seconds: float) -> None:
    """Check a pooled connection before use only when it has sat idle `idle_seconds` or more
    (the database may have restarted or dropped it meanwhile). `pool_pre_ping` pings on every
    checkout: a round trip per request on a busy pool whose connections were in use a moment
    ago. A dead connection found here is replaced, as pre_ping does."""
    dialect = engine.dialect

    @event.listens_for(engine, "connect")
    @event.listens_for(engine, "checkin")
    def _mark_idle(dbapi_connection, connection_record):
        connection_record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, connection_record, connection_proxy):
        since = connection_record.info.get("idle_since")
        if since is not None and time.monotonic() - since < idle_seconds:
            return
        try:
            alive = dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as exc:
            if dialect.is_disconnect(exc, dbapi_connection, None):
                raise DisconnectionError() from exc
            raise
        if not alive:
            raise DisconnectionError()
