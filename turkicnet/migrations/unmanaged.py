"""Schema objects that migrations create with raw DDL and the models do not declare.

Autogenerate (``flask db migrate``, ``flask db check``) compares the models with the database. It
would report these objects as removed, and the next generated migration would drop them.
``env.py`` passes ``include_name`` to Alembic, and ``tests/test_migrations.py`` uses it too.
When a migration creates an object with raw DDL, list the object here in the same commit.
"""

#: SQLite: the FTS5 table behind report search (0003).
FTS5_TABLES = ("report_fts",)
#: The shadow tables SQLite creates for every FTS5 table, named ``<table>_<suffix>``.
FTS5_SHADOW_SUFFIXES = ("data", "idx", "content", "docsize", "config")

SKIPPED_TABLES = frozenset(FTS5_TABLES) | {
    f"{table}_{suffix}" for table in FTS5_TABLES for suffix in FTS5_SHADOW_SUFFIXES
}
#: PostgreSQL: report search's generated tsvector column and its GIN index (0003), as (table, name).
SKIPPED_COLUMNS = frozenset({("report_texts", "search_vector")})
SKIPPED_INDEXES = frozenset({("report_texts", "ix_report_texts_search_vector")})


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic's ``include_name`` hook: False for the objects above, True for everything else."""
    if type_ == "table":
        return name not in SKIPPED_TABLES
    if type_ == "column":
        return (parent_names.get("table_name"), name) not in SKIPPED_COLUMNS
    if type_ == "index":
        return (parent_names.get("table_name"), name) not in SKIPPED_INDEXES
    return True
