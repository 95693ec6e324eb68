import pytest

from turkicnet.core.models import AuditEvent
from turkicnet.extensions import db

ADMIN_PAGES = ["/admin/applications", "/admin/centers", "/admin/users", "/admin/audit"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_center_staff_may_not_enter_the_admin_area(client, login_as, focal_point, path):
    login_as(focal_point)
    response = client.get(path)
    assert response.status_code == 403
    assert "You may not do this" in response.get_data(as_text=True)


def test_a_focal_point_cannot_approve_even_by_posting_directly(client, login_as, make_center):
    pending = make_center(status="pending")
    applicant = pending.memberships[0].user
    login_as(applicant)
    response = client.post(f"/admin/centers/{pending.slug}/decide", data={"decision": "approve"})
    assert response.status_code == 403
    db.session.refresh(pending)
    assert pending.status.value == "pending"


def test_queue_lists_pending_applications_oldest_first_with_the_letter(client, login_as, admin, make_center):
    first = make_center(status="pending", name="First Applicant Institute")
    second = make_center(status="pending", name="Second Applicant Institute")
    make_center(name="Already Approved Institute")
    login_as(admin)
    page = client.get("/admin/applications").get_data(as_text=True)
    assert page.index(first.name) < page.index(second.name)
    assert "Already Approved Institute" not in page
    assert f"/centers/{first.slug}/letter" in page


def test_a_decision_without_a_reason_is_shown_again_with_the_error_beside_the_field(
    client, login_as, admin, make_center
):
    pending = make_center(status="pending")
    login_as(admin)
    response = client.post(f"/admin/centers/{pending.slug}/decide", data={"decision": "reject", "note": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'class="error"' in page and "Give the reason" in page
    db.session.refresh(pending)
    assert pending.status.value == "pending"


def test_admin_center_page_shows_every_decision_in_the_audit_trail(client, login_as, admin, make_center):
    suspended = make_center(status="suspended")
    login_as(admin)
    page = client.get(f"/admin/centers/{suspended.slug}").get_data(as_text=True)
    assert "centers.apply" in page and "centers.approve" in page and "centers.suspend" in page
    assert "Inactive." in page
    assert "Reinstate" in page


def test_admin_deactivates_a_user_and_it_is_audited(client, login_as, admin, make_user):
    user = make_user()
    login_as(admin)
    response = client.post(f"/admin/users/{user.id}/active", data={"active": "0", "reason": "left"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.active is False
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "auth.deactivate")).one()
    assert event.actor_id == admin.id and event.target_id == user.id and event.details == {"reason": "left"}


def test_audit_log_is_filtered_by_action(client, login_as, admin, make_center):
    make_center()
    login_as(admin)
    page = client.get("/admin/audit?action=centers.").get_data(as_text=True)
    assert "centers.approve" in page
    assert "auth.register" not in page


def test_the_versions_list_statements_do_not_grow_with_the_versions(
    client, login_as, admin, make_version, count_queries
):
    make_version()
    login_as(admin)
    with count_queries() as one_version:
        client.get("/admin/protocol")
    for _ in range(4):
        make_version()
    with count_queries() as five_versions:
        page = client.get("/admin/protocol").get_data(as_text=True)
    assert page.count('">en, tr, ru</td>') == 5
    assert len(five_versions.statements) == len(one_version.statements)


def test_only_a_draft_offers_its_editor_and_only_an_opened_version_its_public_page(
    client, login_as, admin, make_version
):
    draft, opened = make_version(status="draft"), make_version()
    login_as(admin)
    draft_page = client.get(f"/admin/protocol/v/{draft.number}").get_data(as_text=True)
    assert "Open the editor" in draft_page and "Public page" not in draft_page
    opened_page = client.get(f"/admin/protocol/v/{opened.number}").get_data(as_text=True)
    assert "Open the editor" not in opened_page and "Public page" in opened_page
    assert "This version is no longer a draft" in client.get(
        f"/admin/protocol/v/{opened.number}/text"
    ).get_data(as_text=True)
    assert "This version is no longer a draft" not in client.get(
        f"/admin/protocol/v/{draft.number}/text"
    ).get_data(as_text=True)
