"""``flask --app wsgi create-admin``."""

import click
from flask.cli import with_appcontext

from ..core.errors import ValidationFailed


@click.command("create-admin")
@click.argument("email")
@click.option("--password", help="Asked for when not given.")
@click.option("--name", "full_name", default="Administrator", show_default=True)
@with_appcontext
def create_admin_command(email: str, password: str | None, full_name: str) -> None:
    """Create a platform admin (or make an existing account one)."""
    from .services import create_admin

    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_admin(email=email, password=password, full_name=full_name)
    except ValidationFailed as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Admin {user.email} is ready.")
