"""A missing, unreachable, unmigrated or busy database: /healthz says which, pages answer a
calm 503 that keeps what was typed, and a mistake in the code is still a 500."""

import sqlite3

import psycopg
import pytest
from alembic.script import ScriptDirectory
from flask_migrate import downgrade
from sqlalchemy import exc, text

from tests.conftest import POSTGRES_URL, base_config
from turkicnet import create_app
from turkicnet.core.database import is_unavailable
from turkicnet.extensions import db

UNREACHABLE_POSTGRES = "postgresql://postgres@127.0.0.1:1/x"


def _app_on(url: str, tmp_path, ledger_key_file, **overrides):
    config = {
        **base_config(tmp_path),
        "SQLALCHEMY_DATABASE_URI": url,
        "LEDGER_KEY_FILE": str(ledger_key_file),
    }
    return create_app({**config, **overrides})


def _scripts(app) -> ScriptDirectory:
    with app.app_context():
        return ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())


# ---------------------------------------------------------------- /healthz


def test_healthz_names_the_migration_the_database_is_at(client, app):
    [head] = _scripts(app).get_heads()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["database"] == "ok"
    assert response.json["migration"] == head
    assert "reason" not in response.json


def test_a_missing_sqlite_file_is_reported_and_never_created(tmp_path, ledger_key_file):
    missing = tmp_path / "moved-away.db"
    app = _app_on(f"sqlite:///{missing}", tmp_path, ledger_key_file)
    client = app.test_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "missing"
    assert "does not exist" in response.json["reason"]
    page = client.get("/")
    assert page.status_code == 503
    assert "The database is busy or unavailable" in page.get_data(as_text=True)
    assert not missing.exists()


def test_only_the_migrations_that_build_a_database_may_create_its_file(tmp_path, ledger_key_file):
    missing = tmp_path / "new.db"
    runner = _app_on(f"sqlite:///{missing}", tmp_path, ledger_key_file).test_cli_runner()
    result = runner.invoke(args=["db", "current"])
    assert result.exit_code != 0
    assert not missing.exists()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert missing.exists()


def test_an_existing_file_without_the_schema_is_not_migrated(tmp_path, ledger_key_file):
    empty = tmp_path / "empty.db"
    empty.touch()
    response = _app_on(f"sqlite:///{empty}", tmp_path, ledger_key_file).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "not_migrated"
    assert "flask db upgrade" in response.json["reason"]


def test_an_unreachable_postgresql_is_reported_and_pages_say_try_again(tmp_path, ledger_key_file):
    client = _app_on(UNREACHABLE_POSTGRES, tmp_path, ledger_key_file).test_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert (response.json["database"], response.json["engine"]) == ("unreachable", "postgresql")
    page = client.get("/centers")
    assert page.status_code == 503
    assert page.headers["Retry-After"].isdigit()
    body = page.get_data(as_text=True)
    assert 'class="site-header"' in body
    assert "nothing was saved; try again in a moment" in body


def test_a_database_at_another_revision_is_not_healthy(client, app):
    scripts = _scripts(app)
    [head] = scripts.get_heads()
    previous = scripts.get_revision(head).down_revision
    db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": previous})
    db.session.commit()
    try:
        response = client.get("/healthz")
    finally:
        db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})
        db.session.commit()
    assert response.status_code == 503
    assert (response.json["database"], response.json["migration"], response.json["head"]) == (
        "not_at_head",
        previous,
        head,
    )


def test_a_database_downgraded_one_revision_is_not_healthy(make_app):
    if POSTGRES_URL:
        pytest.skip("downgrades the per-test SQLite copy; the revision test covers PostgreSQL")
    app = make_app()
    scripts = _scripts(app)
    [head] = scripts.get_heads()
    with app.app_context():
        downgrade(revision="-1")
        db.engine.dispose()
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "not_at_head"
    assert response.json["migration"] == scripts.get_revision(head).down_revision


# ---------------------------------------------------------------- 503 and 500


def test_a_client_that_wants_json_gets_problem_json(tmp_path, ledger_key_file):
    client = _app_on(UNREACHABLE_POSTGRES, tmp_path, ledger_key_file).test_client()
    response = client.get("/centers", headers={"Accept": "application/json"})
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"].isdigit()
    problem = response.json
    assert set(problem) == {"type", "title", "status", "detail"}
    assert problem["status"] == 503
    assert "nothing was saved" in problem["detail"]


def test_a_post_that_meets_a_busy_database_gets_its_fields_back(client, login_as, make_user, database_fault):
    login_as(make_user())
    with database_fault(r"^UPDATE notifications|^INSERT INTO audit_events") as refused:
        response = client.post(
            "/notifications/read?from=menu",
            data={"note": "Line one\nline two", "next": "/", "password": "secret words", "ids": ["1", "2"]},
        )
    page = response.get_data(as_text=True)
    assert refused, "the change reached the database"
    assert response.status_code == 503
    assert response.headers["Cache-Control"] == "no-store"
    assert 'action="/notifications/read?from=menu"' in page
    assert '<textarea id="retry-1" name="note" rows="8">Line one\nline two</textarea>' in page
    assert '<input type="hidden" name="next" value="/">' in page
    assert page.count('type="hidden" name="ids"') == 2
    assert "secret words" not in page and 'name="password"' not in page
    assert "Try again" in page


def test_a_mistake_in_the_code_is_still_a_500(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/broken")
    def broken():
        db.session.execute(text("SELECT * FROM no_such_table"))

    response = app.test_client().get("/broken")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)


def _wrapped(error_class, original):
    return error_class("INSERT INTO comments …", {}, original)


@pytest.mark.parametrize(
    ("error", "unavailable"),
    [
        (_wrapped(exc.OperationalError, sqlite3.OperationalError("database is locked")), True),
        (_wrapped(exc.OperationalError, sqlite3.OperationalError("unable to open database file")), True),
        (_wrapped(exc.OperationalError, sqlite3.OperationalError("disk I/O error")), True),
        (_wrapped(exc.OperationalError, sqlite3.OperationalError("no such table: comments")), False),
        (_wrapped(exc.OperationalError, sqlite3.OperationalError('near "SELEC": syntax error')), False),
        (_wrapped(exc.IntegrityError, sqlite3.IntegrityError("UNIQUE constraint failed")), False),
        (_wrapped(exc.OperationalError, psycopg.errors.LockNotAvailable("lock timeout")), True),
        (_wrapped(exc.OperationalError, psycopg.OperationalError("connection refused")), True),
        (_wrapped(exc.InterfaceError, psycopg.InterfaceError("the connection is closed")), True),
        (_wrapped(exc.ProgrammingError, psycopg.errors.UndefinedTable("relation does not exist")), False),
        (exc.TimeoutError("QueuePool limit of size 5 overflow 10 reached"), True),
        (ValueError("not a database error"), False),
    ],
    ids=lambda value: str(value)[:40] if isinstance(value, Exception) else str(value),
)
def test_only_a_busy_or_unreachable_database_counts_as_unavailable(error, unavailable):
    assert is_unavailable(error) is unavailable
