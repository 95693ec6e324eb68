"""Backups that restore: ``flask --app wsgi backup DEST`` (here) and ``restore SRC`` (``core/restore.py``).

A backup is a new folder::

    manifest.json       when, which database, its migration revision, the app's version,
                        and every file's path, size and SHA-256 (the database's too)
    database.sqlite3    SQLite: a consistent copy by SQLite's online backup API
    database.pgdump     PostgreSQL: ``pg_dump --format=custom``
    uploads/…           the upload folder

The ledger's signing key is not in it: it is a secret kept outside the database, and is
backed up separately. A restore checks every hash of the manifest first, and goes only into
an empty database and an empty upload folder; it is, with ``db upgrade``, the one place
that may create a SQLite database file.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump and pg_restore are the tools for PostgreSQL
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import quote

from flask_babel import gettext as _
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from ..extensions import db
from . import inventory, storage
from .database import sqlite_path
from .timeutil import utcnow

FORMAT = "turkicnet-backup/1"
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
UPLOADS = "uploads"


class BackupError(Exception):
    """A backup or restore that cannot be done; ``message`` says why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class BackupResult:
    manifest: dict
    manifest_sha256: str


def ledger_key_note() -> str:
    return _(
        "The ledger's signing key (TURKICNET_LEDGER_KEY_FILE) is a secret kept outside the "
        "database and is not in the backup: back it up separately, and keep it apart."
    )


# ---------------------------------------------------------------- backup


def make_backup(dest: Path) -> BackupResult:
    """Copy the database and the uploads into the new folder ``dest``, with a manifest.

    :raises BackupError: when ``dest`` is not new, the database is missing or not
        migrated, or ``pg_dump`` is missing or fails; a half-made folder is removed
    """
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError(_("%(dest)s already exists: give a new folder.", dest=dest))
    uploads = storage.upload_root()
    if dest.absolute().resolve().is_relative_to(uploads.resolve()):
        raise BackupError(_("%(dest)s is inside the upload folder: give a folder outside it.", dest=dest))
    kind = database_kind()
    pg_dump = find_tool("pg_dump") if kind == "postgresql" else None
    created = not dest.exists()
    dest.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        if kind == "sqlite":
            revision = _backup_sqlite(dest / DATABASE_FILES[kind])
        else:
            revision = _backup_postgres(dest / DATABASE_FILES[kind], pg_dump)
        files = [_entry(dest, dest / DATABASE_FILES[kind])]
        files += _copy_uploads(uploads, dest / UPLOADS, dest)
        manifest = {
            "format": FORMAT,
            "created_at": utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
            "app_version": _app_version(),
            "database": {"kind": kind, "file": DATABASE_FILES[kind], "alembic_revision": revision},
            "files": files,
            "not_included": {"ledger_key": ledger_key_note()},
        }
        data = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False).encode("utf-8") + b"\n"
        (dest / MANIFEST).write_bytes(data)
    except BaseException:
        if created:
            shutil.rmtree(dest, ignore_errors=True)
        raise
    return BackupResult(manifest, hashlib.sha256(data).hexdigest())


def database_kind() -> str:
    """The configured database's dialect, if backups know it."""
    kind = db.engine.dialect.name
    if kind not in DATABASE_FILES:
        raise BackupError(_("Backups know SQLite and PostgreSQL, not %(kind)s.", kind=kind))
    return kind


def _backup_sqlite(target: Path) -> str:
    path = sqlite_path(db.engine.url)
    if path is None or not path.exists():
        raise BackupError(_("The database file %(path)s does not exist.", path=path or db.engine.url))
    source = open_existing(path)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
            # One self-contained file, whatever journal the live database keeps.
            copy.execute("PRAGMA journal_mode=DELETE")
            return _revision_of(copy.execute("SELECT version_num FROM alembic_version").fetchall())
        except sqlite3.OperationalError as error:
            raise BackupError(
                _("The database is not a migrated TurkicNet database: %(error)s", error=error)
            ) from error
        finally:
            copy.close()
    finally:
        source.close()


def _backup_postgres(target: Path, pg_dump: str) -> str:
    try:
        with db.engine.connect() as connection:
            revision = _revision_of(connection.execute(text("SELECT version_num FROM alembic_version")).all())
    except DBAPIError as error:
        raise BackupError(_("The database cannot be read: %(error)s", error=error.orig)) from error
    conninfo, env = libpq(db.engine.url)
    run_tool([pg_dump, "--format=custom", "--no-password", f"--file={target}", f"--dbname={conninfo}"], env)
    return revision


def _revision_of(rows) -> str:
    revisions = sorted(row[0] for row in rows)
    if not revisions:
        raise BackupError(
            _("The database has no migration revision: it is not a migrated TurkicNet database.")
        )
    return ",".join(revisions)


def _copy_uploads(root: Path, target: Path, dest: Path) -> list[dict]:
    """Copy every stored file (not uploads still arriving), hashing what is written."""
    entries = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        copy = target / path.relative_to(root)
        copy.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        with path.open("rb") as source, copy.open("wb") as out:
            while chunk := source.read(1024 * 1024):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        entries.append(
            {"path": copy.relative_to(dest).as_posix(), "size": size, "sha256": digest.hexdigest()}
        )
    return entries


def _entry(dest: Path, path: Path) -> dict:
    return {
        "path": path.relative_to(dest).as_posix(),
        "size": path.stat().st_size,
        "sha256": inventory.file_sha256(path),
    }


def _app_version() -> str | None:
    try:
        return metadata.version("turkicnet")
    except metadata.PackageNotFoundError:
        return None


# ---------------------------------------------------------------- tools


def open_existing(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection to a file that must exist already."""
    return sqlite3.connect(f"file:{quote(str(path))}?mode=rw", uri=True)


def find_tool(name: str) -> str:
    """The path of a PostgreSQL client tool, or how to get it."""
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            _(
                "%(tool)s is not on PATH. Install the PostgreSQL client tools (Debian: apt-get "
                "install postgresql-client, of the server's version or newer), or run "
                "%(tool)s yourself.",
                tool=name,
            )
        )
    return found


def libpq(url) -> tuple[str, dict]:
    """A libpq connection URI for the command line, with the password in the environment."""
    url = make_url(url)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def run_tool(command: list[str], env: dict) -> None:
    """Run pg_dump or pg_restore; its own message when it fails."""
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(
            _(
                "%(tool)s failed: %(error)s",
                tool=Path(command[0]).name,
                error=done.stderr.strip() or done.returncode,
            )
        )
