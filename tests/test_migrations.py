"""The migrations build the schema the models describe, on both dialects, and can be undone.

The PostgreSQL round trip runs in a scratch database of its own, created and dropped on the
server of ``TEST_DATABASE_URL``; it is skipped only when that variable is unset.
"""

import contextlib
import uuid
from dataclasses import dataclass

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DatabaseError

from tests.conftest import POSTGRES_URL, base_config
from turkicnet import create_app
from turkicnet.config import normalise_database_url
from turkicnet.extensions import db
from turkicnet.migrations import unmanaged
from turkicnet.protocol.schema import (
    PUBLISHED_TRIGGERS,
    SQLITE_REPLACE_GUARDS,
    create_append_only_triggers,
    create_published_version_triggers,
)

#: What the migrations seed: 0001 the countries, 0003 the Astana workshop, its sections, the topics.
SEEDED_ROWS = {"countries": 8, "events": 1, "sections": 2, "topics": 12}
LEDGER_TRIGGERS = {
    "ledger_entries_no_update",
    "ledger_entries_no_delete",
    "ledger_checkpoints_no_update",
    "ledger_checkpoints_no_delete",
}
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


# ---------------------------------------------------------------- downgrade base, upgrade head


@dataclass
class RoundTrip:
    engine: Engine
    left_after_downgrade: set[str]


@contextlib.contextmanager
def _scratch_postgres():
    """Create an empty database on the server of TEST_DATABASE_URL; yield its URL; drop it."""
    server = make_url(normalise_database_url(POSTGRES_URL))
    name = f"turkicnet_migrations_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _leftovers() -> set[str]:
    """Tables (and on PostgreSQL functions) in the database besides Alembic's own."""
    left = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    if db.engine.dialect.name == "postgresql":
        left |= set(
            db.session.scalars(
                text(
                    "SELECT proname FROM pg_proc JOIN pg_namespace n ON n.oid = pronamespace "
                    "WHERE nspname = 'public'"
                )
            )
        )
    else:
        left |= set(db.session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
    return left


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def round_trip(request, tmp_path_factory):
    """Upgrade a fresh database to head, downgrade it to base, upgrade it to head again."""
    folder = tmp_path_factory.mktemp("round_trip")
    with contextlib.ExitStack() as stack:
        if request.param == "postgresql":
            if not POSTGRES_URL:
                pytest.skip("TEST_DATABASE_URL is not set")
            url = stack.enter_context(_scratch_postgres())
        else:
            url = f"sqlite:///{folder / 'round_trip.db'}"
        app = create_app({**base_config(folder), "SQLALCHEMY_DATABASE_URI": url, "LEDGER_KEY_FILE": "unused"})
        with app.app_context():
            upgrade()
            downgrade(revision="base")
            left = _leftovers()
            db.session.remove()
            upgrade()
            db.session.remove()
            db.engine.dispose()
        engine = create_engine(normalise_database_url(url))
        stack.callback(engine.dispose)
        yield RoundTrip(engine, left)


def test_downgrade_to_base_leaves_nothing_behind(round_trip):
    assert round_trip.left_after_downgrade == set()


def _trigger_names(connection) -> set[str]:
    if connection.dialect.name == "postgresql":
        query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    return set(connection.scalars(text(query)))


ALL_TRIGGERS = LEDGER_TRIGGERS | {name for _, name in PUBLISHED_TRIGGERS}


def _expected_triggers(connection) -> set[str]:
    if connection.dialect.name == "sqlite":
        return ALL_TRIGGERS | {name for _, name in SQLITE_REPLACE_GUARDS}
    return ALL_TRIGGERS


def test_the_ledger_and_version_triggers_are_back_after_the_round_trip(round_trip):
    with round_trip.engine.connect() as connection:
        assert _trigger_names(connection) == _expected_triggers(connection)


def test_a_later_migration_may_create_the_triggers_again(app):
    connection = db.session.connection()
    create_append_only_triggers(connection)
    create_published_version_triggers(connection)
    assert _trigger_names(connection) == _expected_triggers(connection)


_OPEN_VERSION = (
    "INSERT INTO protocol_versions (id, number, title, status, required_centers, text_sha256, created_at, "
    "opened_at) VALUES (1, 1, 'Protocol', 'open', 3, :h, '2026-11-29 08:00:00', '2026-11-29 08:00:00')"
)
_TEXT = (
    "INSERT INTO protocol_texts (id, version_id, language, position, body, sha256, authentic) "
    "VALUES (1, 1, 'en', 0, 'Text', :h, true)"
)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE protocol_texts SET body = 'Another text'",
        "DELETE FROM protocol_texts",
        "UPDATE protocol_versions SET text_sha256 = :zero",
        "UPDATE protocol_versions SET status = 'superseded'",
        "DELETE FROM protocol_versions",
    ],
)
def test_an_open_version_refuses_changes_after_the_round_trip(round_trip, statement):
    values = {"h": "ab" * 32, "zero": "0" * 64}
    with round_trip.engine.connect() as connection:
        connection.execute(text(_OPEN_VERSION), values)
        with pytest.raises(DatabaseError, match="append-only"):
            connection.execute(text(_TEXT), values)  # no new text once open
        connection.rollback()
        connection.execute(text(_OPEN_VERSION.replace("'open'", "'draft'")), values)
        connection.execute(text(_TEXT), values)
        connection.execute(text("UPDATE protocol_versions SET status = 'open'"))
        with pytest.raises(DatabaseError, match="append-only"):
            connection.execute(text(statement), values)
        connection.rollback()


