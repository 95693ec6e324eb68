"""``flask --app wsgi seed-demo``."""

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load the demo network (development only); a second run completes what is missing."""
    from ..core.errors import ServiceError
    from .seed import seed_demo

    if current_app.config["PRODUCTION"]:
        raise click.ClickException("seed-demo refuses to run with TURKICNET_PRODUCTION set.")
    try:
        accounts = seed_demo()
    except ServiceError as exc:
        raise click.ClickException(f"seed-demo changed nothing: {exc}") from exc
    click.echo("Demo accounts (all with the same password):")
    for role, email, password in accounts:
        click.echo(f"  {role:<12} {email:<44} {password}")
