"""Who may act on a live public report, and that nobody acts on it once withdrawn (its
tombstone answers 410)."""

import pytest

from turkicnet.core.permissions import as_viewer
from turkicnet.reports import permissions, services

#: persona -> the predicates that allow them on the live report; the others refuse.
ALLOWED_WHILE_LIVE = {
    "admin": {"can_view_report", "can_delete_report"},
    "focal_point": {"can_view_report", "can_edit_report", "can_manage_report", "can_delete_report"},
    "editor": {"can_view_report", "can_edit_report", "can_manage_report"},
    "viewer": {"can_view_report"},
    "outsider": {"can_view_report"},
}
PREDICATES = ["can_view_report", "can_edit_report", "can_manage_report", "can_delete_report"]


@pytest.mark.parametrize("persona", list(ALLOWED_WHILE_LIVE))
@pytest.mark.parametrize("predicate", PREDICATES)
def test_a_withdrawn_report_is_seen_edited_managed_and_deleted_by_nobody(
    request, center, editor, focal_point, make_report, persona, predicate
):
    actor = as_viewer(request.getfixturevalue(persona))
    report = make_report(editor, center, visibility="public")
    check = getattr(permissions, predicate)
    assert check(actor, report) is (predicate in ALLOWED_WHILE_LIVE[persona])
    services.delete_report(focal_point, report)
    assert report.deleted_at is not None
    assert check(actor, report) is False
