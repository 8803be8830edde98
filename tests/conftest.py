"""Fixtures: every test gets a clean database on SQLite, and on PostgreSQL too when
TEST_DATABASE_URL is set and the test is marked `both_databases` (see pytest_generate_tests)."""
import os
import secrets
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from app.accounts.session import SESSION_KEY, _hash
from app.extensions import db
from tests.app_pool import Postgres, build_app, pool
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
Postgres.url = PG_URL
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
# `make test-all` (TEST_ALL_DATABASES=1) runs every database test on PostgreSQL too.
ALL_DATABASES = os.environ.get("TEST_ALL_DATABASES", "") not in ("", "0")


def pytest_generate_tests(metafunc):
    """A test that uses the database runs on SQLite; on PostgreSQL too (when
    TEST_DATABASE_URL is set) if it is marked `both_databases`, or under `make test-all`."""
    if "backend" not in metafunc.fixturenames:
        return
    both = ALL_DATABASES or metafunc.definition.get_closest_marker("both_databases")
    metafunc.parametrize("backend", BACKENDS if both else ["sqlite"], indirect=True)


# Long tests first: both xdist workers share them from the start and then end together on
# short tests, instead of one finishing a long test alone. The crawl of every route takes the
# longest; then browser tests, and the modules that seed the whole demo or race threads.
BROWSER_FIXTURES = {"live_server", "browser", "context", "page", "nojs_page"}
SLOW_MODULES = {"test_demo.py", "test_concurrency.py", "test_plain_words.py", "test_labels.py",
                "test_tally.py", "test_todo.py", "test_migrations.py", "test_two_hosts.py"}


CRAWL = "test_no_route_answers_500_or_redirects_off_site"  # tests/security/test_crawl.py


def _rank(item) -> int:
    if item.originalname == CRAWL:
        return 0
    if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
        return 1
    return 2 if item.path.name in SLOW_MODULES else 3


def pytest_collection_modifyitems(items):
    items.sort(key=_rank)
    # xdist starts each worker with two tests (the first two, then the next two): the crawls
    # on SQLite and on PostgreSQL go one to each worker.
    if len(items) > 2 and _rank(items[1]) == 0:
        items[1], items[2] = items[2], items[1]


def pytest_configure(config):
    """xdist's load scheduler first hands each worker one consecutive block of a quarter of
    its share (about 300 tests): the first worker would get every long test sorted to the
    front and run them alone while the other ran the short ones. Handed out one at a time
    (each worker keeps two queued), both take long tests from the front and end together."""
    if hasattr(config.option, "maxschedchunk") and config.option.maxschedchunk is None:
        config.option.maxschedchunk = 1


def make_app(backend: str, tmp_path, **overrides):
    """A new app of its own (most tests share one through the `app` fixture)."""
    return build_app(backend, tmp_path, overrides)


@pytest.fixture
def backend(request) -> str:
    return request.param


@pytest.fixture
def app_overrides() -> dict:
    """Override in a test module to change config (e.g. enable CSRF or rate limits)."""
    return {}


@pytest.fixture
def app(backend, tmp_path, app_overrides):
    """This process's app for the database and overrides, reset for the test (tests/app_pool)."""
    application = pool.check_out(backend, app_overrides, tmp_path)
    ctx = application.app_context()
    ctx.push()
    yield application
    db.session.remove()
    ctx.pop()
    pool.check_in(backend, app_overrides)


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
