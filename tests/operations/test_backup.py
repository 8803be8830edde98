"""flask backup create → restore into an empty database and folder → the audit chain verifies
and its heads match the manifest, on SQLite and on PostgreSQL (scratch databases made and
dropped here). A damaged archive and a non-empty target are refused before anything is written."""
import io
import json
import os
import stat
import tarfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app import create_app
from app.accounts.services import change_display_name
from app.audit.heads import chain_heads
from app.core.uploads import store
from app.extensions import db
from app.operations import databases
from app.operations.archive import MANIFEST, BackupError
from app.operations.backup import create_backup
from app.operations.restore import restore_backup
from tests.factories import grant, make_compound, make_resident, make_unit, make_user

PHOTO = b"\x89PNG\r\n\x1a\n" + b"backup test bytes" * 20


def _seed() -> str:
    compound = make_compound()
    owner = make_user()
    make_resident(owner, make_unit(compound))
    grant(make_user(), compound, "party_cell")
    change_display_name(owner, "备份测试")
    relative, _ = store(PHOTO, "png")
    db.session.commit()
    return relative


@contextmanager
def _scratch_database(app, tmp_path, backend):
    """An empty database beside the test's own, and an app bound to it with an empty upload
    folder; dropped afterwards (PostgreSQL) or left in tmp_path (SQLite)."""
    uploads = tmp_path / "restored-uploads"
    if backend == "sqlite":
        url, drop = f"sqlite:///{tmp_path / 'restored.db'}", None
    else:
        import psycopg

        given = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
        name = f"{given.database}_restore"
        admin = given.set(drivername="postgresql").render_as_string(hide_password=False)

        def drop():
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        drop()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = given.set(database=name).render_as_string(hide_password=False)
    target = create_app({"TESTING": True, "SECRET_KEY": app.config["SECRET_KEY"],
                         "SQLALCHEMY_DATABASE_URI": url, "UPLOAD_DIR": str(uploads)})
    try:
        with target.app_context():
            yield target
            db.session.remove()
            db.engine.dispose()
    finally:
        if drop:
            drop()


@pytest.mark.both_databases
def test_create_then_restore_into_empty_database_verifies_and_heads_match(app, tmp_path,
                                                                           backend):
    relative = _seed()
    heads = chain_heads()
    assert sum(h["seq"] for name, h in heads.items() if name != "anchors") >= 3
    db.session.rollback()
    created = app.test_cli_runner().invoke(args=["backup", "create", "--out",
                                                 str(tmp_path / "out")])
    assert created.exit_code == 0, created.output
    archive = next((tmp_path / "out").glob("yishi-backup-*.tar"))
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert not list((tmp_path / "out").glob(".*"))  # no temporary file left behind
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile(MANIFEST))
    assert manifest["audit_heads"] == heads
    assert manifest["database"]["kind"] == backend
    assert manifest["row_counts"]["residencies"] == 1
    assert f"uploads/{relative}" in {f["name"] for f in manifest["files"]}

    with _scratch_database(app, tmp_path, backend) as target:
        restored = target.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
        assert restored.exit_code == 0, restored.output
        assert "OK: the audit chain verifies" in restored.output
        assert chain_heads() == heads
        assert db.session.execute(text("SELECT count(*) FROM audit_entries")).scalar() == \
            sum(h["seq"] for name, h in heads.items() if name != "anchors")
        assert (Path(target.config["UPLOAD_DIR"]) / relative).read_bytes() == PHOTO

        again = target.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
        assert again.exit_code != 0
        assert "the database is not empty" in again.output


@pytest.mark.both_databases
def test_restore_into_a_non_empty_database_is_refused(app, tmp_path, backend):
    _seed()
    archive = create_backup(tmp_path / "out")
    count = db.session.execute(text("SELECT count(*) FROM audit_entries")).scalar()
    with pytest.raises(BackupError, match="the database is not empty"):
        restore_backup(archive)  # into the very database it came from
    assert db.session.execute(text("SELECT count(*) FROM audit_entries")).scalar() == count


def _rewrite(archive: Path, change) -> Path:
    """A copy of the archive with each member's bytes passed through change(name, data)."""
    copy = archive.with_name("changed.tar")
    with tarfile.open(archive) as source, tarfile.open(copy, "w") as out:
        for member in source.getmembers():
            data = change(member.name, source.extractfile(member).read())
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    return copy


def test_a_tampered_member_is_refused_before_anything_is_written(app, tmp_path):
    relative = _seed()
    archive = create_backup(tmp_path / "out")
    tampered = _rewrite(archive, lambda name, data:
                        data.replace(b"backup test", b"BACKUP TEST") if name.endswith(".png")
                        else data)
    with _scratch_database(app, tmp_path, "sqlite") as target:
        with pytest.raises(BackupError, match=f"uploads/{relative}: SHA-256 or size differs"):
            restore_backup(tampered)
        assert databases.user_tables() == []
        assert not Path(target.config["UPLOAD_DIR"]).exists()


def test_a_non_empty_upload_folder_is_refused(app, tmp_path):
    _seed()
    archive = create_backup(tmp_path / "out")
    with _scratch_database(app, tmp_path, "sqlite") as target:
        folder = Path(target.config["UPLOAD_DIR"])
        folder.mkdir()
        (folder / "left-over.pdf").write_bytes(b"%PDF-1.4")
        with pytest.raises(BackupError, match="upload folder .* is not empty"):
            restore_backup(archive)
        assert databases.user_tables() == []


def test_heads_that_differ_from_the_manifest_are_named_and_exit_non_zero(app, tmp_path):
    _seed()
    archive = create_backup(tmp_path / "out")

    def other_head(name, data):
        if name != MANIFEST:
            return data
        manifest = json.loads(data)
        manifest["audit_heads"]["site"]["seq"] += 1
        return json.dumps(manifest).encode()

    with _scratch_database(app, tmp_path, "sqlite") as target:
        result = target.test_cli_runner().invoke(
            args=["backup", "restore", str(_rewrite(archive, other_head))])
        assert result.exit_code == 1
        assert "MISMATCH: audit head of chain 'site'" in result.output


def test_a_pg_dump_older_than_the_server_is_refused_with_the_version_to_install(monkeypatch):
    monkeypatch.setattr(databases, "tool_major", lambda name: 14)
    monkeypatch.setattr(databases, "server_major", lambda: 16)
    with pytest.raises(BackupError, match="pg_dump 14 cannot work with PostgreSQL server 16.*"
                                          "postgresql-client-16"):
        databases.check_client_can_serve("pg_dump")
    monkeypatch.setattr(databases, "tool_major", lambda name: 17)
    assert databases.check_client_can_serve("pg_dump") == (17, 16)


def test_archive_files_are_readable_by_their_owner_only(app, tmp_path):
    _seed()
    archive = create_backup(tmp_path / "out", gzip=True)
    assert archive.name.endswith(".tar.gz")
    assert stat.S_IMODE(os.stat(archive).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "out").st_mode) == 0o700
