"""``flask --app wsgi mail deliver``: send what waits in the outbox."""

import click
from flask.cli import AppGroup

mail_cli = AppGroup("mail", help="The mail outbox.")


@mail_cli.command("deliver")
def deliver_command() -> None:
    """Send every message still waiting in the outbox."""
    from .mail import deliver

    sent, failed = deliver()
    click.echo(f"Sent {sent}, failed {failed}.")
    if failed:
        raise SystemExit(1)
