"""One app per test process for each database and set of config overrides, reset between
tests instead of built again (create_app costs about 0.16 s; the suite asks for an app about
a thousand times).

Between tests the pool puts back what a test may have changed: the database (SQLite: a copy
of the empty schema over the file; PostgreSQL: DELETE of every row), `app.config` (a snapshot
taken when the app was built, then a new UPLOAD_DIR and SECRET_KEY for the test), the
limiter's state and its in-memory counters. A test that changes the app itself (adds a route,
a request hook, an error handler, a blueprint, a Jinja global) may do so: the app is thrown
away after that test and the next one gets a new app."""
import atexit
import copy
import os
import secrets
import shutil
import tempfile
from pathlib import Path

from flask import Flask, g
from sqlalchemy import text

from app import create_app
from app.extensions import db, limiter

# Every file this test process makes outside tmp_path (schema, pooled apps' databases, seeded
# copies) lives here and goes when the process ends.
WORK_DIR = Path(tempfile.mkdtemp(prefix="yishi-tests-"))
atexit.register(shutil.rmtree, WORK_DIR, ignore_errors=True)


class Postgres:
    """The PostgreSQL test database: the schema is built once per process, then emptied."""

    url: str | None = None
    schema_ready = False

    @classmethod
    def reset(cls) -> None:
        if not cls.schema_ready:
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            db.create_all()
            cls.schema_ready = True
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


class SqliteSchema:
    """An empty schema that create_all() built once in this process: the same tables, triggers
    and search tables, copied for each test without building them again."""

    _template: str | None = None

    @classmethod
    def template(cls) -> str:
        if cls._template is None:
            folder = tempfile.mkdtemp(prefix="schema-", dir=WORK_DIR)
            template = os.path.join(folder, "schema.db")
            builder = create_app({"TESTING": True,
                                  "SQLALCHEMY_DATABASE_URI": f"sqlite:///{template}"})
            with builder.app_context():
                db.create_all()
                db.session.remove()
                db.engine.dispose()  # the last connection checkpoints the WAL into the file
            cls._template = template
        return cls._template

    @classmethod
    def copy_to(cls, path: Path) -> None:
        replace_file(Path(cls.template()), path)


def replace_file(source: Path, path: Path) -> None:
    """Put a copy of the SQLite file `source` at `path`: a new inode, so that a connection some
    test leaked never writes into it, and without the old write-ahead log beside it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = path.with_suffix(".new")
    shutil.copyfile(source, fresh)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.replace(fresh, path)


def _fresh_g():
    # Test-client requests reuse the test's app context, so `g` (the logged-in user, the role
    # cache, the locale) would leak from one request to the next; a real request always
    # starts with a new one.
    g.__dict__.clear()


def testing_config(backend: str, folder: Path, overrides: dict) -> dict:
    url = Postgres.url if backend == "postgresql" else f"sqlite:///{folder / 'test.db'}"
    config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
              "RATELIMIT_ENABLED": False, "UPLOAD_DIR": str(folder / "uploads"),
              "SECRET_KEY": "test-" + secrets.token_hex(8)}
    config.update(overrides)
    return config


def build_app(backend: str, folder: Path, overrides: dict) -> Flask:
    """A new app on a fresh database in `folder` (SQLite) or the emptied PostgreSQL one."""
    if backend == "sqlite":
        SqliteSchema.copy_to(folder / "test.db")
    application = create_app(testing_config(backend, folder, overrides))
    application.before_request_funcs.setdefault(None, []).insert(0, _fresh_g)
    if backend == "postgresql":
        with application.app_context():
            Postgres.reset()
    return application


def _setup_state(app: Flask) -> tuple:
    """What a test could add to the app: equal before and after means the app is unchanged."""
    def lists(mapping):
        return {key: list(value) for key, value in mapping.items() if value}

    # Flask's handler lookups add empty entries to these defaultdicts: compare handlers only.
    handlers = {(scope, code, error): handler
                for scope, by_code in app.error_handler_spec.items()
                for code, by_class in by_code.items() for error, handler in by_class.items()}

    return (dict(app.view_functions), len(app.url_map._rules),
            lists(app.before_request_funcs), lists(app.after_request_funcs),
            lists(app.teardown_request_funcs), list(app.teardown_appcontext_funcs),
            lists(app.template_context_processors), lists(app.url_value_preprocessors),
            lists(app.url_default_functions), handlers,
            dict(app.blueprints), dict(app.extensions), dict(app.jinja_env.globals),
            dict(app.jinja_env.filters), dict(app.jinja_env.tests), app.wsgi_app)


class PooledApp:
    def __init__(self, backend: str, overrides: dict):
        self.backend = backend
        self.folder = Path(tempfile.mkdtemp(prefix="app-", dir=WORK_DIR))
        self.app = build_app(backend, self.folder, overrides)
        self.config = dict(self.app.config)
        self.limiter_state = dict(limiter.__dict__)
        self.state = _setup_state(self.app)
        self.fresh = True

    def prepare(self, tmp_path: Path) -> Flask:
        """Make the app as it was built, with an empty database, for the next test."""
        app = self.app
        app.config.clear()
        app.config.update(copy.deepcopy(self.config))  # nested values too (engine options)
        app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
        app.config["SECRET_KEY"] = "test-" + secrets.token_hex(8)
        # Flask refuses new routes and hooks once an app has served a request; each test may
        # add its own, as on a new app (the app is then replaced, see check_in).
        app._got_first_request = False
        limiter.__dict__.update(self.limiter_state)
        if limiter.enabled and str(app.config.get("RATELIMIT_STORAGE_URI")).startswith("memory"):
            limiter.storage.reset()
        if self.fresh:
            self.fresh = False  # build_app emptied the database already
        elif self.backend == "sqlite":
            with app.app_context():
                db.engine.dispose()
            SqliteSchema.copy_to(self.folder / "test.db")
        else:
            with app.app_context():
                Postgres.reset()
        return app

    def unchanged(self) -> bool:
        return _setup_state(self.app) == self.state

    def close(self) -> None:
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()
        shutil.rmtree(self.folder, ignore_errors=True)


class AppPool:
    """Apps by (database, overrides); one test at a time uses each."""

    def __init__(self):
        self._apps: dict[tuple, PooledApp] = {}

    @staticmethod
    def _key(backend: str, overrides: dict) -> tuple:
        return backend, repr(sorted(overrides.items()))

    def check_out(self, backend: str, overrides: dict, tmp_path: Path) -> Flask:
        key = self._key(backend, overrides)
        pooled = self._apps.get(key)
        if pooled is None:
            pooled = self._apps[key] = PooledApp(backend, overrides)
        return pooled.prepare(tmp_path)

    def check_in(self, backend: str, overrides: dict) -> None:
        key = self._key(backend, overrides)
        pooled = self._apps[key]
        if not pooled.unchanged():
            del self._apps[key]
            pooled.close()
        elif backend == "postgresql" and overrides:
            # Few tests use each of these; their pooled connections would stay open on a
            # server that other test processes share.
            with pooled.app.app_context():
                db.engine.dispose()

    def holds(self, app: Flask) -> bool:
        return any(pooled.app is app for pooled in self._apps.values())


pool = AppPool()
