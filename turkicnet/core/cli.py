"""``flask --app wsgi worker`` and ``flask --app wsgi mail deliver|status|retry``."""

import logging
import signal

import click
from flask.cli import AppGroup, with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext

mail_cli = AppGroup("mail", help="The mail outbox.")


@click.command("worker")
@click.option("--once", is_flag=True, help="Run one pass (due jobs, due mail), then exit.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0),
    default=5.0,
    show_default=True,
    help="Seconds to sleep when a pass found nothing to do.",
)
@with_appcontext
def worker_command(once: bool, interval: float) -> None:
    """Deliver the outbox (with retries) and run the periodic jobs, until SIGTERM/SIGINT."""
    from .worker import Stop, work

    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    stop = Stop()
    previous = {sig: signal.signal(sig, stop.request) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        work(once=once, interval=interval, stop=stop)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)
    click.echo(_("The worker stopped."))


@mail_cli.command("deliver")
def deliver_command() -> None:
    """Send every message that is due now (a failed one waits for its retry time)."""
    from .outbox import deliver_due

    done = deliver_due()
    click.echo(_("Sent %(sent)d, failed %(failed)d.", sent=done.sent, failed=done.failed))
    if done.failed:
        raise SystemExit(1)


@mail_cli.command("status")
def status_command() -> None:
    """Count waiting, retrying, failed and sent messages; list the failed ones."""
    from .outbox import failed_messages, outbox_status

    status = outbox_status()
    click.echo(
        _(
            "Waiting %(waiting)d (retrying %(retrying)d, being sent %(sending)d), failed %(failed)d, "
            "sent %(sent)d.",
            waiting=status.waiting,
            retrying=status.retrying,
            sending=status.sending,
            failed=status.failed,
            sent=status.sent,
        )
    )
    for message in failed_messages():
        click.echo(
            ngettext(
                "  failed: #%(id)d to %(recipient)s after %(num)d attempt: %(error)s",
                "  failed: #%(id)d to %(recipient)s after %(num)d attempts: %(error)s",
                message.attempts,
                id=message.id,
                recipient=message.recipient,
                error=message.last_error or "",
            )
        )


@mail_cli.command("retry")
def retry_command() -> None:
    """Make every unsent message due now; failed ones get their attempts back."""
    from .outbox import retry_now

    count = retry_now()
    click.echo(
        ngettext(
            "%(num)d message is due now; a worker sends it.",
            "%(num)d messages are due now; a worker sends them.",
            count,
        )
    )
