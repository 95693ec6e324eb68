"""``flask --app wsgi protocol verify``."""

import time

import click
from flask.cli import AppGroup

protocol_cli = AppGroup("protocol", help="The cooperation protocol's ledger.")


@protocol_cli.command("verify")
@click.option("--workers", type=int, default=None, help="Processes for checkpoint signatures (default 2).")
def verify_command(workers: int | None) -> None:
    """Recompute every text fingerprint, entry hash, link and checkpoint signature."""
    from .services import verify_ledger

    started = time.perf_counter()
    result = verify_ledger(workers=workers)
    elapsed = time.perf_counter() - started
    summary = (
        f"{result.entries} entries, {result.checkpoints} checkpoints, {result.texts} texts "
        f"checked in {elapsed:.2f} s"
    )
    if result.ok:
        click.echo(f"OK: {summary}.")
        return
    click.echo(f"BROKEN: {result.problems[0]}", err=True)
    for problem in result.problems[1:10]:
        click.echo(f"  also: {problem}", err=True)
    click.echo(summary, err=True)
    raise SystemExit(1)
