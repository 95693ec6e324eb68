"""Deleting a report asks first, on a page of its own, without JavaScript."""

import re

from tests.conftest import audit_rows
from turkicnet.extensions import db
from turkicnet.reports.models import Report


def test_the_report_page_links_to_the_confirmation_instead_of_deleting(
    client, login_as, center, focal_point, make_report
):
    report = make_report(focal_point, center)
    login_as(focal_point)

    page = client.get(f"/reports/{report.id}").get_data(as_text=True)

    assert f'href="/reports/{report.id}/delete"' in page
    assert f'action="/reports/{report.id}/delete"' not in page


def test_the_confirmation_asks_about_the_report_and_changes_nothing(
    client, login_as, center, focal_point, make_report
):
    report = make_report(focal_point, center, title="Energy & grids")
    login_as(focal_point)

    response = client.get(f"/reports/{report.id}/delete")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Delete “Energy &amp; grids”?" in page
    assert "This cannot be undone from the site." in page
    assert re.search(rf'<form class="stack" method="post" action="/reports/{report.id}/delete"', page)
    assert f'<a class="button" href="/reports/{report.id}">Cancel</a>' in page
    db.session.expire_all()
    assert db.session.get(Report, report.id).deleted_at is None
    assert audit_rows("reports.delete") == []


def test_posting_the_confirmation_deletes_the_report(client, login_as, center, focal_point, make_report):
    report = make_report(focal_point, center, visibility="draft")
    report_id = report.id
    login_as(focal_point)

    response = client.post(f"/reports/{report_id}/delete")

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Report, report_id) is None


def test_an_editor_who_may_not_delete_is_refused_the_confirmation(
    client, login_as, center, focal_point, editor, make_report
):
    report = make_report(focal_point, center)
    login_as(editor)

    assert client.get(f"/reports/{report.id}/delete").status_code == 403
    assert client.post(f"/reports/{report.id}/delete").status_code == 403


def test_a_draft_another_center_cannot_see_stays_hidden_behind_its_confirmation(
    client, login_as, center, focal_point, make_report, make_center
):
    report = make_report(focal_point, center, visibility="draft")
    stranger = next(m.user for m in make_center().memberships if m.is_primary)
    login_as(stranger)

    assert client.get(f"/reports/{report.id}/delete").status_code == 404
