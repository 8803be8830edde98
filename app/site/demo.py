"""The demo: every domain's demo seeding in order, and `flask --app wsgi seed-demo
[--if-empty]`."""
import click
from flask import Flask

from app.compounds.demo import SeedResult, account_table, seed_demo
from app.core.db import unit_of_work
from app.covenants.demo import seed_covenants
from app.dispatch.demo import ACCOUNTS as DISPATCH_ACCOUNTS
from app.dispatch.demo import seed_dispatch
from app.funds.demo import seed_funds
from app.issues.demo import seed_issues
from app.meetings.demo import seed_meetings
from app.microprojects.demo import seed_micro_projects
from app.notices.demo import seed_notices
from app.proposals.demo import seed_proposals
from app.trustbooks.demo import seed_trust_books

# After the compound and its people: proposals first (issues, covenants, meetings and notices
# refer to them).
# The trust-model books come before the proposals: the open renewal vote cites last year's
# annual account.
DOMAIN_SEEDS = (seed_trust_books, seed_proposals, seed_issues, seed_covenants, seed_meetings,
                seed_notices, seed_dispatch, seed_funds, seed_micro_projects)


def seed_everything(*, if_empty: bool = False) -> SeedResult:
    """The demo compound and its accounts, then every domain's demo data. Flushes; the caller
    commits."""
    result = seed_demo(if_empty=if_empty)
    if result.created:
        for seed in DOMAIN_SEEDS:
            seed(result.compound)
    if result.compound is not None:  # printed with the compound's accounts
        result.accounts = (*result.accounts, *DISPATCH_ACCOUNTS)
    return result


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True,
              help="Seed only when the database has no compound at all (used by `make run`).")
def seed_demo_command(if_empty: bool) -> None:
    """Build the demo compound 锦华苑 (about 300 units) and one account per role, then print
    each account's mobile and password."""
    with unit_of_work():
        result = seed_everything(if_empty=if_empty)
    click.echo(result.message)
    if result.compound is None:
        return
    for line in account_table(result):
        click.echo(line)


def register_cli(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
