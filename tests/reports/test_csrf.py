"""The report page's buttons with CSRF protection switched back on: a post without the
page's token (a cross-site form) changes nothing; with it, the change goes through."""

import re

import pytest

from tests.conftest import PASSWORD, audit_rows
from turkicnet.extensions import db
from turkicnet.reports import services
from turkicnet.reports.models import Comment


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


@pytest.fixture
def csrf_client(app, make_app):
    """A browser on an app of the same database with CSRF protection on."""
    return make_app(WTF_CSRF_ENABLED=True).test_client()


def _log_in(client, user):
    token = _token(client.get("/auth/login").get_data(as_text=True))
    response = client.post(
        "/auth/login", data={"csrf_token": token, "email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302


@pytest.fixture
def shared_report(center, editor, make_center, make_report):
    report = make_report(editor, center, visibility="draft")
    partner = make_center(country_code="UZ")
    services.share_report(editor, report, [partner.id])
    return report, partner


def test_cross_site_posts_delete_unshare_remove_and_comment_nothing(
    csrf_client, focal_point, shared_report, tmp_path
):
    report, partner = shared_report
    stored = tmp_path / "uploads" / report.files[0].stored_name
    _log_in(csrf_client, focal_point)
    forged = {
        f"/reports/{report.id}/delete": {},
        f"/reports/{report.id}/shares/{partner.id}/remove": {},
        f"/reports/{report.id}/files/{report.files[0].id}/delete": {},
        f"/reports/{report.id}/comments": {"body": "Forged remark"},
    }
    for path, data in forged.items():
        response = csrf_client.post(path, data=data)
        assert response.status_code == 400, path
    db.session.expire_all()
    assert report.deleted_at is None and len(report.files) == 1 and stored.exists()
    assert [s.center_id for s in report.shares] == [partner.id]
    assert db.session.scalars(db.select(Comment)).all() == []
    for action in ("reports.delete", "reports.unshare", "reports.remove_file", "reports.comment"):
        assert audit_rows(action) == [], action


def test_the_delete_button_with_the_pages_token_goes_through(csrf_client, center, focal_point, shared_report):
    report, _partner = shared_report
    _log_in(csrf_client, focal_point)
    token = _token(csrf_client.get(f"/reports/{report.id}").get_data(as_text=True))
    response = csrf_client.post(f"/reports/{report.id}/delete", data={"csrf_token": token})
    assert response.status_code == 302 and response.location == f"/centers/{center.slug}"
    assert len(audit_rows("reports.delete")) == 1
