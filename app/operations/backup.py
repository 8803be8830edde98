"""`flask backup create`: one archive holding the database, the uploads and a manifest.

The manifest's row counts and audit heads are read in the very snapshot that is dumped
(PostgreSQL: pg_dump imports the snapshot of our open REPEATABLE READ transaction; SQLite: the
online backup copies through the connection holding the transaction), so a restore can demand
that they match exactly even when the site was busy while the backup ran."""
import io
import json
import os
import sqlite3
import subprocess  # noqa: S404  (pg_dump with an argument list, no shell)
import tarfile
import tempfile
from contextlib import contextmanager
from pathlib import Path

from flask import current_app
from sqlalchemy import text

from app.audit.heads import chain_heads
from app.core.db import read_transaction
from app.core.time import iso_utc, utcnow
from app.core.uploads import TEMP_PREFIX
from app.extensions import db
from app.operations import databases
from app.operations.archive import (
    FORMAT,
    MANIFEST,
    POSTGRES_MEMBER,
    SQLITE_MEMBER,
    UPLOADS_PREFIX,
    BackupError,
    HashingReader,
)


def _snapshot_facts() -> dict:
    return {"row_counts": databases.row_counts(), "audit_heads": chain_heads(),
            "alembic_revision": databases.alembic_revision()}


@contextmanager
def _dump_database(staging: Path):
    """Write the database into `staging`; yield (member name, facts of that same snapshot)."""
    if databases.kind() == "postgresql":
        client, server = databases.check_client_can_serve("pg_dump")
        db.session.close()
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        try:
            snapshot = db.session.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            facts = _snapshot_facts()
            target, env = databases.libpq_target()
            done = subprocess.run(  # noqa: S603
                [databases.tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}",
                 f"--file={staging}", f"--dbname={target}"],
                env=env, capture_output=True, text=True, check=False)
        finally:
            db.session.rollback()
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
        facts.update(kind="postgresql", server_major=server, pg_dump_major=client)
        yield POSTGRES_MEMBER, facts
        return
    source = databases.sqlite_path()
    # Deferred: the online backup refuses a source connection that holds the write lock.
    with read_transaction():
        facts = _snapshot_facts()  # the first read fixes the snapshot the copy is taken from
        raw = db.session.connection().connection.driver_connection
        copy = sqlite3.connect(staging)
        try:
            raw.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            copy.close()
    facts.update(kind="sqlite", source=os.path.basename(source))
    yield SQLITE_MEMBER, facts


def _tar_info(name: str, size: int, mtime: float) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(mtime), 0o600
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def _add_file(archive: tarfile.TarFile, name: str, path: Path) -> dict:
    with path.open("rb") as handle:
        stat = os.fstat(handle.fileno())
        reader = HashingReader(handle)
        archive.addfile(_tar_info(name, stat.st_size, stat.st_mtime), reader)
    if reader.size != stat.st_size:
        raise BackupError(f"{path} changed while it was being archived")
    return {"name": name, "size": reader.size, "sha256": reader.sha256.hexdigest()}


def _upload_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*")
                  if p.is_file() and not p.is_symlink() and not p.name.startswith(TEMP_PREFIX))


def _final_name(out: Path, stamp: str, suffix: str) -> Path:
    for n in range(1, 100):
        candidate = out / f"yishi-backup-{stamp}{'' if n == 1 else f'-{n}'}{suffix}"
        if not candidate.exists():
            return candidate
    raise BackupError(f"too many backups named {stamp} in {out}")


def _publish(part: Path, out: Path, stamp: str, suffix: str) -> Path:
    """Give the finished archive its name without ever overwriting one (link, then unlink)."""
    while True:
        final = _final_name(out, stamp, suffix)
        try:
            os.link(part, final)
        except FileExistsError:
            continue  # another backup took the name meanwhile
        part.unlink()
        directory = os.open(out, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        return final


def create_backup(out_dir: str | os.PathLike, *, gzip: bool = False) -> Path:
    """Write one archive into `out_dir` (made if missing, mode 0700) and return its path. It
    appears under its final name only once complete (written to a temporary file, flushed to
    disk, then linked into place), readable by its owner only (0600)."""
    out = Path(out_dir)
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    now = utcnow()
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    suffix = ".tar.gz" if gzip else ".tar"
    uploads = Path(current_app.config["UPLOAD_DIR"])
    fd, part_name = tempfile.mkstemp(prefix=".yishi-backup-", suffix=".part", dir=out)
    part = Path(part_name)
    staging = Path(tempfile.mkstemp(prefix=".yishi-db-", suffix=".part", dir=out)[1])
    try:
        with os.fdopen(fd, "wb") as raw, \
                tarfile.open(fileobj=raw, mode="w:gz" if gzip else "w") as archive:
            with _dump_database(staging) as (member, facts):
                files = [_add_file(archive, member, staging)]
            staging.unlink()
            for path in _upload_files(uploads):
                name = UPLOADS_PREFIX + path.relative_to(uploads).as_posix()
                try:
                    files.append(_add_file(archive, name, path))
                except FileNotFoundError:
                    continue  # removed as an orphan meanwhile: no row names it
            manifest = {
                "format": FORMAT, "app": "yishi", "created_at": iso_utc(now),
                "database": {k: v for k, v in facts.items()
                             if k not in ("row_counts", "audit_heads")},
                "row_counts": facts["row_counts"], "audit_heads": facts["audit_heads"],
                "upload_count": len(files) - 1, "files": files,
            }
            body = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
            archive.addfile(_tar_info(MANIFEST, len(body), now.timestamp()),
                            io.BytesIO(body))
            archive.close()
            raw.flush()
            os.fsync(raw.fileno())
        os.chmod(part, 0o600)
        return _publish(part, out, stamp, suffix)
    finally:
        for leftover in (part, staging):
            leftover.unlink(missing_ok=True)
