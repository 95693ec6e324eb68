"""The triggers that make the ledger append-only in the database (DESIGN §4).

Models cannot declare triggers, so migrations create them, through these functions; a
migration cannot import another revision file, but it can import this module.

A migration must call ``create_append_only_triggers(op)``:

- when it creates an append-only table (0002 creates the ledger's);
- after it rebuilds one. On SQLite, ``batch_alter_table`` copies the table to a new one and drops
  the old one, and the triggers are dropped silently with it. On PostgreSQL, dropping and
  re-creating the table has the same effect. Re-creating triggers that exist is harmless.

A migration that drops an append-only table calls ``drop_append_only_triggers(op)`` first (0002's
downgrade does). ``tests/test_migrations.py`` checks, after ``downgrade base`` and ``upgrade
head``, that the triggers exist and refuse an UPDATE and a DELETE.

To make more tables append-only, add a new list of ``(table, verbs)`` next to ``LEDGER_TABLES``
and pass it from the new migration. Do not change a list that a past migration uses.

On SQLite, migration 0004 also refuses an ``INSERT OR REPLACE`` that would replace a published
version or text or a ledger row (``SQLITE_REPLACE_GUARDS``). A PostgreSQL ``TRUNCATE`` fires no
row trigger: in production the app's database role should not own these tables (grant it
SELECT and INSERT on the ledger, and UPDATE only where the app needs it); ``protocol verify``
names a truncated text or ledger either way.

Published versions and their texts (migration 0004) are guarded by conditional triggers,
:func:`create_published_version_triggers`: a draft and its texts change freely; once a version is
open its texts are fixed (no INSERT, UPDATE or DELETE), and of the version itself only the status
moves the app makes are allowed — open → in force (setting ``in_force_at``), open or in force →
superseded (setting ``superseded_at``). Any other UPDATE, and any DELETE, of an open version is
refused. A migration that rebuilds ``protocol_versions`` or ``protocol_texts`` calls that function
again afterwards, as for the ledger.
"""

from sqlalchemy import text

#: The ledger's tables and the statements their triggers refuse (migration 0002).
LEDGER_TABLES = (
    ("ledger_entries", ("update", "delete")),
    ("ledger_checkpoints", ("update", "delete")),
)
MESSAGE = "ledger entries are append-only"
#: PostgreSQL: the trigger function shared by every append-only trigger.
_FUNCTION = "ledger_entries_append_only"
_DROP_FUNCTION_WHEN_UNUSED = f"""DO $$ BEGIN
       IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgfoid = to_regproc('{_FUNCTION}')) THEN
         DROP FUNCTION IF EXISTS {_FUNCTION}();
       END IF;
       END $$"""  # noqa: S608 - a constant name, no input


def trigger_name(table: str, verb: str) -> str:
    return f"{table}_no_{verb}"


def _dialect_and_execute(target):
    """Alembic's ``op`` or a SQLAlchemy connection: the dialect's name and a way to run DDL."""
    if hasattr(target, "get_bind"):
        return target.get_bind().dialect.name, target.execute
    return target.dialect.name, lambda statement: target.execute(text(statement))


def _drop_statement(postgres: bool, table: str, verb: str) -> str:
    return f"DROP TRIGGER IF EXISTS {trigger_name(table, verb)}" + (f" ON {table}" if postgres else "")


