import json
import sys

import click
from flask import Flask
from flask.cli import AppGroup

from app.core.db import unit_of_work
from app.extensions import db
from app.proposals.models import Proposal
from app.proposals.reminders import remind_closing
from app.proposals.services import advance_if_due, due_proposals
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


proposals_cli = AppGroup("proposals", help="Proposals and their votes.")


@proposals_cli.command("close-due")
def close_due_command() -> None:
    """Open and close every vote whose time has come, and remind voters who have not voted of
    a vote closing within a day (run it from cron every few minutes). One transaction per
    proposal: one failure does not hold back the others."""
    failed = 0
    for proposal_id in [p.id for p in due_proposals()]:
        db.session.rollback()
        try:
            with unit_of_work():
                before = db.session.get(Proposal, proposal_id).state
                advance_if_due(proposal_id)
                after = db.session.get(Proposal, proposal_id).state
        except Exception as exc:  # noqa: BLE001  (report and go on with the next proposal)
            failed += 1
            click.echo(f"proposal {proposal_id}: failed: {exc}", err=True)
            continue
        if before != after:
            click.echo(f"proposal {proposal_id}: {before} -> {after}")
    with unit_of_work():
        reminded = remind_closing()
    if reminded:
        click.echo(f"reminded {reminded} voter(s) of a vote closing within a day")
    click.echo(f"done: {failed} failed" if failed else "done")
    if failed:
        sys.exit(1)


def register_cli(app: Flask) -> None:
    app.cli.add_command(tally_cli)
    app.cli.add_command(proposals_cli)
