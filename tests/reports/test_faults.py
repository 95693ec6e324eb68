"""A database that fails in the middle of publishing, posting, sharing or commenting leaves
nothing half-written and no stray file, and the person gets a 503 with what they typed."""

import html
import io
import re
import sqlite3

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from tests.conftest import PASSWORD, pdf_upload, row_counts, stored_uploads
from turkicnet.extensions import db
from turkicnet.protocol.services import verify_ledger
from turkicnet.reports import services
from turkicnet.reports.models import Comment, Report, Visibility


def _data(report: Report, **changes) -> services.ReportData:
    values = dict(
        section_id=report.section_id,
        title=report.title,
        abstract=report.abstract,
        authors=report.authors,
        coauthor_center_ids=[c.center_id for c in report.coauthors],
        language=report.language,
        publication_date=report.publication_date,
        keywords=report.keywords,
        visibility=report.visibility.value,
    )
    values.update(changes)
    return services.ReportData(**values)


def _unchanged_since(before: dict, app, uploads: set[str]) -> None:
    db.session.expire_all()
    assert row_counts() == before
    assert stored_uploads(app) == uploads
    assert verify_ledger().ok


@pytest.mark.parametrize("statement", [r"^UPDATE reports", r"^INSERT INTO report_fts", r"^INSERT INTO audit"])
def test_a_database_error_while_publishing_leaves_the_report_a_draft(
    app, center, editor, make_report, database_fault, statement
):
    if "report_fts" in statement and db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's search index is a table of its own")
    report = make_report(editor, center, visibility="draft")
    before, uploads = row_counts(), stored_uploads(app)
    with database_fault(statement) as refused, pytest.raises(OperationalError):
        services.update_report(
            editor, report, _data(report, visibility="public"), expected_version=report.lock_version
        )
    assert refused
    _unchanged_since(before, app, uploads)
    assert db.session.get(Report, report.id).visibility is Visibility.DRAFT


@pytest.mark.parametrize("statement", [r"^INSERT INTO report_files", r"^INSERT INTO audit_events"])
def test_a_database_error_while_posting_a_report_with_a_file_keeps_no_file(
    app, center, editor, make_report, database_fault, statement
):
    make_report(editor, center)
    before, uploads = row_counts(), stored_uploads(app)
    data = _data(db.session.scalars(db.select(Report)).one(), title="A second report")
    with database_fault(statement) as refused, pytest.raises(OperationalError):
        services.create_report(editor, center, data, files=[pdf_upload("annex.pdf")])
    assert refused
    _unchanged_since(before, app, uploads)


@pytest.mark.parametrize(
    "statement",
    [r"^INSERT INTO report_shares", r"^INSERT INTO notifications", r"^INSERT INTO outbox_messages"],
)
def test_a_database_error_while_sharing_shares_with_no_one_and_tells_no_one(
    app, center, editor, make_center, add_staff, make_report, database_fault, statement
):
    partner = make_center(country_code="UZ")
    add_staff(partner, "viewer")
    report = make_report(editor, center, visibility="network")
    before, uploads = row_counts(), stored_uploads(app)
    with database_fault(statement) as refused, pytest.raises(OperationalError):
        services.share_report(editor, report, [partner.id])
    assert refused
    _unchanged_since(before, app, uploads)
    assert db.session.get(Report, report.id).shares == []


# ---------------------------------------------------------------- what the person gets


def test_a_comment_that_meets_a_database_error_gets_a_503_with_the_text_kept(
    client, login_as, center, editor, make_report, database_fault
):
    report = make_report(editor, center)
    login_as(editor)
    before = row_counts()
    typed = "Our figures for 2025 differ:\nsee table 3."
    with database_fault(r"^INSERT INTO comments") as refused:
        response = client.post(f"/reports/{report.id}/comments", data={"body": typed})
    page = response.get_data(as_text=True)
    assert refused
    assert response.status_code == 503
    assert 'class="site-header"' in page and "nothing was saved; try again in a moment" in page
    assert f'action="/reports/{report.id}/comments"' in page
    assert f'name="body" rows="8">{typed}</textarea>' in page
    assert row_counts() == before
    assert db.session.scalars(db.select(Comment)).all() == []