def create_append_only_triggers(target, tables=LEDGER_TABLES) -> None:
    """Refuse the given verbs on each table with ``MESSAGE``; replace the triggers if they exist.

    ``target`` is Alembic's ``op`` or a SQLAlchemy connection.
    """
    dialect, execute = _dialect_and_execute(target)
    postgres = dialect == "postgresql"
    if postgres:
        execute(
            f"""CREATE OR REPLACE FUNCTION {_FUNCTION}() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION '{MESSAGE}'; END;
       $$ LANGUAGE plpgsql"""
        )
    for table, verbs in tables:
        for verb in verbs:
            execute(_drop_statement(postgres, table, verb))
            if postgres:
                execute(
                    f"""CREATE TRIGGER {trigger_name(table, verb)} BEFORE {verb.upper()} ON {table}
       FOR EACH ROW EXECUTE FUNCTION {_FUNCTION}()"""
                )
            else:
                execute(
                    f"""CREATE TRIGGER {trigger_name(table, verb)} BEFORE {verb.upper()} ON {table}
       BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
                )


def drop_append_only_triggers(target, tables=LEDGER_TABLES) -> None:
    """Drop the triggers on ``tables``; on PostgreSQL also the function, once no trigger uses it."""
    dialect, execute = _dialect_and_execute(target)
    postgres = dialect == "postgresql"
    for table, verbs in tables:
        for verb in verbs:
            execute(_drop_statement(postgres, table, verb))
    if postgres:
        execute(_DROP_FUNCTION_WHEN_UNUSED)


# ---------------------------------------------------------------- published versions and texts

PUBLISHED_MESSAGE = "published protocol versions and texts are append-only"
#: The triggers of :func:`create_published_version_triggers`, as (table, trigger name).
PUBLISHED_TRIGGERS = (
    ("protocol_versions", "protocol_versions_published_update"),
    ("protocol_versions", "protocol_versions_published_delete"),
    ("protocol_texts", "protocol_texts_published_insert"),
    ("protocol_texts", "protocol_texts_published_update"),
    ("protocol_texts", "protocol_texts_published_delete"),
)
#: SQLite only: ``INSERT OR REPLACE`` deletes the row it collides with without firing its DELETE
#: triggers, so these refuse an INSERT that would replace a published version or text or a ledger
#: row. (PostgreSQL has no REPLACE; ``ON CONFLICT DO UPDATE`` fires the UPDATE triggers.)
SQLITE_REPLACE_GUARDS = (
    ("protocol_versions", "protocol_versions_no_replace"),
    ("protocol_texts", "protocol_texts_no_replace"),
    ("ledger_entries", "ledger_entries_no_replace"),
    ("ledger_checkpoints", "ledger_checkpoints_no_replace"),
)
#: Columns of a version fixed once it is open.
_FIXED_COLUMNS = (
    "id", "number", "title", "required_centers", "required_states", "text_sha256", "created_at", "opened_at",
)  # fmt: skip


def _allowed_version_update(old: str, new: str, same: str) -> str:
    """The UPDATEs of a version the app makes, as an SQL condition.

    ``same`` is the dialect's null-safe equality (``IS`` on SQLite, ``IS NOT DISTINCT FROM`` on
    PostgreSQL).
    """
    fixed = " AND ".join(f"{new}.{column} {same} {old}.{column}" for column in _FIXED_COLUMNS)
    unchanged = (
        f"{new}.in_force_at {same} {old}.in_force_at AND {new}.superseded_at {same} {old}.superseded_at"
    )
    return f"""(
         {old}.status = 'draft' AND {new}.status IN ('draft', 'open')
       ) OR ({fixed} AND (
         ({new}.status = {old}.status AND {unchanged})
         OR ({old}.status = 'open' AND {new}.status = 'in_force'
             AND {old}.in_force_at IS NULL AND {new}.in_force_at IS NOT NULL
             AND {new}.superseded_at {same} {old}.superseded_at)
         OR ({old}.status IN ('open', 'in_force') AND {new}.status = 'superseded'
             AND {old}.superseded_at IS NULL AND {new}.superseded_at IS NOT NULL
             AND {new}.in_force_at {same} {old}.in_force_at)
       ))"""


def _status_of(version_id: str) -> str:
    return f"(SELECT status FROM protocol_versions WHERE id = {version_id})"  # noqa: S608 - constant


def _published(version_id: str) -> str:
    """True when the version exists and is no longer a draft (a cascade from a deleted draft
    finds no version, and is let through)."""
    return f"COALESCE({_status_of(version_id)}, 'draft') <> 'draft'"


def _sqlite_published_triggers() -> list[str]:
    refuse = f"BEGIN SELECT RAISE(ABORT, '{PUBLISHED_MESSAGE}'); END"
    allowed = _allowed_version_update("OLD", "NEW", "IS")
    return [
        f"""CREATE TRIGGER protocol_versions_published_update BEFORE UPDATE ON protocol_versions
       WHEN NOT ({allowed}) {refuse}""",
        f"""CREATE TRIGGER protocol_versions_published_delete BEFORE DELETE ON protocol_versions
       WHEN OLD.status <> 'draft' {refuse}""",
        f"""CREATE TRIGGER protocol_texts_published_insert BEFORE INSERT ON protocol_texts
       WHEN {_published("NEW.version_id")} {refuse}""",
        f"""CREATE TRIGGER protocol_texts_published_update BEFORE UPDATE ON protocol_texts
       WHEN {_published("OLD.version_id")} OR {_published("NEW.version_id")} {refuse}""",
        f"""CREATE TRIGGER protocol_texts_published_delete BEFORE DELETE ON protocol_texts
       WHEN {_published("OLD.version_id")} {refuse}""",
        f"""CREATE TRIGGER protocol_versions_no_replace BEFORE INSERT ON protocol_versions
       WHEN EXISTS (SELECT 1 FROM protocol_versions AS v
                    WHERE (v.id = NEW.id OR v.number = NEW.number)
                      AND v.status <> 'draft') {refuse}""",  # noqa: S608 - constants, no input
        f"""CREATE TRIGGER protocol_texts_no_replace BEFORE INSERT ON protocol_texts
       WHEN EXISTS (SELECT 1 FROM protocol_texts AS t
                    WHERE (t.id = NEW.id OR (t.version_id = NEW.version_id AND t.language = NEW.language))
                      AND {_published("t.version_id")}) {refuse}""",  # noqa: S608 - constants, no input
        f"""CREATE TRIGGER ledger_entries_no_replace BEFORE INSERT ON ledger_entries
       WHEN EXISTS (SELECT 1 FROM ledger_entries AS e
                    WHERE e.seq = NEW.seq OR e.hash = NEW.hash OR e.prev_hash = NEW.prev_hash)
       BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",  # noqa: S608 - constants, no input
        f"""CREATE TRIGGER ledger_checkpoints_no_replace BEFORE INSERT ON ledger_checkpoints
       WHEN EXISTS (SELECT 1 FROM ledger_checkpoints AS c WHERE c.id = NEW.id)
       BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",  # noqa: S608 - constants, no input
    ]


def _postgres_published_triggers() -> list[str]:
    allowed = _allowed_version_update("OLD", "NEW", "IS NOT DISTINCT FROM")
    raise_ = f"RAISE EXCEPTION '{PUBLISHED_MESSAGE}'"
    return [
        f"""CREATE OR REPLACE FUNCTION protocol_versions_published() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'DELETE' THEN
           IF OLD.status <> 'draft' THEN {raise_}; END IF;
           RETURN OLD;
         END IF;
         IF NOT ({allowed}) THEN {raise_}; END IF;
         RETURN NEW;
       END;
       $$ LANGUAGE plpgsql""",
        f"""CREATE OR REPLACE FUNCTION protocol_texts_published() RETURNS trigger AS $$
       BEGIN
         IF TG_OP IN ('UPDATE', 'DELETE') AND {_published("OLD.version_id")} THEN {raise_}; END IF;
         IF TG_OP IN ('INSERT', 'UPDATE') AND {_published("NEW.version_id")} THEN {raise_}; END IF;
         IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
         RETURN NEW;
       END;
       $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER protocol_versions_published_update BEFORE UPDATE ON protocol_versions
       FOR EACH ROW EXECUTE FUNCTION protocol_versions_published()""",
        """CREATE TRIGGER protocol_versions_published_delete BEFORE DELETE ON protocol_versions
       FOR EACH ROW EXECUTE FUNCTION protocol_versions_published()""",
        """CREATE TRIGGER protocol_texts_published_insert BEFORE INSERT ON protocol_texts
       FOR EACH ROW EXECUTE FUNCTION protocol_texts_published()""",
        """CREATE TRIGGER protocol_texts_published_update BEFORE UPDATE ON protocol_texts
       FOR EACH ROW EXECUTE FUNCTION protocol_texts_published()""",
        """CREATE TRIGGER protocol_texts_published_delete BEFORE DELETE ON protocol_texts
       FOR EACH ROW EXECUTE FUNCTION protocol_texts_published()""",
    ]


def create_published_version_triggers(target) -> None:
    """Fix open versions and their texts in the database (see the module's docstring); replace
    the triggers if they exist. ``target`` is Alembic's ``op`` or a SQLAlchemy connection."""
    dialect, execute = _dialect_and_execute(target)
    postgres = dialect == "postgresql"
    drop_published_version_triggers(target, functions=False)
    for statement in _postgres_published_triggers() if postgres else _sqlite_published_triggers():
        execute(statement)


def drop_published_version_triggers(target, *, functions: bool = True) -> None:
    dialect, execute = _dialect_and_execute(target)
    postgres = dialect == "postgresql"
    for table, name in PUBLISHED_TRIGGERS + ((), SQLITE_REPLACE_GUARDS)[not postgres]:
        execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgres else ""))
    if postgres and functions:
        execute("DROP FUNCTION IF EXISTS protocol_versions_published()")
        execute("DROP FUNCTION IF EXISTS protocol_texts_published()")
