"""The database's ground rules, apart from any one change.

- SQLite never creates its database file on the way: a connection to a file that does not
  exist fails (SQLite's ``mode=rw``), as an unreachable server would. Only the migrations
  building a database (``flask db upgrade``) and a restore may create one.
- Which errors mean "the database is busy or unavailable" (a 503, try again) rather than a
  programming error (a 500).
- The schema's revision against the head of the migration scripts, for ``/healthz``.
"""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from urllib.parse import quote

from flask import current_app
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine, make_url

_MAY_CREATE: ContextVar[bool] = ContextVar("turkicnet_may_create_database", default=False)
_HEADS = "turkicnet_migration_heads"

#: SQLite's result codes for a database that is busy, locked, gone, full or read-only — as
#: opposed to "no such table" or a syntax error, which SQLite also reports as OperationalError.
_SQLITE_UNAVAILABLE = (
    "SQLITE_BUSY",
    "SQLITE_LOCKED",
    "SQLITE_CANTOPEN",
    "SQLITE_IOERR",
    "SQLITE_FULL",
    "SQLITE_READONLY",
    "SQLITE_PROTOCOL",
)
_SQLITE_UNAVAILABLE_MESSAGES = (
    "database is locked",
    "database table is locked",
    "unable to open database file",
    "disk i/o error",
    "database or disk is full",
    "attempt to write a readonly database",
    "locking protocol",
)


@contextmanager
def creating_database() -> Iterator[None]:
    """Inside this block a SQLite file that does not exist yet may be created (the
    migrations use it while they build a database; nothing else does)."""
    token = _MAY_CREATE.set(True)
    try:
        yield
    finally:
        _MAY_CREATE.reset(token)


def sqlite_path(url) -> Path | None:
    """The file of a SQLite database URL; ``None`` for another database, memory, or a URI."""
    url = make_url(url)
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    if not database or database == ":memory:" or database.startswith("file:") or url.query.get("uri"):
        return None
    return Path(database).absolute()


def install_sqlite_rules(engine: Engine, *, busy_timeout_ms: int) -> None:
    """Open only existing files; foreign keys, WAL and a busy timeout on every connection."""

    @event.listens_for(engine, "do_connect")
    def open_existing_file_only(dialect, connection_record, cargs, cparams):
        cparams.setdefault("timeout", busy_timeout_ms / 1000)
        filename = cargs[0] if cargs else ""
        if cparams.get("uri") or not filename or filename == ":memory:" or _MAY_CREATE.get():
            return None
        cargs[0] = f"file:{quote(str(Path(filename).absolute()))}?mode=rw"
        cparams["uri"] = True
        return None

    @event.listens_for(engine, "connect")
    def pragmas(dbapi_connection, connection_record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()


def is_unavailable(error: BaseException) -> bool:
    """Whether ``error`` says the database is busy, locked, unreachable or gone — something
    that trying again later may cure — rather than a mistake in the code or the schema."""
    if isinstance(error, exc.TimeoutError):  # no connection free in the pool in time
        return True
    if not isinstance(error, exc.DBAPIError):
        return False
    if error.connection_invalidated or isinstance(error, exc.InterfaceError):
        return True
    if not isinstance(error, exc.OperationalError):
        return False
    original = error.orig
    if isinstance(original, sqlite3.Error):
        name = getattr(original, "sqlite_errorname", "") or ""
        if name.startswith(_SQLITE_UNAVAILABLE):
            return True
        message = str(original).lower()
        return any(text in message for text in _SQLITE_UNAVAILABLE_MESSAGES)
    # PostgreSQL (psycopg): an OperationalError is a lost or refused connection, a lock or
    # statement timeout, a server shutting down or out of resources; mistakes are
    # ProgrammingError, IntegrityError, DataError.
    return True


def migration_heads() -> tuple[str, ...]:
    """The head revision(s) of the migration scripts, read once per application."""
    heads = current_app.extensions.get(_HEADS)
    if heads is None:
        from alembic.script import ScriptDirectory

        config = current_app.extensions["migrate"].migrate.get_config()
        heads = tuple(sorted(ScriptDirectory.from_config(config).get_heads()))
        current_app.extensions[_HEADS] = heads
    return heads


def let_db_check_build_a_missing_sqlite_database() -> None:
    """``flask db check`` compares the models with the database the migrations build. On a
    fresh checkout there is no SQLite file yet, and only the migrations may create one (see
    :func:`creating_database`), so the check would fail with "unable to open database file":
    it builds the file through the migrations first (what ``flask db upgrade`` does), then
    checks. Flask-Migrate's own ``check`` command is wrapped once per process; a database
    that exists, and PostgreSQL, are checked as they are."""
    import click
    from flask.cli import with_appcontext
    from flask_migrate import cli, upgrade

    check = cli.db.commands["check"]
    if getattr(check.callback, "builds_a_missing_sqlite_database", False):
        return
    original = check.callback

    @with_appcontext
    def build_then_check(*args, **kwargs):
        path = sqlite_path(current_app.config["SQLALCHEMY_DATABASE_URI"])
        if path is not None and not path.exists():
            click.echo(f"{path} does not exist yet: building it through the migrations first.")
            upgrade(directory=kwargs.get("directory"))
        return original(*args, **kwargs)

    build_then_check.builds_a_missing_sqlite_database = True
    check.callback = build_then_check
