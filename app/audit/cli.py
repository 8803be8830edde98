import click
from flask import Flask
from flask.cli import AppGroup

from app.audit.verification import verify

audit_cli = AppGroup("audit", help="The hash-chained audit log.")


@audit_cli.command("verify")
def verify_command() -> None:
    """Recompute the whole chain; exit 1 naming the first bad entry."""
    result = verify()
    click.echo(f"entries: {result.count}")
    click.echo(f"head: {result.head}")
    if result.ok:
        click.echo("OK: the chain is intact and every covered row matches.")
        return
    for problem in result.problems:
        click.echo(f"BROKEN: {problem}", err=True)
    raise SystemExit(1)


def register_cli(app: Flask) -> None:
    app.cli.add_command(audit_cli)
