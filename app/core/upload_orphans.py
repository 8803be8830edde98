"""Files under UPLOAD_DIR that no row names: left by a request that stored a file and then
failed to commit, or by a write that crashed half-way. Removed after a grace period, so that
a file stored by a request still in flight is never taken from under it."""
import os
import time
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.core.uploads import TEMP_PREFIX
from app.extensions import db


def upload_columns() -> list:
    """Every column marked with info=UPLOAD_PATH, in every table of the app."""
    return [column for table in db.metadata.sorted_tables for column in table.columns
            if column.info.get("upload_path")]


def referenced_paths() -> set[str]:
    paths: set[str] = set()
    for column in upload_columns():
        paths.update(db.session.scalars(select(column).where(column.is_not(None)).distinct()))
    return paths


def _files(root: Path):
    for directory, _dirs, names in os.walk(root):
        for name in names:
            yield Path(directory) / name


def clean_orphans(grace_seconds: float, *, dry_run: bool = False,
                  now: float | None = None) -> list[str]:
    """Remove every file under UPLOAD_DIR that no marked column names and that was last
    written (or stored again) more than `grace_seconds` ago; return their relative paths.
    The files are listed before the references are read, so a row committed meanwhile keeps
    its file; the age is read again just before removing, since store() refreshes it when
    the same bytes come back."""
    root = Path(current_app.config["UPLOAD_DIR"])
    if not root.is_dir():
        return []
    cutoff = (now if now is not None else time.time()) - grace_seconds
    candidates = [p for p in _files(root) if p.stat().st_mtime < cutoff]
    referenced = referenced_paths()
    removed = []
    for path in sorted(candidates):
        relative = path.relative_to(root).as_posix()
        if relative in referenced and not path.name.startswith(TEMP_PREFIX):
            continue
        try:
            if path.stat().st_mtime >= cutoff:
                continue
            if not dry_run:
                path.unlink()
        except FileNotFoundError:
            continue  # removed by someone else meanwhile
        removed.append(relative)
    return removed
