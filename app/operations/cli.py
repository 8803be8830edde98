"""Command line: `flask --app wsgi backup create|restore` and `flask --app wsgi maintenance run`
(both from cron, see deploy/cron)."""
import os

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.core.db import unit_of_work
from app.operations.archive import BackupError
from app.operations.backup import create_backup
from app.operations.restore import restore_backup
from app.operations.retention import run_retention

backup_cli = AppGroup("backup", help="Backups of the database and the uploads.")
maintenance_cli = AppGroup("maintenance", help="Scheduled housekeeping.")


def _default_out() -> str:
    return os.environ.get("BACKUP_DIR") or os.path.join(current_app.instance_path, "backups")


@backup_cli.command("create")
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Folder for the archive (default: $BACKUP_DIR, else instance/backups).")
@click.option("--gzip", is_flag=True, help="Compress the archive (.tar.gz).")
def create_command(out_dir: str | None, gzip: bool) -> None:
    """Write one archive: the database, the uploads and a manifest with the audit heads."""
    try:
        path = create_backup(out_dir or _default_out(), gzip=gzip)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"backup written: {path} ({path.stat().st_size} bytes)")


@backup_cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
def restore_command(archive: str) -> None:
    """Restore ARCHIVE into the empty DATABASE_URL and UPLOAD_DIR, then verify the audit
    chain and compare its heads and row counts with the manifest; exit 1 on any mismatch."""
    try:
        report = restore_backup(archive)
    except BackupError as exc:
        raise click.ClickException(f"refused: {exc}") from None
    manifest = report.manifest
    click.echo(f"restored backup of {manifest['created_at']} "
               f"({manifest['database']['kind']}, {report.uploads} uploads)")
    click.echo(f"audit entries verified: {report.entries}")
    if report.ok:
        click.echo("OK: the audit chain verifies and its heads and row counts match the manifest.")
        return
    for problem in report.problems:
        click.echo(f"MISMATCH: {problem}", err=True)
    raise SystemExit(1)


@maintenance_cli.command("run")
@click.option("--dry-run", is_flag=True, help="Count what would be cleared; change nothing.")
def run_command(dry_run: bool) -> None:
    """Clear what the privacy page says is kept for a limited time (config RETENTION_DAYS)."""
    if dry_run:
        counts = run_retention(dry_run=True)
    else:
        with unit_of_work():
            counts = run_retention()
    if dry_run:
        click.echo("dry run: nothing was changed; a run now would find")
    for name, value in vars(counts).items():
        click.echo(f"{name.replace('_', ' ')}: {value}")


def register_cli(app: Flask) -> None:
    app.cli.add_command(backup_cli)
    app.cli.add_command(maintenance_cli)
