"""Seeded demo databases: seeded once per test process, then copied for each test that asks
(seeding the whole demo takes seconds; copying the file takes milliseconds)."""
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from app.extensions import db
from tests.app_pool import WORK_DIR, replace_file


@dataclass
class _Copy:
    folder: Path
    secret_key: str


_copies: dict[str, _Copy] = {}


def seeded(name: str, seed: Callable[[], None]) -> None:
    """In the app's context, on the test's empty database: the first call with `name` in this
    process runs `seed` (which commits) and keeps a copy of the database and the uploaded
    files; later calls put that copy in place instead. On PostgreSQL `seed` always runs."""
    app = current_app._get_current_object()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("sqlite:///"):
        seed()
        return
    database, uploads = Path(url[len("sqlite:///"):]), Path(app.config["UPLOAD_DIR"])
    copy = _copies.get(name)
    if copy is None:
        seed()
        db.session.remove()
        db.engine.dispose()  # the last connection checkpoints the WAL into the file
        folder = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=WORK_DIR))
        shutil.copyfile(database, folder / "database")
        if uploads.exists():
            shutil.copytree(uploads, folder / "uploads")
        # Whatever the seed derived from the key (signed codes) stays valid in the copies.
        _copies[name] = _Copy(folder, app.config["SECRET_KEY"])
        return
    db.session.remove()
    db.engine.dispose()
    replace_file(copy.folder / "database", database)
    if (copy.folder / "uploads").exists():
        shutil.copytree(copy.folder / "uploads", uploads, dirs_exist_ok=True)
    app.config["SECRET_KEY"] = copy.secret_key
