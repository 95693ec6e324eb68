"""``flask --app wsgi protocol verify [--checkpoint FILE]``."""

import time

import click
from flask.cli import AppGroup

protocol_cli = AppGroup("protocol", help="The cooperation protocol's ledger.")


@protocol_cli.command("verify")
@click.option("--workers", type=int, default=None, help="Processes for checkpoint signatures (default 2).")
@click.option(
    "--checkpoint",
    "checkpoint_file",
    type=click.File("rb"),
    default=None,
    help="A checkpoint someone kept (the JSON, or the confirmation e-mail that carries it): "
    "prove the ledger still holds that entry and hash.",
)
def verify_command(workers: int | None, checkpoint_file) -> None:
    """Recompute every text and version fingerprint, entry hash, link, checkpoint signature and
    version status; with --checkpoint, also prove that a kept checkpoint is still in the ledger."""
    from .kept_checkpoint import UnreadableCheckpoint, read_kept_checkpoint
    from .services import verify_ledger

    kept = None
    if checkpoint_file is not None:
        try:
            kept = read_kept_checkpoint(checkpoint_file.read())
        except UnreadableCheckpoint as exc:
            raise click.UsageError(f"{checkpoint_file.name}: {exc}") from exc
    started = time.perf_counter()
    result = verify_ledger(workers=workers, kept=kept)
    elapsed = time.perf_counter() - started
    versions = f"{result.versions} published version" + ("" if result.versions == 1 else "s")
    summary = (
        f"{result.entries} entries, {result.checkpoints} checkpoints, {result.texts} texts "
        f"of {versions} checked in {elapsed:.2f} s"
    )
    if kept is not None:
        summary += f"; the kept checkpoint at entry {kept['seq']} checked"
    if result.ok:
        click.echo(f"OK: {summary}.")
        return
    click.echo(f"BROKEN: {result.problems[0]}", err=True)
    for problem in result.problems[1:10]:
        click.echo(f"  also: {problem}", err=True)
    click.echo(summary, err=True)
    raise SystemExit(1)
