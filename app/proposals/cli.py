import json
import sys

import click
from flask import Flask
from flask.cli import AppGroup

from app.proposals.tally import TallyError
from app.proposals.tally_file import compute_document

tally_cli = AppGroup("tally", help="Recount votes from their public export.")


@tally_cli.command("compute")
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True))
def compute_command(path: str) -> None:
    """Print the result of the vote in PATH (public export JSON) as JSON."""
    try:
        with click.open_file(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except OSError as exc:
        click.echo(f"error: cannot read {path}: {exc.strerror}", err=True)
        sys.exit(2)
    except json.JSONDecodeError as exc:
        click.echo(f"error: {path} is not valid JSON: {exc}", err=True)
        sys.exit(2)
    try:
        result = compute_document(doc)
    except TallyError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(json.dumps(result, ensure_ascii=False, indent=2, sort_keys=True))


def register_cli(app: Flask) -> None:
    app.cli.add_command(tally_cli)
