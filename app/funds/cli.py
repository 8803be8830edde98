"""Command line: `flask --app wsgi funds recompute FILE` recomputes every balance of a fund's
JSON export and checks its statements' digests (exit 2 on any mismatch)."""
import sys

import click
from flask import Flask
from flask.cli import AppGroup

funds_cli = AppGroup("funds", help="Funds and ledgers.")


@funds_cli.command("recompute")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def recompute_command(path: str) -> None:
    """Recompute a fund's figures from its JSON export (the fund page's "JSON" link)."""
    from app.funds.recompute import main

    code = main([path])
    if code:
        sys.exit(code)


def register_cli(app: Flask) -> None:
    app.cli.add_command(funds_cli)
