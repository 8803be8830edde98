"""`flask uploads clean-orphans`: stored files that no row names are removed once they are
older than the grace period; files rows name, and young files, stay. Every column that holds
an upload path is marked, or the cleaner would take its files."""
import io
import os
import time
from pathlib import Path

from sqlalchemy import select

from app.core.upload_orphans import clean_orphans, upload_columns
from app.core.uploads import absolute_path, store
from app.extensions import db
from app.issues.models import IssuePhoto
from tests.issues.helpers import IssueWorld, jpeg_bytes

DAY = 24 * 3600


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def _files(app) -> set[str]:
    root = Path(app.config["UPLOAD_DIR"])
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_every_path_column_is_marked_as_an_upload(app):
    marked = {f"{c.table.name}.{c.name}" for c in upload_columns()}
    path_columns = {f"{t.name}.{c.name}" for t in db.metadata.sorted_tables for c in t.columns
                    if c.name == "path" or c.name.endswith("_path")}
    assert path_columns == marked
    assert {"issue_photos.path", "issue_photos.thumb_path", "ballots.scan_path",
            "proxy_authorisations.document_path",
            "proposal_attachments.stored_path"} <= marked


def test_clean_orphans_removes_only_old_unreferenced_files(app, client, login_as):
    w = IssueWorld()
    login_as(w.owners[0])
    assert client.post(f"/c/{w.compound.id}/issues/new", content_type="multipart/form-data",
                       data={"title": "路灯", "category": "公共设施", "show_as": "name",
                             "photos": [(io.BytesIO(jpeg_bytes()), "a.jpg")]}).status_code == 302
    photo = db.session.scalar(select(IssuePhoto))
    kept = {photo.path, photo.thumb_path}
    old_orphan, _ = store(b"%PDF-1.4 left by a failed commit", "pdf")
    young_orphan, _ = store(b"%PDF-1.4 a request still in flight", "pdf")
    crashed = absolute_path(old_orphan).parent / ".upload-abc123"
    crashed.write_bytes(b"half a file")
    for relative in kept | {old_orphan}:
        _age(absolute_path(relative), 2 * DAY)
    _age(crashed, 2 * DAY)
    before = _files(app)

    runner = app.test_cli_runner()
    dry = runner.invoke(args=["uploads", "clean-orphans", "--dry-run"])
    assert dry.exit_code == 0 and "would remove 2 " in dry.output
    assert _files(app) == before

    result = runner.invoke(args=["uploads", "clean-orphans"])
    assert result.exit_code == 0, result.output
    assert f"removed {old_orphan}" in result.output
    assert _files(app) == kept | {young_orphan}
    assert client.get(f"/c/{w.compound.id}/issues/{photo.issue_id}/photos/{photo.id}"
                      ).status_code == 200


def test_storing_the_same_bytes_again_restarts_the_grace_period(app):
    relative, _ = store(b"%PDF-1.4 same", "pdf")
    _age(absolute_path(relative), 2 * DAY)
    store(b"%PDF-1.4 same", "pdf")  # a new row is about to name it
    assert clean_orphans(DAY) == []
    assert clean_orphans(DAY, now=time.time() + 2 * DAY) == [relative]
