"""The admin reads: the audit log and one object's trail, for admins only."""

import pytest

from turkicnet.admin import services
from turkicnet.core.errors import PermissionDenied


def test_the_audit_log_is_filtered_by_action_prefix_target_type_and_target(admin, make_center):
    first, second = make_center(), make_center()
    by_action = services.audit_page(admin, action="centers.approve").items
    assert {(e.action, e.target_id) for e in by_action} == {
        ("centers.approve", first.id),
        ("centers.approve", second.id),
    }
    one_center = services.audit_page(admin, target_type="center", target_id=first.id).items
    assert [e.action for e in one_center] == ["centers.approve", "centers.apply"]  # newest first
    assert {e.target_id for e in one_center} == {first.id}


def test_an_action_prefix_is_matched_literally(admin, make_center):
    make_center()
    assert services.audit_page(admin, action="centers.").items
    assert services.audit_page(admin, action="centers%").items == []
    assert services.audit_page(admin, action="centers_approve").items == []


def test_one_centers_trail_is_read_oldest_first(admin, make_center):
    center = make_center(status="suspended")
    assert [e.action for e in services.audit_for(admin, center)] == [
        "centers.apply",
        "centers.approve",
        "centers.suspend",
    ]


@pytest.mark.parametrize("persona", ["focal_point", "outsider"])
def test_only_admins_read_the_audit_log(request, persona, center):
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.audit_page(actor)
    with pytest.raises(PermissionDenied):
        services.audit_for(actor, center)
