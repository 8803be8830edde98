"""Command line: `flask --app wsgi issues resolve-silent` (run daily)."""
import click
from flask import Flask
from flask.cli import AppGroup

from app.core.db import unit_of_work

issues_cli = AppGroup("issues", help="Issue housekeeping.")


@issues_cli.command("resolve-silent")
def resolve_silent_command() -> None:
    """Resolve every issue answered more than 7 days ago that its author has not confirmed."""
    from app.issues.services import resolve_all_silent

    with unit_of_work():
        count = resolve_all_silent()
    click.echo(f"resolved {count} issue(s) after 7 days without an answer from the author")


def register_cli(app: Flask) -> None:
    app.cli.add_command(issues_cli)
