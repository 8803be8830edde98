"""What backup and restore need to know about the database behind DATABASE_URL: its kind, the
libpq address and password for pg_dump/pg_restore, the client tools' and server's major
versions, whether it is empty, row counts and the migration revision."""
import os
import re
import shutil
import subprocess  # noqa: S404  (runs pg_dump/pg_restore with argument lists, no shell)

from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from app.extensions import db
from app.operations.archive import KEY_TABLES, BackupError


def kind() -> str:
    """'postgresql' or 'sqlite'."""
    name = db.engine.dialect.name
    if name not in ("postgresql", "sqlite"):
        raise BackupError(f"backups support PostgreSQL and SQLite, not {name}")
    return name


def libpq_target() -> tuple[str, dict]:
    """(connection URL without the password, environment with PGPASSWORD) for the client
    tools: the password stays out of the process list."""
    url = make_url(db.engine.url.render_as_string(hide_password=False))
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    bare = url.set(drivername="postgresql", password=None)
    return bare.render_as_string(hide_password=False), env


def sqlite_path() -> str:
    path = db.engine.url.database
    if not path or path == ":memory:" or path.startswith("file::memory:"):
        raise BackupError("the SQLite database is in memory: there is no file to back up")
    return path


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found


def tool_major(name: str) -> int:
    output = subprocess.run([tool(name), "--version"], capture_output=True, text=True,  # noqa: S603
                            check=True).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    if match is None:
        raise BackupError(f"cannot read the version of {name} from {output!r}")
    return int(match.group(1))


def server_major() -> int:
    number = int(db.session.execute(text("SHOW server_version_num")).scalar_one())
    return number // 10000


def check_client_can_serve(name: str) -> tuple[int, int]:
    """pg_dump and pg_restore handle servers of their own major version and older only."""
    client, server = tool_major(name), server_major()
    if client < server:
        raise BackupError(
            f"{name} {client} cannot work with PostgreSQL server {server}: install the "
            f"client tools of version {server} or newer (Debian: postgresql-client-{server})")
    return client, server


def user_tables() -> list[str]:
    """Every table the database holds outside the system schemas."""
    if kind() == "sqlite":
        names = inspect(db.session.connection()).get_table_names()
        return [n for n in names if not n.startswith("sqlite_")]
    rows = db.session.execute(text(
        "SELECT table_schema || '.' || table_name FROM information_schema.tables "
        "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') "
        "AND table_schema NOT LIKE 'pg_toast%' AND table_schema NOT LIKE 'pg_temp%'"))
    return [r[0] for r in rows]


def row_counts() -> dict[str, int]:
    existing = set(inspect(db.session.connection()).get_table_names())
    return {table: int(db.session.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one())  # noqa: S608
            for table in KEY_TABLES if table in existing}


def alembic_revision() -> str | None:
    if "alembic_version" not in inspect(db.session.connection()).get_table_names():
        return None
    return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
