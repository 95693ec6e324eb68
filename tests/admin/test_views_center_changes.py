"""The Secretariat's review of a change of a member's official details: the queue, old → new,
accepting and declining, and no one else deciding."""

import html

import pytest

from tests.conftest import audit_rows, flashes, followed, mails_to
from turkicnet.centers import services
from turkicnet.centers.models import RequestStatus
from turkicnet.extensions import db


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def focal_point_of(center):
    return next(m.user for m in center.memberships if m.is_primary)


@pytest.fixture
def change(center, focal_point_of):
    """The focal point asks to move the center to Uzbekistan under a new name."""
    from tests.conftest import center_details

    details = center_details(
        name="Tashkent Institute of Economics", acronym=center.acronym, country_code="UZ",
        city=center.city, founded_year=center.founded_year,
    )  # fmt: skip
    saved = services.update_center(
        focal_point_of, center, details, reason="Moved by a government decree.",
        expected_version=center.lock_version,
    )  # fmt: skip
    return saved.change_request


def test_the_queue_lists_the_waiting_changes_of_official_details(client, login_as, admin, center, change):
    login_as(admin)
    page = text_of(client.get("/admin/applications"))
    section = page.split("Changes to members' official details</h2>")[1].split("Waiting for the applicant")[0]
    assert center.display_name in section and "Country, Name in English" in section


def test_the_admin_reads_each_field_old_and_new_and_the_reason(client, login_as, admin, center, change):
    login_as(admin)
    page = text_of(client.get(f"/admin/centers/{center.slug}"))
    assert "Change of official details to review" in page
    assert "Kazakhstan → Uzbekistan" in page
    assert f"{center.name} → Tashkent Institute of Economics" in page
    assert "Moved by a government decree." in page


def test_the_admin_accepts_a_change_and_the_profile_shows_it(
    client, login_as, admin, center, change, focal_point_of
):
    login_as(admin)
    response = client.post(
        f"/admin/centers/{center.slug}/changes/{change.id}", data={"decision": "accept", "note": "Noted."}
    )

    page = followed(client, response, f"/admin/centers/{center.slug}")
    assert ("success", "The change was accepted: the profile shows it now.") in flashes(page)
    db.session.refresh(center)
    assert (center.country_code, center.name) == ("UZ", "Tashkent Institute of Economics")
    assert "Uzbekistan" in text_of(client.get(f"/centers/{center.slug}"))
    assert "Change of official details to review" not in page
    # The audit trail on the page says what changed, old → new.
    assert "Country: Kazakhstan → Uzbekistan" in html.unescape(page)
    assert audit_rows("centers.accept_change", center)
    assert "was accepted" in mails_to(focal_point_of.email)[-1].subject


def test_the_admin_declines_only_with_a_reason(client, login_as, admin, center, change, focal_point_of):
    login_as(admin)
    url = f"/admin/centers/{center.slug}/changes/{change.id}"

    refused = client.post(url, data={"decision": "decline", "note": " "})
    assert refused.status_code == 400
    assert "Give the reason; the center will read it." in text_of(refused)
    db.session.refresh(change)
    assert change.status is RequestStatus.PENDING

    response = client.post(url, data={"decision": "decline", "note": "The decree names another body."})
    page = followed(client, response, f"/admin/centers/{center.slug}")
    assert ("success", "The change was declined.") in flashes(page)
    db.session.refresh(center)
    assert center.country_code == "KZ"
    mail = mails_to(focal_point_of.email)[-1]
    assert "was declined" in mail.subject and "The decree names another body." in mail.body


def test_an_unknown_decision_on_a_change_is_refused(client, login_as, admin, center, change):
    login_as(admin)
    response = client.post(f"/admin/centers/{center.slug}/changes/{change.id}", data={"decision": "merge"})
    assert response.status_code == 400
    db.session.refresh(change)
    assert change.status is RequestStatus.PENDING


def test_a_decided_change_is_told_not_decided_again(client, login_as, admin, center, change):
    login_as(admin)
    url = f"/admin/centers/{center.slug}/changes/{change.id}"
    client.post(url, data={"decision": "decline", "note": "No."})
    response = client.post(url, data={"decision": "accept"})
    page = followed(client, response, f"/admin/centers/{center.slug}")
    assert ("error", "This change request was decided already.") in flashes(page)
    db.session.refresh(center)
    assert center.country_code == "KZ"


@pytest.mark.parametrize("persona", ["focal_point_of", "editor", "outsider"])
def test_no_one_but_the_secretariat_decides_on_a_change(request, client, login_as, center, change, persona):
    login_as(request.getfixturevalue(persona))
    response = client.post(f"/admin/centers/{center.slug}/changes/{change.id}", data={"decision": "accept"})
    assert response.status_code == 403
    db.session.refresh(center)
    assert center.country_code == "KZ" and change.status is RequestStatus.PENDING


@pytest.mark.parametrize("request_id", ["999", "99999999999999999999999"])
def test_a_change_that_does_not_exist_is_not_found(client, login_as, admin, center, change, request_id):
    login_as(admin)
    response = client.post(f"/admin/centers/{center.slug}/changes/{request_id}", data={"decision": "accept"})
    assert response.status_code == 404


def test_a_change_of_another_center_is_not_found_under_this_one(client, login_as, admin, make_center, change):
    other = make_center(name="Another Institute", acronym="AI")
    login_as(admin)
    response = client.post(f"/admin/centers/{other.slug}/changes/{change.id}", data={"decision": "accept"})
    assert response.status_code == 404
