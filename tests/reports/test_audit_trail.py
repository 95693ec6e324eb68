"""Refusals and reads of non-public files leave audit events (F-17).

A signed-in person refused another center's report (a 403, or the 404 of a report they may
not know of) is an ``authz_fail`` event naming them, what was refused, the object and their
address; the refused change itself is rolled back. A visitor's 404 is not recorded.
"""

import pytest

from tests.conftest import audit_rows
from turkicnet.extensions import db
from turkicnet.reports.models import Comment

ADDRESS = {"REMOTE_ADDR": "198.51.100.7"}


@pytest.fixture
def stranger(make_center, add_staff):
    """An editor of another member center, which has nothing to do with the reports."""
    return add_staff(make_center(country_code="AZ"), "editor")


def test_opening_another_centers_draft_is_a_404_and_an_audited_refusal(
    client, login_as, center, editor, stranger, make_report
):
    report = make_report(editor, center, visibility="draft")
    login_as(stranger)

    response = client.get(f"/reports/{report.id}", environ_base=ADDRESS)

    assert response.status_code == 404
    [event] = audit_rows("authz_fail")
    assert (event.actor_id, event.target_type, event.target_id, event.ip) == (
        stranger.id, "report", report.id, "198.51.100.7"
    )
    assert event.details["refused"] == "reports.view_report"
    assert event.details["path"] == "/reports/<int:report_id>"  # the rule: a path may hold a token


def test_a_refused_comment_is_rolled_back_and_the_refusal_is_recorded(
    client, login_as, center, editor, outsider, make_report
):
    report = make_report(editor, center)
    login_as(outsider)

    response = client.post(f"/reports/{report.id}/comments", data={"body": "Let me in"}, environ_base=ADDRESS)

    assert response.status_code == 403
    assert db.session.scalars(db.select(Comment)).all() == []
    assert audit_rows("reports.comment") == []
    [event] = audit_rows("authz_fail", report)
    assert event.actor_id == outsider.id and event.details["refused"] == "reports.add_comment"
    assert event.details["method"] == "POST"


def test_editing_another_centers_report_is_recorded_with_the_permission_refused(
    client, login_as, center, editor, stranger, make_report
):
    report = make_report(editor, center)
    login_as(stranger)
    assert client.get(f"/reports/{report.id}/edit").status_code == 403
    [event] = audit_rows("authz_fail", report)
    assert event.actor_id == stranger.id and event.details["refused"] == "reports.require_edit"


def test_a_visitors_404_is_not_recorded(client, center, editor, make_report):
    report = make_report(editor, center, visibility="draft")
    assert client.get(f"/reports/{report.id}").status_code == 404
    assert client.get("/reports/999999").status_code == 404
    assert audit_rows("authz_fail") == []


def test_an_unknown_report_is_not_a_refusal(client, login_as, stranger):
    login_as(stranger)
    assert client.get("/reports/999999").status_code == 404
    assert audit_rows("authz_fail") == []


def test_a_busy_database_loses_the_refusals_event_but_not_its_answer(
    client, login_as, center, editor, stranger, make_report, database_fault
):
    report = make_report(editor, center, visibility="draft")
    login_as(stranger)

    with database_fault(r"^\s*INSERT INTO audit_events") as refused:
        response = client.get(f"/reports/{report.id}")

    assert response.status_code == 404 and refused
    assert audit_rows("authz_fail") == []


# ---------------------------------------------------------------- downloads


@pytest.mark.parametrize("visibility", ["draft", "network"])
def test_downloading_a_file_of_a_report_that_is_not_public_is_audited(
    client, login_as, center, editor, focal_point, make_report, visibility
):
    report = make_report(editor, center, visibility=visibility)
    report_file = report.files[0]
    login_as(focal_point)

    response = client.get(f"/reports/{report.id}/files/{report_file.id}", environ_base=ADDRESS)

    assert response.status_code == 200
    [event] = audit_rows("reports.file_download", report)
    assert event.actor_id == focal_point.id and event.ip == "198.51.100.7"
    assert event.details["file_id"] == report_file.id


def test_downloading_a_public_file_is_only_counted(client, center, editor, make_report):
    report = make_report(editor, center, visibility="public")
    response = client.get(f"/reports/{report.id}/files/{report.files[0].id}")
    assert response.status_code == 200
    assert audit_rows("reports.file_download") == []
