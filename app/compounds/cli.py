"""Command line: `flask --app wsgi seed-demo [--if-empty]`."""
import click
from flask import Flask

from app.core.db import unit_of_work


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True,
              help="Seed only when the database has no compound at all (used by `make run`).")
def seed_demo_command(if_empty: bool) -> None:
    """Build the demo compound 锦华苑 (about 300 units) and one account per role, then print
    each account's mobile and password."""
    from app.compounds.demo import account_table, seed_demo
    from app.covenants.demo import seed_covenants
    from app.issues.demo import seed_issues
    from app.meetings.demo import seed_meetings
    from app.notices.demo import seed_notices
    from app.proposals.demo import seed_proposals

    with unit_of_work():
        result = seed_demo(if_empty=if_empty)
        if result.created:
            seed_proposals(result.compound)
            seed_issues(result.compound)
            seed_covenants(result.compound)
            seed_meetings(result.compound)
            seed_notices(result.compound)
    click.echo(result.message)
    if result.compound is None:
        return
    for line in account_table(result):
        click.echo(line)


def register_cli(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
