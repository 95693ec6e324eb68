"""The migrations build the schema the models describe, on both dialects."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from turkicnet.extensions import db
from turkicnet.migrations import unmanaged

#: What autogenerate would drop without the hook: the search objects of 0003.
SEARCH_OBJECTS = {
    "sqlite": {("remove_table", name) for name in unmanaged.SKIPPED_TABLES},
    "postgresql": {
        ("remove_column", ("report_texts", "search_vector")),
        ("remove_index", ("report_texts", "ix_report_texts_search_vector")),
    },
}


def _differences(include_name=unmanaged.include_name) -> list:
    opts = {"compare_type": True}
    if include_name is not None:
        opts["include_name"] = include_name
    with db.engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection, opts=opts), db.metadata)


def _named(diff) -> tuple:
    kind = diff[0]
    if kind == "remove_table":
        return kind, diff[1].name
    if kind == "remove_column":
        return kind, (diff[2], diff[3].name)
    if kind == "remove_index":
        return kind, (diff[1].table.name, diff[1].name)
    return kind, repr(diff)


def test_the_migrated_schema_matches_the_models(app):
    assert _differences() == []


def test_the_hook_skips_exactly_the_search_objects(app):
    without_hook = {_named(diff) for diff in _differences(include_name=None)}
    assert without_hook == SEARCH_OBJECTS[db.engine.dialect.name]


def test_the_hook_skips_nothing_the_models_declare(app):
    tables = db.metadata.tables.values()
    assert unmanaged.SKIPPED_TABLES.isdisjoint(db.metadata.tables)
    assert unmanaged.SKIPPED_COLUMNS.isdisjoint({(t.name, c.name) for t in tables for c in t.columns})
    assert unmanaged.SKIPPED_INDEXES.isdisjoint({(t.name, i.name) for t in tables for i in t.indexes})


def test_flask_db_check_passes(runner):
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
