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
