"""The viewer: who is asking, read once per request, and what the report rules read from it."""

import pytest
from sqlalchemy import event

from turkicnet.core.permissions import ANONYMOUS, Viewer, as_viewer, current_viewer
from turkicnet.extensions import db
from turkicnet.reports.permissions import can_view_report, visible_reports


def test_no_one_is_the_anonymous_viewer(app):
    assert as_viewer(None) is ANONYMOUS
    assert not ANONYMOUS.is_authenticated and not ANONYMOUS.is_admin and not ANONYMOUS.signatory_member
    with pytest.raises(AttributeError):
        ANONYMOUS.id  # noqa: B018 - no one has no id


def test_a_viewer_knows_the_centers_of_its_person_and_where_they_write(
    app, admin, center, editor, viewer, make_center, add_staff
):
    from turkicnet.centers.services import suspend_center

    suspended = make_center()
    add_staff(suspended, "editor", user=editor)
    suspend_center(admin, suspended, note="Inactive.")
    seen = as_viewer(editor)
    assert seen.center_ids == {center.id, suspended.id}
    assert seen.writable_center_ids == {center.id}, "no writing for a suspended center"
    assert as_viewer(viewer).writable_center_ids == frozenset()
    assert seen.id == editor.id and seen.email == editor.email, "the rest is read from the user"
    assert as_viewer(seen) is seen


def test_signing_makes_the_staff_of_a_center_signatory_members(app, signed_and_unsigned):
    (_signed, member), (_unsigned, non_member) = signed_and_unsigned
    assert as_viewer(member).signatory_member
    assert not as_viewer(non_member).signatory_member


def test_report_rules_refuse_a_bare_user_so_no_predicate_reads_the_ledger(app, editor, center, make_report):
    report = make_report(editor, center, visibility="network")
    with pytest.raises(TypeError):
        can_view_report(editor, report)
    with pytest.raises(TypeError):
        visible_reports(editor)
    assert can_view_report(as_viewer(editor), report)
    assert can_view_report(None, report) is False


def test_the_request_resolves_its_viewer_once(
    app, client, login_as, signed_and_unsigned, editor, center, make_report
):
    """However many rules a page asks (list, counts, buttons, comments), the signatory
    standing behind them is read in one query per request."""
    (_signed, member), _unsigned = signed_and_unsigned
    report = make_report(editor, center, visibility="network", title="For the network")
    login_as(member)
    ledger_reads = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if "ledger_entries" in statement:
            ledger_reads.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        page = client.get(f"/reports/{report.id}")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert page.status_code == 200 and "For the network" in page.get_data(as_text=True)
    assert len(ledger_reads) == 1


def test_current_viewer_outside_a_request_is_no_one(app):
    assert current_viewer() is ANONYMOUS


def test_the_viewer_of_a_request_is_its_logged_in_person(app, editor):
    from flask_login import login_user

    with app.test_request_context("/"):
        login_user(editor)
        first = current_viewer()
        assert isinstance(first, Viewer) and first.user is editor
        assert current_viewer() is first


def test_a_viewer_is_a_snapshot_and_cannot_be_changed(app, editor):
    seen = as_viewer(editor)
    with pytest.raises(AttributeError):
        seen.signatory_member = True
