"""``flask --app wsgi restore SRC``: a backup (``core/backup.py``) back into an empty database.

Every file the manifest lists is checked (size and SHA-256) before anything is touched, and
a file in the folder that the manifest does not list is refused too. The database must be
empty (no table at all) and the upload folder empty; then SQLite is copied back with its
backup API into the configured file (with ``db upgrade``, the one place that creates it),
PostgreSQL with ``pg_restore --no-owner`` in one transaction, and the uploads copied.
"""

import hashlib
import json
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from flask_babel import gettext as _
from sqlalchemy import inspect
from sqlalchemy.exc import DBAPIError

from ..extensions import db
from . import inventory, storage
from .backup import (
    FORMAT,
    MANIFEST,
    UPLOADS,
    BackupError,
    database_kind,
    find_tool,
    libpq,
    open_existing,
    run_tool,
)
from .database import migration_heads, sqlite_path


@dataclass
class RestoreResult:
    manifest: dict
    manifest_sha256: str
    #: (label, rows) of what was restored; empty when the schema must be upgraded first
    counts: list[tuple[str, int]]


def read_manifest(src: Path) -> tuple[dict, str]:
    """The manifest of the backup in ``src``, once every file it lists has its size and
    SHA-256, and no file is there that it does not list.

    :raises BackupError: naming the first file that is missing, altered or unlisted
    """
    src = Path(src)
    try:
        data = (src / MANIFEST).read_bytes()
        manifest = json.loads(data)
    except (OSError, ValueError) as error:
        raise BackupError(_("%(src)s has no readable manifest.json: it is not a backup.", src=src)) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("%(src)s is not a TurkicNet backup (format %(format)s).", src=src, format=FORMAT))
    listed = set()
    for entry in manifest.get("files", []):
        relative = PurePosixPath(entry["path"])
        if relative.is_absolute() or ".." in relative.parts:
            raise BackupError(_("The manifest names %(path)s, outside the backup.", path=entry["path"]))
        path = src / relative
        listed.add(relative.as_posix())
        if not path.is_file():
            raise BackupError(_("%(path)s is missing from the backup: nothing was restored.", path=relative))
        if path.stat().st_size != entry["size"] or inventory.file_sha256(path) != entry["sha256"]:
            raise BackupError(
                _(
                    "%(path)s is not the file the backup wrote (its size or SHA-256 differs): the "
                    "backup was altered or damaged, and nothing was restored.",
                    path=relative,
                )
            )
    for path in sorted(src.rglob("*")):
        relative = path.relative_to(src).as_posix()
        if path.is_file() and relative != MANIFEST and relative not in listed:
            raise BackupError(
                _(
                    "%(path)s is in the backup folder but not in its manifest: nothing was restored.",
                    path=relative,
                )
            )
    if manifest.get("database", {}).get("file") not in listed:
        raise BackupError(_("The manifest lists no database file: nothing was restored."))
    return manifest, hashlib.sha256(data).hexdigest()


def restore_backup(src: Path) -> RestoreResult:
    """Restore the backup in ``src`` into the configured, empty database and upload folder.

    :raises BackupError: for an altered backup, another kind of database, a database or an
        upload folder that is not empty, or a missing or failing ``pg_restore``
    """
    src = Path(src)
    manifest, manifest_sha256 = read_manifest(src)
    kind = database_kind()
    if manifest["database"]["kind"] != kind:
        raise BackupError(
            _(
                "The backup is of a %(backup)s database; the configured database is %(kind)s.",
                backup=manifest["database"]["kind"],
                kind=kind,
            )
        )
    pg_restore = find_tool("pg_restore") if kind == "postgresql" else None
    tables = _tables()
    if tables:
        names = ", ".join(tables[:3]) + (", …" if len(tables) > 3 else "")
        raise BackupError(
            _(
                "The database is not empty (%(n)d tables: %(names)s): a backup is restored only "
                "into an empty database. Nothing was restored.",
                n=len(tables),
                names=names,
            )
        )
    uploads = storage.upload_root()
    if any(uploads.iterdir()):
        raise BackupError(
            _(
                "The upload folder %(path)s is not empty: a backup is restored only into an empty "
                "one. Nothing was restored.",
                path=uploads,
            )
        )
    # The files first, then the database (in one transaction on PostgreSQL): when either fails
    # (a full disk, a refused pg_restore) the files are taken out again, the database is still
    # empty, and the restore can simply be run again.
    try:
        _copy_uploads(src, manifest, uploads)
        _restore_database(kind, src / manifest["database"]["file"], pg_restore)
    except (OSError, sqlite3.Error, BackupError):
        _empty_folder(uploads)
        raise
    up_to_date = manifest["database"]["alembic_revision"] == ",".join(migration_heads())
    return RestoreResult(manifest, manifest_sha256, inventory.counts() if up_to_date else [])


def _restore_database(kind: str, database_file: Path, pg_restore) -> None:
    if kind == "sqlite":
        _restore_sqlite(database_file)
        return
    conninfo, env = libpq(db.engine.url)
    run_tool(
        [
            pg_restore,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--no-password",
            f"--dbname={conninfo}",
            str(database_file),
        ],
        env,
    )


def _copy_uploads(src: Path, manifest: dict, uploads: Path) -> None:
    for entry in manifest["files"]:
        relative = PurePosixPath(entry["path"])
        if relative.parts[0] == UPLOADS:
            target = uploads.joinpath(*relative.parts[1:])
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src / relative, target)


def _empty_folder(folder: Path) -> None:
    for child in folder.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def _tables() -> list[str]:
    """The tables the configured database has (none when a SQLite file is not there yet)."""
    path = sqlite_path(db.engine.url)
    if db.engine.dialect.name == "sqlite":
        if path is None:
            raise BackupError(_("A backup is restored into a SQLite file, not %(url)s.", url=db.engine.url))
        if not path.exists():
            return []
        connection = open_existing(path)
        try:
            return [
                row[0]
                for row in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                )
            ]
        finally:
            connection.close()
    try:
        with db.engine.connect() as connection:
            return sorted(inspect(connection).get_table_names())
    except DBAPIError as error:
        raise BackupError(_("The database does not answer: %(error)s", error=error.orig)) from error


def _restore_sqlite(backup_file: Path) -> None:
    path = sqlite_path(db.engine.url)
    db.session.remove()
    db.engine.dispose()
    path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{quote(str(backup_file.absolute()))}?mode=ro", uri=True)
    try:
        # The one other place, with db upgrade, that may create the database file.
        target = sqlite3.connect(path)
        try:
            source.backup(target)
        except sqlite3.Error:
            target.close()
            path.unlink(missing_ok=True)  # nothing half-restored stands in the way of a retry
            raise
        finally:
            target.close()
    finally:
        source.close()
