"""`flask db upgrade` on an empty database gives exactly the models' schema.

A model changed without a migration makes this fail: run `flask --app wsgi db migrate -m ...`,
review the generated file, and commit it with the model change."""
import logging
import uuid
from contextlib import contextmanager

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from app.issues.search_index import include_name
from tests.conftest import BACKENDS, PG_URL


@contextmanager
def _logging_kept():
    """Alembic's env.py calls logging.config.fileConfig, which disables every logger that
    exists already; put them back so later tests still see the app's log records."""
    loggers = {name: (lg.disabled, lg.level) for name, lg in
               logging.root.manager.loggerDict.items() if isinstance(lg, logging.Logger)}
    root_level, root_handlers = logging.root.level, list(logging.root.handlers)
    try:
        yield
    finally:
        for name, (disabled, level) in loggers.items():
            logging.getLogger(name).disabled = disabled
            logging.getLogger(name).setLevel(level)
        logging.root.setLevel(root_level)
        logging.root.handlers[:] = root_handlers


@contextmanager
def _empty_postgres():
    """A brand-new database next to the test one, dropped afterwards."""
    url = make_url(PG_URL)
    name = f"{url.database}_mig_{uuid.uuid4().hex[:8]}"
    admin = url.set(drivername="postgresql", database=url.database).render_as_string(
        hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def migrated_app(request, tmp_path):
    """An app whose database was built by the migrations only, never by create_all()."""
    if request.param == "sqlite":
        holder = _sqlite_url(tmp_path)
    else:
        holder = _empty_postgres()
    with holder as url:
        application = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
        with application.app_context(), _logging_kept():
            upgrade()
        with application.app_context():
            yield application
            db.session.remove()
            db.engine.dispose()


@contextmanager
def _sqlite_url(tmp_path):
    path = tmp_path / "migrated.db"
    assert not path.exists()
    yield f"sqlite:///{path}"


def _describe(diff) -> str:
    if isinstance(diff, list):  # column modifications come grouped
        return "; ".join(_describe(d) for d in diff)
    op, *rest = diff
    names = []
    for item in rest:
        name = getattr(item, "name", None)
        if name is None and isinstance(item, str):
            name = item
        if name:
            names.append(str(name))
    return f"{op} {' '.join(names)}".strip()


def test_upgrade_gives_exactly_the_models_schema(migrated_app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "render_as_batch": True,
                        "include_name": include_name})
        diffs = compare_metadata(context, db.metadata)
    assert diffs == [], (
        "the migrations don't build the models' schema; generate a migration with "
        "`flask --app wsgi db migrate`:\n  " + "\n  ".join(_describe(d) for d in diffs))


def _raw_ddl_objects(conn) -> set[tuple[str, str, str]]:
    """Triggers, trigger functions, virtual tables and indexes outside the models' metadata:
    what the after_create listeners make, which autogenerate can't compare."""
    if conn.dialect.name == "sqlite":
        rows = conn.execute(text(
            "SELECT type, name, tbl_name FROM sqlite_master WHERE type = 'trigger' "
            "OR (type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%')"))
    else:
        rows = conn.execute(text(
            "SELECT 'trigger', tgname, tgrelid::regclass::text FROM pg_trigger "
            "WHERE NOT tgisinternal UNION ALL "
            "SELECT 'function', proname, '' FROM pg_proc "
            "WHERE pronamespace = 'public'::regnamespace AND prorettype = 'trigger'::regtype "
            "UNION ALL SELECT 'index', indexname, tablename FROM pg_indexes "
            "WHERE schemaname = 'public' AND indexdef LIKE '%gin_trgm_ops%'"))
    return {tuple(r) for r in rows}


def test_upgrade_makes_the_same_triggers_and_search_indexes_as_the_models(migrated_app,
                                                                         tmp_path):
    with db.engine.connect() as conn:
        migrated = _raw_ddl_objects(conn)
        backend = conn.dialect.name
    holder = _sqlite_url(tmp_path / "models") if backend == "sqlite" else _empty_postgres()
    (tmp_path / "models").mkdir()
    with holder as url:
        fresh = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
        with fresh.app_context():
            db.create_all()
            with db.engine.connect() as conn:
                from_models = _raw_ddl_objects(conn)
            db.session.remove()
            db.engine.dispose()
    assert len(from_models) >= 10, from_models
    assert migrated == from_models


def test_upgrade_installs_audit_triggers_and_head(migrated_app):
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            triggers = set(conn.execute(text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'audit_entries'")).scalars())
            assert {"audit_entries_no_update", "audit_entries_no_delete"} <= triggers
        else:
            rows = conn.execute(text(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
                "AND tgrelid = 'audit_entries'::regclass")).scalars()
            assert {"audit_entries_no_update", "audit_entries_no_truncate"} <= set(rows)
        # No entry yet: no chain yet (each is made by its first entry), nothing anchored.
        assert conn.execute(text("SELECT count(*) FROM audit_chains")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM audit_anchors")).scalar() == 0


def test_migrated_audit_log_refuses_edits(migrated_app):
    from app.audit.services import record
    from app.audit.verification import verify

    record(None, None, "system.migrated", None, {"ok": True})
    db.session.commit()
    with pytest.raises(Exception, match="append-only"), db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET action = 'x'"))
    with pytest.raises(Exception, match="append-only"), db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries"))
    assert verify().ok
