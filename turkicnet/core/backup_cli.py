"""Core's commands for the operator's copies: ``backup DEST``, ``restore SRC`` and ``files verify``."""

from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext
from flask_babel import gettext as _

files_cli = AppGroup("files", help="The stored files (uploads).")


@click.command("backup")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup_command(dest: Path) -> None:
    """Copy the database and the uploads into the new folder DEST (with a manifest)."""
    from .backup import BackupError, make_backup

    try:
        result = make_backup(dest)
    except BackupError as error:
        raise click.ClickException(error.message) from error
    database = result.manifest["database"]
    uploads = len(result.manifest["files"]) - 1
    click.echo(
        _(
            "Backed up the %(kind)s database (migration %(revision)s) and %(n)d uploaded files to %(dest)s.",
            kind=database["kind"],
            revision=database["alembic_revision"],
            n=uploads,
            dest=dest,
        )
    )
    click.echo(
        _(
            "manifest.json has SHA-256 %(sha256)s: note it apart from the backup, to know it later.",
            sha256=result.manifest_sha256,
        )
    )
    click.echo(_("Not in the backup: %(note)s", note=result.manifest["not_included"]["ledger_key"]))


@click.command("restore")
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def restore_command(src: Path) -> None:
    """Restore the backup folder SRC into the configured empty database and upload folder."""
    from .backup import BackupError
    from .restore import restore_backup

    try:
        result = restore_backup(src)
    except BackupError as error:
        raise click.ClickException(error.message) from error
    database = result.manifest["database"]
    click.echo(
        _(
            "Restored the backup of %(created)s (manifest SHA-256 %(sha256)s), migration %(revision)s.",
            created=result.manifest["created_at"],
            sha256=result.manifest_sha256,
            revision=database["alembic_revision"],
        )
    )
    if not result.counts:
        click.echo(_("The backup is from another migration: run flask --app wsgi db upgrade, then check it."))
    for label, count in result.counts:
        click.echo(f"  {label}: {count}")
    click.echo(
        _(
            "Give the ledger key the backup was made with (TURKICNET_LEDGER_KEY_FILE), then run "
            "flask --app wsgi protocol verify and flask --app wsgi files verify."
        )
    )


@files_cli.command("verify")
@click.option("--delete-orphans", is_flag=True, help="Delete the files no row names.")
def verify_files_command(delete_orphans: bool) -> None:
    """Hold the stored-file rows to the upload folder: missing, altered and orphan files."""
    from sqlalchemy.exc import DBAPIError

    from .inventory import check_files

    try:
        result = check_files(delete_orphans=delete_orphans)
    except DBAPIError as error:
        raise click.ClickException(_("The database cannot be read: %(error)s", error=error.orig)) from error
    for reference in result.missing:
        click.echo(_("missing: %(name)s (%(owner)s)", name=reference.stored_name, owner=reference.owner))
    for reference, why in result.altered:
        click.echo(
            _(
                "altered: %(name)s (%(owner)s): %(why)s",
                name=reference.stored_name,
                owner=reference.owner,
                why=why,
            )
        )
    for name in result.orphans:
        if name in result.deleted:
            click.echo(_("orphan, deleted: %(name)s", name=name))
        else:
            click.echo(_("orphan: %(name)s (no row names it)", name=name))
    click.echo(
        _(
            "Checked %(checked)d stored files: %(missing)d missing, %(altered)d altered, "
            "%(orphans)d orphans.",
            checked=result.checked,
            missing=len(result.missing),
            altered=len(result.altered),
            orphans=len(result.orphans),
        )
    )
    if not result.ok:
        raise SystemExit(1)
