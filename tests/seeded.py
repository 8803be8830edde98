"""Seeded demo databases: seeded once per test process, then copied for each test that asks
(seeding the whole demo takes seconds; copying takes milliseconds).

SQLite: a copy of the database file. PostgreSQL: the seeded rows kept in a schema of their own
beside `public` (one per name), put back by INSERT ... SELECT with the sequences where the seed
left them. Either way the uploaded files and the SECRET_KEY go with the copy."""
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import text

from app.extensions import db
from tests.app_pool import WORK_DIR, replace_file


@dataclass
class _Copy:
    folder: Path
    secret_key: str


_copies: dict[tuple[str, str], _Copy] = {}


def seeded(name: str, seed: Callable[[], None]) -> None:
    """In the app's context, on the test's empty database: the first call with `name` in this
    process (for this database) runs `seed` (which commits) and keeps a copy of the database
    and the uploaded files; later calls put that copy in place instead."""
    app = current_app._get_current_object()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    backend = "sqlite" if url.startswith("sqlite:///") else "postgresql"
    uploads = Path(app.config["UPLOAD_DIR"])
    copy = _copies.get((name, backend))
    if copy is None:
        seed()
        db.session.remove()
        folder = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=WORK_DIR))
        if backend == "sqlite":
            db.engine.dispose()  # the last connection checkpoints the WAL into the file
            shutil.copyfile(url[len("sqlite:///"):], folder / "database")
        else:
            _PostgresSnapshot(name).take()
        if uploads.exists():
            shutil.copytree(uploads, folder / "uploads")
        # Whatever the seed derived from the key (signed codes) stays valid in the copies.
        _copies[(name, backend)] = _Copy(folder, app.config["SECRET_KEY"])
        return
    db.session.remove()
    if backend == "sqlite":
        db.engine.dispose()
        replace_file(copy.folder / "database", Path(url[len("sqlite:///"):]))
    else:
        _PostgresSnapshot(name).put_back()
    if (copy.folder / "uploads").exists():
        shutil.copytree(copy.folder / "uploads", uploads, dirs_exist_ok=True)
    app.config["SECRET_KEY"] = copy.secret_key


def seed_demo_once() -> None:
    """`flask seed-demo` on the test's empty database, run once per process and database and
    copied after that, for tests that read the demo (tests of seeding itself run it)."""
    app = current_app._get_current_object()

    def seed():
        result = app.test_cli_runner().invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output

    seeded("seed-demo", seed)


class _PostgresSnapshot:
    """The rows of every table of `public`, kept in the schema `seeded_<name>`."""

    def __init__(self, name: str):
        self.schema = "seeded_" + re.sub(r"\W", "_", name).lower()
        self.tables = [table.name for table in db.metadata.sorted_tables]

    def take(self) -> None:
        with db.engine.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')
            conn.exec_driver_sql(f'CREATE SCHEMA "{self.schema}"')
            conn.exec_driver_sql("; ".join(
                f'CREATE TABLE "{self.schema}"."{name}" AS TABLE public."{name}"'
                for name in self.tables))
            conn.exec_driver_sql(
                f'CREATE TABLE "{self.schema}".sequences AS SELECT c.relname AS name, '
                "s.last_value, s.last_value IS NOT NULL AS is_called "
                "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "JOIN pg_sequences s ON s.schemaname = n.nspname AND s.sequencename = c.relname "
                "WHERE c.relkind = 'S' AND n.nspname = 'public'")

    def put_back(self) -> None:
        with db.engine.begin() as conn:
            # As in tests/app_pool.Postgres.reset: the rows go back as they were, without the
            # foreign-key and append-only triggers.
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            conn.exec_driver_sql("; ".join(
                f'DELETE FROM public."{name}"; INSERT INTO public."{name}" '
                f'SELECT * FROM "{self.schema}"."{name}"' for name in self.tables))
            conn.exec_driver_sql(
                "SELECT setval(('public.' || quote_ident(name))::regclass, "
                f'coalesce(last_value, 1), is_called) FROM "{self.schema}".sequences')
