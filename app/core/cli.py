"""Command line: `flask --app wsgi uploads clean-orphans` (run daily from cron)."""
import click
from flask import Flask
from flask.cli import AppGroup

from app.core.upload_orphans import clean_orphans

uploads_cli = AppGroup("uploads", help="Uploaded files housekeeping.")


@uploads_cli.command("clean-orphans")
@click.option("--grace-hours", default=24.0, show_default=True, type=click.FloatRange(min=1),
              help="Keep unreferenced files younger than this (a request may still be "
                   "writing the row that names them).")
@click.option("--dry-run", is_flag=True, help="List what would be removed; remove nothing.")
def clean_orphans_command(grace_hours: float, dry_run: bool) -> None:
    """Remove stored files that no row references, older than the grace period."""
    removed = clean_orphans(grace_hours * 3600, dry_run=dry_run)
    for relative in removed:
        click.echo(("would remove " if dry_run else "removed ") + relative)
    verb = "would remove" if dry_run else "removed"
    click.echo(f"{verb} {len(removed)} unreferenced file(s) older than {grace_hours:g} h")


def register_cli(app: Flask) -> None:
    app.cli.add_command(uploads_cli)
