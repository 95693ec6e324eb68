"""A signed-in person refused another center's staff, requests or application leaves an
``authz_fail`` audit event, and the refused change is not made (F-17)."""

from tests.conftest import audit_rows
from turkicnet.extensions import db

from .conftest import membership, primary_of

ADDRESS = {"REMOTE_ADDR": "198.51.100.8"}


def test_changing_a_role_at_another_center_is_refused_and_recorded(
    client, login_as, center, editor, other_focal_point
):
    login_as(other_focal_point)
    staff_member = membership(editor, center)

    response = client.post(
        f"/centers/{center.slug}/staff/{staff_member.id}",
        data={f"m{staff_member.id}-role": "focal_point"}, environ_base=ADDRESS,
    )  # fmt: skip

    assert response.status_code == 403
    db.session.refresh(staff_member)
    assert staff_member.role.value == "editor"
    assert audit_rows("centers.change_staff") == []
    [event] = audit_rows("authz_fail", staff_member)
    assert (event.actor_id, event.target_type) == (other_focal_point.id, "membership")
    assert event.ip == "198.51.100.8"
    assert event.details["refused"] == "centers.change_staff"


def test_reaching_another_centers_staff_member_through_ones_own_center_is_recorded(
    client, login_as, center, editor, other_center, other_focal_point
):
    login_as(other_focal_point)
    staff_member = membership(editor, center)

    response = client.post(
        f"/centers/{other_center.slug}/staff/{staff_member.id}/remove", data={"confirm": "y"}
    )

    assert response.status_code == 404
    assert membership(editor, center) is not None
    [event] = audit_rows("authz_fail", staff_member)
    assert event.actor_id == other_focal_point.id
    assert event.details["refused"] == "centers.staff_of_another_center"


def test_opening_someone_elses_pending_application_is_recorded(client, login_as, make_center, outsider):
    pending = make_center(status="pending")
    login_as(outsider)
    assert client.get(f"/centers/{pending.slug}/application").status_code == 404
    [event] = audit_rows("authz_fail", pending)
    assert event.actor_id == outsider.id and event.details["refused"] == "centers.view_center"


def test_the_applicant_reading_their_own_application_records_nothing(client, login_as, make_center):
    pending = make_center(status="pending")
    login_as(primary_of(pending).user)
    assert client.get(f"/centers/{pending.slug}/application").status_code == 200
    assert audit_rows("authz_fail") == []


def test_a_refused_invitation_link_is_recorded_without_its_token(app, client, login_as, center, focal_point,
                                                                 outsider, make_user):
    from turkicnet.centers import services as center_services

    _, token = center_services.invite_staff(focal_point, center, email="invitee@example.org", role="viewer")
    login_as(outsider)

    response = client.post(f"/invitations/{token}")

    assert response.status_code in (403, 404)
    [event] = audit_rows("authz_fail")
    assert token not in str(event.details)
    assert event.details["path"] == "/invitations/<token>"
