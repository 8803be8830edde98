"""`flask backup restore ARCHIVE`: into an empty database and an empty upload folder only.

Order: the archive is checked against its manifest (every member's SHA-256) before anything
is written; a database with any table or an upload folder with any file is refused (there is
no --force: restoring over live data would mix two histories, and dropping them is a decision
for a person with psql, not for a flag); then the database is restored (PostgreSQL: pg_restore
in a single transaction; SQLite: the online backup API into the file), the uploads copied, and
the result checked: the audit chain is verified, its heads and the key tables' row counts must
equal the manifest's. Every mismatch is named."""
import os
import shutil
import sqlite3
import subprocess  # noqa: S404  (pg_restore with an argument list, no shell)
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

from app.audit.heads import chain_heads
from app.audit.verification import verify
from app.extensions import db
from app.operations import databases
from app.operations.archive import (
    CHUNK,
    POSTGRES_MEMBER,
    SQLITE_MEMBER,
    UPLOADS_PREFIX,
    BackupError,
    check_digests,
)


@dataclass
class RestoreReport:
    manifest: dict
    entries: int = 0
    uploads: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _refuse_unless_empty(upload_dir: Path) -> None:
    tables = databases.user_tables()
    db.session.rollback()
    if tables:
        shown = ", ".join(sorted(tables)[:5]) + (" ..." if len(tables) > 5 else "")
        raise BackupError(f"the database is not empty ({len(tables)} tables: {shown}); "
                          "restore only into a new, empty database")
    if upload_dir.exists() and any(upload_dir.iterdir()):
        raise BackupError(f"the upload folder {upload_dir} is not empty; "
                          "restore only into a new, empty folder")


def _extract(archive: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> None:
    """Copy one member to `target` through a temporary file beside it, then rename."""
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=".restore-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(archive.extractfile(member), out, CHUNK)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _restore_postgres(archive, members, manifest: dict, work: Path) -> None:
    made_by = int(manifest["database"].get("pg_dump_major") or 0)
    reader = databases.tool_major("pg_restore")
    if reader < made_by:
        raise BackupError(f"the dump was made by pg_dump {made_by}; pg_restore {reader} "
                          f"cannot read it (install postgresql-client-{made_by} or newer)")
    databases.check_client_can_serve("pg_restore")
    db.session.rollback()
    dump = work / POSTGRES_MEMBER
    _extract(archive, members[POSTGRES_MEMBER], dump)
    target, env = databases.libpq_target()
    done = subprocess.run(  # noqa: S603
        [databases.tool("pg_restore"), "--exit-on-error", "--single-transaction", "--no-owner",
         "--no-privileges", f"--dbname={target}", str(dump)],
        env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed, nothing was restored: {done.stderr.strip()}")


def _restore_sqlite(archive, members, work: Path) -> None:
    target = databases.sqlite_path()
    db.session.close()
    db.engine.dispose()  # no pooled connection holds the empty file open while it is filled
    copy = work / SQLITE_MEMBER
    _extract(archive, members[SQLITE_MEMBER], copy)
    source, destination = sqlite3.connect(copy), sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        source.close()
        destination.close()


def _copy_uploads(archive, members, upload_dir: Path) -> int:
    count = 0
    for name, member in sorted(members.items()):
        if name.startswith(UPLOADS_PREFIX):
            _extract(archive, member, upload_dir / name[len(UPLOADS_PREFIX):])
            count += 1
    return count


def _compare(report: RestoreReport) -> None:
    manifest = report.manifest
    result = verify()
    report.entries = result.count
    report.problems += [f"audit verification: {p}" for p in result.problems]
    heads = chain_heads()
    for chain in sorted(set(heads) | set(manifest.get("audit_heads", {}))):
        want, got = manifest.get("audit_heads", {}).get(chain), heads.get(chain)
        if want != got:
            report.problems.append(f"audit head of chain {chain!r}: restored {got}, "
                                   f"manifest {want}")
    counts = databases.row_counts()
    for table, want in sorted(manifest.get("row_counts", {}).items()):
        if counts.get(table) != want:
            report.problems.append(f"rows in {table}: restored {counts.get(table)}, "
                                   f"manifest {want}")
    db.session.rollback()


def restore_backup(archive_path: str | os.PathLike) -> RestoreReport:
    """Restore the archive into this app's (empty) database and upload folder and check the
    result. Raises BackupError, having written nothing, when the archive does not match its
    manifest, is of another database kind, or the targets are not empty; returns a report
    whose `problems` name every difference found after restoring."""
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    try:
        archive = tarfile.open(archive_path, "r:*")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"cannot read {archive_path}: {exc}") from None
    with archive:
        checked = check_digests(archive)
        manifest, members = checked.manifest, checked.members
        made_on, here = manifest.get("database", {}).get("kind"), databases.kind()
        if made_on != here:
            raise BackupError(f"the archive holds a {made_on} database; this site uses {here}")
        member = POSTGRES_MEMBER if here == "postgresql" else SQLITE_MEMBER
        if member not in members:
            raise BackupError(f"the archive has no {member}")
        _refuse_unless_empty(upload_dir)
        with tempfile.TemporaryDirectory(prefix="yishi-restore-") as work:
            if here == "postgresql":
                _restore_postgres(archive, members, manifest, Path(work))
            else:
                _restore_sqlite(archive, members, Path(work))
        upload_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        report = RestoreReport(manifest, uploads=_copy_uploads(archive, members, upload_dir))
    _compare(report)
    return report
