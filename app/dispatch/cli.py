"""Command line: `flask --app wsgi dispatch overdue` (run hourly or daily)."""
import click
from flask import Flask
from flask.cli import AppGroup

from app.core.db import unit_of_work

dispatch_cli = AppGroup("dispatch", help="Dispatch housekeeping.")


@dispatch_cli.command("overdue")
def overdue_command() -> None:
    """Flag every running ticket past its due date, once, to its assignee and the level
    above."""
    from app.dispatch.services import flag_overdue

    with unit_of_work():
        count = flag_overdue()
    click.echo(f"flagged {count} overdue ticket(s)")


def register_cli(app: Flask) -> None:
    app.cli.add_command(dispatch_cli)
