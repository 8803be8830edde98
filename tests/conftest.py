"""Fixtures: every test gets a clean database on SQLite, and on PostgreSQL too when
TEST_DATABASE_URL is set (the `app` fixture is parametrised over both)."""
import os
import secrets
import shutil
import tempfile
from contextlib import contextmanager

import pytest
from flask import g
from sqlalchemy import event, text

from app import create_app
from app.accounts.session import SESSION_KEY, _hash
from app.audit.models import GENESIS_HASH
from app.extensions import db
from tests.lazy_loads import let_tests_load_lazily

# Browser fixtures (live_server, page, nojs_page, ...) for any test that asks for them.
pytest_plugins = ["tests.e2e.fixtures"]
let_tests_load_lazily()  # the app's relationships raise; a test's own reads may load

PG_URL = os.environ.get("TEST_DATABASE_URL")
if PG_URL and PG_URL.startswith(("postgres://", "postgresql://")):
    PG_URL = "postgresql+psycopg://" + PG_URL.split("://", 1)[1]


def _worker_database(url: str | None) -> str | None:
    """Under pytest-xdist each worker gets its own PostgreSQL database beside the given one
    (test → test_gw0, test_gw1, ...), made on first use, since every test resets the schema."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    import psycopg
    from sqlalchemy.engine import make_url

    given = make_url(url)
    name = f"{given.database}_{worker}"
    admin = given.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
    return given.set(database=name).render_as_string(hide_password=False)


PG_URL = _worker_database(PG_URL)
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
_pg_schema_ready = False


def _reset_postgres() -> None:
    global _pg_schema_ready
    if not _pg_schema_ready:
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        db.create_all()
        _pg_schema_ready = True
        return
    with db.engine.begin() as conn:
        # DELETE, not TRUNCATE: a test leaves a few rows, and TRUNCATE gives every table new
        # files (about 0.3 s per test for ~60 tables). Replica mode skips the foreign-key and
        # append-only triggers for the reset only; sequences start again at 1.
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.exec_driver_sql("; ".join(f'DELETE FROM "{name}"' for name in db.metadata.tables))
        conn.execute(text("SELECT setval(c.oid, 1, false) FROM pg_class c "
                          "JOIN pg_namespace n ON n.oid = c.relnamespace "
                          "WHERE c.relkind = 'S' AND n.nspname = 'public'"))
        conn.execute(text("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, :h)"),
                     {"h": GENESIS_HASH})


_sqlite_template: list = []


def _fresh_sqlite_file(path) -> None:
    """Copy of an empty schema that create_all() built once in this process: the same tables,
    triggers and search tables, without building them again for every test."""
    if not _sqlite_template:
        folder = tempfile.mkdtemp(prefix="yishi-schema-")
        template = os.path.join(folder, "schema.db")
        builder = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{template}"})
        with builder.app_context():
            db.create_all()
            db.session.remove()
            db.engine.dispose()  # the last connection checkpoints the WAL into the file
        _sqlite_template.append(template)
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_sqlite_template[0], path)


def make_app(backend: str, tmp_path, **overrides):
    url = PG_URL if backend == "postgresql" else f"sqlite:///{tmp_path / 'test.db'}"
    if backend == "sqlite":
        _fresh_sqlite_file(tmp_path / "test.db")
    config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
              "RATELIMIT_ENABLED": False, "UPLOAD_DIR": str(tmp_path / "uploads"),
              "SECRET_KEY": "test-" + secrets.token_hex(8)}
    config.update(overrides)
    application = create_app(config)

    def _fresh_g():
        # Test-client requests reuse the test's app context, so `g` (the logged-in user, the
        # role cache, the locale) would leak from one request to the next; a real request
        # always starts with a new one.
        g.__dict__.clear()

    application.before_request_funcs.setdefault(None, []).insert(0, _fresh_g)
    if backend == "postgresql":
        with application.app_context():
            _reset_postgres()
    return application


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def app_overrides() -> dict:
    """Override in a test module to change config (e.g. enable CSRF or rate limits)."""
    return {}


@pytest.fixture
def app(backend, tmp_path, app_overrides):
    application = make_app(backend, tmp_path, **app_overrides)
    ctx = application.app_context()
    ctx.push()
    yield application
    db.session.remove()
    ctx.pop()
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login_as(app, client):
    """login_as(user) logs the test client in through a real server-side session row."""
    from app.accounts.models import UserSession

    def _login(user, target=None):
        target = target or client
        token = secrets.token_urlsafe(32)
        db.session.add(UserSession(user_id=user.id, token_hash=_hash(token)))
        db.session.commit()
        with target.session_transaction() as sess:
            sess.clear()
            sess[SESSION_KEY] = token
            sess["_user_id"] = str(user.id)
            sess["_fresh"] = True
        return target

    return _login


@contextmanager
def count_queries():
    """Count SQL statements sent to the database inside the block: `with count_queries() as q:`
    then `q.count`. Use it to hold pages to a query budget."""

    class Counter:
        count = 0
        statements: list[str] = []

    counter = Counter()
    counter.statements = []

    def _before(conn, cursor, statement, parameters, context, executemany):
        if statement.strip().upper() in ("BEGIN", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"):
            return
        counter.count += 1
        counter.statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", _before)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", _before)


@pytest.fixture
def query_counter():
    return count_queries
