"""The Secretariat deactivates and reactivates accounts."""

import pytest

from tests.conftest import PASSWORD, audit_rows, flashes, followed, is_logged_in
from turkicnet.auth import services as auth_services
from turkicnet.extensions import db


@pytest.fixture
def deactivated(admin, make_user):
    user = make_user(full_name="Dana Deactivated")
    auth_services.set_user_active(admin, user, active=False, reason="left the center")
    return user


def test_the_users_list_offers_to_reactivate_a_deactivated_account(client, login_as, admin, deactivated):
    login_as(admin)
    page = client.get("/admin/users").get_data(as_text=True)
    row = page.split(f'<td data-label="E-mail">{deactivated.email}')[1].split("</tr>")[0]
    assert "deactivated" in row and 'name="active" value="1"' in row and "Reactivate" in row


def test_admin_reactivates_an_account_and_its_owner_can_log_in_again(client, login_as, admin, deactivated):
    refused = client.post("/auth/login", data={"email": deactivated.email, "password": PASSWORD})
    assert refused.status_code == 200 and not is_logged_in(client)
    login_as(admin)
    response = client.post(
        f"/admin/users/{deactivated.id}/active", data={"active": "1", "reason": "came back"}
    )
    page = followed(client, response, "/admin/users")
    assert ("success", f"{deactivated.email} was reactivated.") in flashes(page)
    row = page.split(f'<td data-label="E-mail">{deactivated.email}')[1].split("</tr>")[0]
    assert "Deactivate" in row and "deactivated" not in row
    db.session.refresh(deactivated)
    assert deactivated.active is True
    [event] = audit_rows("auth.activate", deactivated)
    assert event.actor_id == admin.id and event.details == {"reason": "came back"}
    login_as(deactivated)
    assert is_logged_in(client)


def test_reactivating_an_active_account_changes_nothing_and_records_nothing(
    client, login_as, admin, make_user
):
    user = make_user()
    generation = user.session_generation
    login_as(admin)
    response = client.post(f"/admin/users/{user.id}/active", data={"active": "1"})
    assert response.status_code == 302 and response.location == "/admin/users"
    db.session.refresh(user)
    assert user.active is True and user.session_generation == generation
    assert audit_rows("auth.activate") == [] and audit_rows("auth.deactivate") == []


def test_an_admin_cannot_deactivate_their_own_account(client, login_as, admin):
    login_as(admin)
    response = client.post(f"/admin/users/{admin.id}/active", data={"active": "0", "reason": "oops"})
    page = followed(client, response, "/admin/users")
    assert ("error", "You cannot deactivate your own account.") in flashes(page)
    db.session.refresh(admin)
    assert admin.active is True
    assert audit_rows("auth.deactivate", admin) == []
    assert is_logged_in(client)


@pytest.mark.parametrize("persona", ["focal_point", "signatory"])
def test_center_staff_cannot_reactivate_an_account(request, client, login_as, deactivated, persona):
    login_as(request.getfixturevalue(persona))
    assert client.post(f"/admin/users/{deactivated.id}/active", data={"active": "1"}).status_code == 403
    db.session.refresh(deactivated)
    assert deactivated.active is False
    assert audit_rows("auth.activate") == []


def test_an_unknown_account_is_not_found(client, login_as, admin):
    login_as(admin)
    assert client.post("/admin/users/999999/active", data={"active": "1"}).status_code == 404


def test_an_over_long_reason_changes_nothing(client, login_as, admin, deactivated):
    login_as(admin)
    response = client.post(
        f"/admin/users/{deactivated.id}/active", data={"active": "1", "reason": "x" * 1001}
    )
    assert response.status_code == 302 and response.location == "/admin/users"
    db.session.refresh(deactivated)
    assert deactivated.active is False
    assert audit_rows("auth.activate") == []
