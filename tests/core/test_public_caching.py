"""Public pages, read by an anonymous visitor, set no cookie and say they vary by cookie:
a shared cache may keep them, and nobody gets a session for reading."""

import pytest

from tests.reports.conftest import make_report, sections  # noqa: F401 (fixtures)


@pytest.fixture
def public_paths(center, editor, make_report, make_version, sections):  # noqa: F811
    report = make_report(editor, center, visibility="public")
    make_version()
    return [
        "/", "/centers", f"/centers/{center.slug}", "/protocol", f"/reports/{report.id}",
        "/search?q=energy", f"/sections/{report.section.slug}", "/sections", "/protocol/v/1",
    ]  # fmt: skip


@pytest.mark.parametrize("csrf_on", [False, True], ids=["csrf-off", "csrf-on"])
def test_an_anonymous_visitor_reading_public_pages_gets_no_cookie(app, make_app, public_paths, csrf_on):
    client = make_app(WTF_CSRF_ENABLED=csrf_on).test_client()
    for path in public_paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers.getlist("Set-Cookie") == [], path
        assert "Cookie" in response.vary, path


def test_a_page_with_a_form_gives_the_visitor_the_session_its_token_needs(app, make_app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    for path in ("/auth/login", "/auth/register"):
        response = client.get(path)
        assert any(h.startswith("session=") for h in response.headers.getlist("Set-Cookie")), path
        assert response.headers["Cache-Control"] == "no-store", path


def test_a_logged_in_reader_of_a_public_page_is_never_cached(public_paths, login_as, focal_point):
    client = login_as(focal_point)
    for path in public_paths:
        response = client.get(path)
        assert response.headers["Cache-Control"] == "no-store", path
        assert "Cookie" in response.vary, path
