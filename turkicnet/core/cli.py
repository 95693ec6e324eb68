"""Command-line tools: ``create-admin``, ``seed-demo`` and ``mail deliver``."""

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .errors import ValidationFailed


def register(app: Flask) -> None:
    @app.cli.command("create-admin")
    @click.argument("email")
    @click.option("--password", help="Asked for when not given.")
    @click.option("--name", "full_name", default="Administrator", show_default=True)
    def create_admin(email: str, password: str | None, full_name: str) -> None:
        """Create a platform admin (or make an existing account one)."""
        from ..auth.services import create_admin as make_admin

        if password is None:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        try:
            user = make_admin(email=email, password=password, full_name=full_name)
        except ValidationFailed as error:
            raise click.ClickException(error.message) from error
        click.echo(f"Admin {user.email} is ready.")

    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Load the demo network (development only; does nothing the second time)."""
        from .demo import seed_demo

        if current_app.config["PRODUCTION"]:
            raise click.ClickException("seed-demo refuses to run with TURKICNET_PRODUCTION set.")
        accounts = seed_demo()
        click.echo("Demo accounts (all with the same password):")
        for role, email, password in accounts:
            click.echo(f"  {role:<12} {email:<44} {password}")

    mail = AppGroup("mail", help="The mail outbox.")

    @mail.command("deliver")
    def deliver_command() -> None:
        """Send every message still waiting in the outbox."""
        from .mail import deliver

        sent, failed = deliver()
        click.echo(f"Sent {sent}, failed {failed}.")
        if failed:
            raise SystemExit(1)

    app.cli.add_command(mail)

    from ..protocol.cli import protocol_cli

    app.cli.add_command(protocol_cli)
