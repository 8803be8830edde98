"""Database plumbing shared by every domain: SQLite pragmas and transaction mode."""
from contextlib import contextmanager

from flask import g, has_app_context, has_request_context, request
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine

from app.core.errors import NotFound
from app.extensions import db

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _sqlite_begin_statement() -> str:
    # Writers take the write lock when their transaction begins, so a request never reads a
    # snapshot it can no longer write on top of (SQLITE_BUSY_SNAPSHOT) and audit appends are
    # serialised. Reads (GET) stay deferred so they don't queue behind each other.
    if has_app_context() and g.get("_write_transaction"):
        return "BEGIN IMMEDIATE"
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


def is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def insert_unless_exists(model, values: dict, conflict_on: list[str] | None = None,
                         where=None) -> int | None:
    """INSERT ... ON CONFLICT DO NOTHING: the unique index (on `conflict_on`, partial with
    `where`) decides atomically, never a look-up first. The new row's id, or None if a row
    already held that place. Other constraint violations still raise."""
    connection = db.session.connection()  # Core, not the ORM: hot paths (ballots) use this
    table = model.__table__
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    stmt = insert(table).values(**values).on_conflict_do_nothing(
        index_elements=conflict_on, index_where=where)
    return connection.execute(stmt.returning(table.c.id)).scalar()


def get_scoped(model, row_id: int, not_found_message, **scope):
    """The row with this id if it belongs to `scope` (e.g. compound_id=3), else NotFound: an id
    taken from a URL never reaches another compound's, issue's or proposal's rows."""
    row = db.session.get(model, row_id)
    if row is None or any(getattr(row, key) != value for key, value in scope.items()):
        raise NotFound(not_found_message)
    return row