_ENTRY = (
    "INSERT INTO ledger_entries (seq, scheme, action, version, text_sha256, center, signer_name, "
    "signer_title, note, at, prev_hash, hash) VALUES (1, 'simple-v1', 'sign', 1, :h, 'cerr-uz', "
    "'Dilnoza Karimova', 'Director', '', '2026-11-29T08:15:00Z', :zero, :h)"
)
_CHECKPOINT = (
    "INSERT INTO ledger_keys (key_id, public_key, created_at) VALUES ('k1', :h, '2026-11-29 08:15:00')",
    "INSERT INTO ledger_checkpoints (id, seq, hash, at, key_id, signature) "
    "VALUES (1, 1, :h, '2026-11-29T08:15:00Z', 'k1', :h)",
)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_entries SET signer_name = 'Someone Else'",
        "DELETE FROM ledger_entries",
        "UPDATE ledger_checkpoints SET signature = :zero",
        "DELETE FROM ledger_checkpoints",
    ],
)
def test_the_ledger_refuses_changes_after_the_round_trip(round_trip, statement):
    values = {"h": "ab" * 32, "zero": "0" * 64}
    inserts = (_ENTRY, *_CHECKPOINT) if "ledger_checkpoints" in statement else (_ENTRY,)
    with round_trip.engine.connect() as connection:
        for insert in inserts:
            connection.execute(text(insert), values)
        with pytest.raises(DatabaseError, match="ledger entries are append-only"):
            connection.execute(text(statement), values)
        connection.rollback()


def test_the_reference_data_is_seeded_after_the_round_trip(round_trip):
    with round_trip.engine.connect() as connection:
        counts = {table: connection.scalar(text(f"SELECT count(*) FROM {table}")) for table in SEEDED_ROWS}
    assert counts == SEEDED_ROWS


# ---------------------------------------------------------------- 0006, the reports' creation keys


def test_the_creation_key_migration_keeps_every_reports_files_and_comments(app, center, add_staff):
    """0006 alters ``reports`` in place both ways: copying it would drop the table, and its
    files and comments would cascade with it."""
    from tests.conftest import pdf_upload
    from turkicnet.reports import services
    from turkicnet.reports.models import Section

    editor = add_staff(center, "editor")
    section = db.session.scalars(db.select(Section)).first()
    report = services.create_report(
        editor, center, services.ReportData(section_id=section.id, title="Trade"), files=[pdf_upload()],
        creation_key=str(uuid.uuid4()),
    )  # fmt: skip
    services.add_comment(editor, report, "A remark")
    counted = "SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM report_files), " \
              "(SELECT count(*) FROM comments)"  # fmt: skip
    db.session.remove()

    downgrade(revision="0005")
    after_downgrade = tuple(db.session.execute(text(counted)).one())
    columns = {c["name"] for c in inspect(db.engine).get_columns("reports")}
    db.session.remove()
    upgrade()

    assert after_downgrade == (1, 1, 1) and "creation_key" not in columns
    assert tuple(db.session.execute(text(counted)).one()) == (1, 1, 1)
    assert _differences() == []


# ---------------------------------------------------------------- 0010, data translations


def test_the_translation_seed_finds_the_seeded_event_by_its_title_not_its_number(app):
    """0010 translates the workshop 0003 seeded, wherever it stands: an event an admin made
    under the number the workshop once had keeps its own words."""
    from turkicnet.reports.models import Event

    db.session.remove()
    downgrade(revision="0009")
    db.session.execute(text("UPDATE sections SET event_id = NULL"))
    db.session.execute(text("DELETE FROM events"))
    db.session.execute(text(
        "INSERT INTO events (id, title, city, starts_on, ends_on) VALUES "
        "(1, 'Trade forum', 'Baku', '2025-05-05', '2025-05-06'), "
        "(2, 'Workshop of economic policy research centers of the Turkic states', 'Astana', "
        "'2023-02-17', '2023-02-18')"
    ))  # fmt: skip
    db.session.commit()
    db.session.remove()
    upgrade()

    forum, workshop = db.session.get(Event, 1), db.session.get(Event, 2)
    assert forum.translations == {}
    assert workshop.translations["tr"]["title"].startswith("Türk Devletleri")
    assert workshop.translations["ru"]["city"] == "Астана"


def test_db_check_on_a_fresh_checkout_builds_the_sqlite_database_first_and_finds_nothing(tmp_path):
    # A newcomer's first `flask db check`, before any `flask db upgrade`: no traceback about a
    # file SQLite may not create, but the check itself, against what the migrations build.
    database = tmp_path / "fresh.db"
    url = f"sqlite:///{database}"
    app = create_app({**base_config(tmp_path), "SQLALCHEMY_DATABASE_URI": url, "LEDGER_KEY_FILE": "unused"})
    result = app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
    assert "building it through the migrations first" in result.output
    assert database.exists()
    with app.app_context():
        db.engine.dispose()
