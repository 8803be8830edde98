"""flask --app wsgi accounts ..."""
import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from app.accounts.services import create_admin
from app.core.db import unit_of_work
from app.core.errors import ServiceError


def register_cli(app) -> None:
    group = AppGroup("accounts", help="Manage accounts.")

    @group.command("create-admin")
    @click.argument("mobile")
    @click.argument("name")
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
                  help="The new admin's password (prompted for when left out).")
    def create_admin_command(mobile: str, name: str, password: str) -> None:
        """Create a site administrator with MOBILE and display NAME."""
        # No request here, so no visitor's language: messages use the site's.
        with force_locale(current_app.config["YISHI_LOCALE"]):
            try:
                with unit_of_work():
                    user = create_admin(mobile, name, password)
            except ServiceError as exc:
                raise click.ClickException(str(exc.message)) from None
        click.echo(f"admin created: id={user.id} mobile={user.mobile}")

    app.cli.add_command(group)
