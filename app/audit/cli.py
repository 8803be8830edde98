import click
from flask import Flask
from flask.cli import AppGroup

from app.audit.anchors import anchor_moved
from app.audit.verification import verify
from app.core.db import unit_of_work

audit_cli = AppGroup("audit", help="The hash-chained audit logs and their anchors.")


@audit_cli.command("verify")
@click.option("--compound", "compound_id", type=int, default=None,
              help="Check this compound's chain only (and the anchors of it).")
def verify_command(compound_id: int | None) -> None:
    """Recompute every chain (or one compound's) and the anchor chain; exit 1 naming the
    first bad entry of each broken chain and every row changed behind the log."""
    result = verify(compound_id)
    click.echo(f"chains: {len(result.chains)}")
    click.echo(f"entries: {result.count}")
    click.echo(f"anchors: {result.anchors}")
    if compound_id is not None:
        click.echo(f"chain: {next(iter(result.chains), 'c' + str(compound_id))}")
    click.echo(f"head: {result.head}")
    if result.ok:
        click.echo("OK: the chains and the anchors are intact and every covered row matches.")
        return
    for problem in result.problems:
        click.echo(f"BROKEN: {problem}", err=True)
    raise SystemExit(1)


@audit_cli.command("anchor")
def anchor_command() -> None:
    """Anchor the head of every chain that moved since its last anchor (run from cron)."""
    with unit_of_work():
        anchors = anchor_moved()
        for anchor in anchors:
            click.echo(f"anchor {anchor.seq}: chain id={anchor.chain_id} "
                       f"seq={anchor.chain_seq} {anchor.chain_hash}")
    click.echo(f"anchored: {len(anchors)}")


def register_cli(app: Flask) -> None:
    app.cli.add_command(audit_cli)
