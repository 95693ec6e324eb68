"""Removing a staff member and withdrawing an invitation ask first, on a page of their own."""

from tests.centers.conftest import primary_of
from tests.conftest import audit_rows
from turkicnet.centers import services
from turkicnet.centers.models import Invitation, Membership
from turkicnet.extensions import db


def _membership(user, center) -> Membership:
    return next(m for m in center.memberships if m.user_id == user.id)


def _invite(center, email="guest@example.org") -> Invitation:
    invitation, _token = services.invite_staff(primary_of(center).user, center, email=email, role="viewer")
    return invitation


def test_the_staff_page_links_to_the_confirmations(client, login_as, center, focal_point, editor):
    invitation = _invite(center)
    member = _membership(editor, center)
    login_as(focal_point)

    page = client.get(f"/centers/{center.slug}/staff").get_data(as_text=True)

    assert f'href="/centers/{center.slug}/staff/{member.id}/remove"' in page
    assert f'href="/centers/{center.slug}/invitations/{invitation.id}/revoke"' in page
    assert f'action="/centers/{center.slug}/staff/{member.id}/remove"' not in page


def test_the_removal_is_confirmed_before_it_happens(client, login_as, center, focal_point, editor):
    member_id = _membership(editor, center).id
    login_as(focal_point)

    page = client.get(f"/centers/{center.slug}/staff/{member_id}/remove").get_data(as_text=True)

    assert f"Remove {editor.full_name} from the staff of {center.name}?" in page
    assert f'method="post" action="/centers/{center.slug}/staff/{member_id}/remove"' in page
    assert f'href="/centers/{center.slug}/staff">Cancel</a>' in page
    db.session.expire_all()
    assert db.session.get(Membership, member_id) is not None
    assert audit_rows("centers.remove_staff") == []

    assert client.post(f"/centers/{center.slug}/staff/{member_id}/remove").status_code == 302
    db.session.expire_all()
    assert db.session.get(Membership, member_id) is None


def test_withdrawing_an_invitation_is_confirmed_before_it_happens(client, login_as, center, focal_point):
    invitation = _invite(center, email="guest@example.org")
    login_as(focal_point)

    page = client.get(f"/centers/{center.slug}/invitations/{invitation.id}/revoke").get_data(as_text=True)

    assert "Withdraw the invitation sent to guest@example.org?" in page
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).revoked_at is None

    assert client.post(f"/centers/{center.slug}/invitations/{invitation.id}/revoke").status_code == 302
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).revoked_at is not None


def test_staff_who_may_not_manage_get_no_confirmation(client, login_as, center, editor, viewer):
    member = _membership(viewer, center)
    invitation = _invite(center)
    login_as(editor)

    assert client.get(f"/centers/{center.slug}/staff/{member.id}/remove").status_code == 403
    assert client.get(f"/centers/{center.slug}/invitations/{invitation.id}/revoke").status_code == 403


def test_a_membership_of_another_center_is_not_found_behind_this_centers_address(
    client, login_as, center, focal_point, other_center, add_staff
):
    stranger = add_staff(other_center, "editor")
    login_as(focal_point)

    response = client.get(f"/centers/{center.slug}/staff/{_membership(stranger, other_center).id}/remove")

    assert response.status_code == 404


def test_no_confirmation_is_offered_for_removing_the_primary_focal_point(
    client, login_as, center, focal_point
):
    primary = primary_of(center)
    login_as(focal_point)

    response = client.get(f"/centers/{center.slug}/staff/{primary.id}/remove", follow_redirects=True)

    page = response.get_data(as_text=True)
    assert response.request.path == f"/centers/{center.slug}/staff"
    assert "The primary focal point cannot be removed" in page
    assert "from the staff of" not in page


def test_no_confirmation_is_offered_for_an_invitation_already_withdrawn(
    client, login_as, center, focal_point
):
    invitation = _invite(center)
    services.revoke_invitation(focal_point, invitation)
    login_as(focal_point)

    response = client.get(f"/centers/{center.slug}/invitations/{invitation.id}/revoke", follow_redirects=True)

    assert response.request.path == f"/centers/{center.slug}/staff"
    assert "This invitation can no longer be withdrawn." in response.get_data(as_text=True)