def test_a_comment_sent_as_json_gets_problem_json(
    client, login_as, center, editor, make_report, database_fault
):
    report = make_report(editor, center)
    login_as(editor)
    with database_fault(r"^INSERT INTO comments"):
        response = client.post(
            f"/reports/{report.id}/comments", data={"body": "Noted."}, headers={"Accept": "application/json"}
        )
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 503
    assert response.headers["Retry-After"].isdigit()


def test_a_new_report_that_meets_a_database_error_keeps_its_text_but_no_file(
    app, client, login_as, center, editor, sections, database_fault
):
    login_as(editor)
    before, uploads = row_counts(), stored_uploads(app)
    data = {
        "section_id": str(sections["national-development-priorities"].id),
        "title": "Digital trade in the Turkic states",
        "abstract": "E-commerce and cross-border payments.",
        "language": "en",
        "visibility": "public",
        "files": [(io.BytesIO(pdf_upload().stream.read()), "digital-trade.pdf")],
    }
    with database_fault(r"^INSERT INTO report_files") as refused:
        response = client.post(
            f"/reports/new?center={center.slug}", data=data, content_type="multipart/form-data"
        )
    page = response.get_data(as_text=True)
    assert refused
    assert response.status_code == 503
    assert 'enctype="multipart/form-data"' in page
    assert 'value="Digital trade in the Turkic states"' in page
    assert "Files you attached could not be kept" in page
    _unchanged_since(before, app, uploads)


def test_a_comment_while_another_process_holds_the_sqlite_write_lock_is_a_503(
    make_app, center, editor, make_report
):
    app = make_app(SQLITE_BUSY_TIMEOUT=100)
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's file lock")
    report = make_report(editor, center)
    client = app.test_client()
    client.post("/auth/login", data={"email": editor.email, "password": PASSWORD})
    other = sqlite3.connect(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        response = client.post(f"/reports/{report.id}/comments", data={"body": "Typed while it was locked."})
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert response.status_code == 503
    assert "Typed while it was locked." in response.get_data(as_text=True)
    assert db.session.scalars(db.select(Comment)).all() == []


def test_a_comment_that_waits_too_long_for_a_postgresql_lock_is_a_503(make_app, center, editor, make_report):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's lock_timeout")
    import psycopg

    app = make_app(SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"options": "-c lock_timeout=200"}})
    report = make_report(editor, center)
    client = app.test_client()
    client.post("/auth/login", data={"email": editor.email, "password": PASSWORD})
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False)) as other:
        other.execute("LOCK TABLE comments IN ACCESS EXCLUSIVE MODE")
        response = client.post(f"/reports/{report.id}/comments", data={"body": "Typed while it was locked."})
        other.rollback()
    assert response.status_code == 503
    assert "Typed while it was locked." in response.get_data(as_text=True)
    assert db.session.scalars(db.select(Comment)).all() == []


def _retry_form(page: str) -> tuple[str, dict[str, str]]:
    """Where the 503 page's form posts, and what it sends, read as a browser reads it."""
    action = re.search(r'<form class="stack" method="post" action="([^"]+)"', page).group(1)
    fields = dict(
        re.findall(r'<input type="(?:hidden|text)"(?: id="[^"]+")? name="([^"]+)" value="([^"]*)">', page)
    )
    fields |= dict(re.findall(r'<textarea id="[^"]+" name="([^"]+)" rows="8">(.*?)</textarea>', page, re.S))
    return html.unescape(action), {name: html.unescape(value) for name, value in fields.items()}


def test_try_again_sends_the_kept_comment_with_a_fresh_token_once_the_database_is_back(
    make_app, center, editor, make_report, database_fault
):
    report = make_report(editor, center)
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/auth/login").get_data(True)
    )
    client.post(
        "/auth/login", data={"csrf_token": token.group(1), "email": editor.email, "password": PASSWORD}
    )
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    typed = "Our figures differ: <see table 3> & annex “B”."
    with database_fault(r"^INSERT INTO comments"):
        response = client.post(f"/reports/{report.id}/comments", data={"csrf_token": token, "body": typed})
    assert response.status_code == 503
    action, fields = _retry_form(response.get_data(as_text=True))
    assert fields["body"] == typed and fields["csrf_token"]

    again = client.post(action, data=fields)
    assert again.status_code == 302
    assert [comment.body for comment in db.session.scalars(db.select(Comment))] == [typed]
