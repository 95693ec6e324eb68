"""Rejecting an application and retiring a section ask first, on a page of their own."""

from tests.conftest import audit_rows
from turkicnet.centers.models import CenterStatus
from turkicnet.extensions import db
from turkicnet.reports.models import Section

SLUG = "national-development-priorities"


def test_the_review_page_links_to_the_rejection_instead_of_rejecting(client, login_as, admin, make_center):
    pending = make_center(CenterStatus.PENDING)
    login_as(admin)

    page = client.get(f"/admin/centers/{pending.slug}").get_data(as_text=True)

    assert f'href="/admin/centers/{pending.slug}/reject"' in page
    assert 'name="decision" value="reject"' not in page


def test_the_rejection_asks_for_the_reason_on_its_confirmation(client, login_as, admin, make_center):
    pending = make_center(CenterStatus.PENDING)
    login_as(admin)

    page = client.get(f"/admin/centers/{pending.slug}/reject").get_data(as_text=True)

    assert f"Reject the application of {pending.name}?" in page
    assert f'method="post" action="/admin/centers/{pending.slug}/decide"' in page
    assert '<input type="hidden" name="decision" value="reject">' in page
    assert 'name="note"' in page
    db.session.refresh(pending)
    assert pending.status is CenterStatus.PENDING


def test_a_rejection_without_a_reason_comes_back_to_its_confirmation_with_the_error(
    client, login_as, admin, make_center
):
    pending = make_center(CenterStatus.PENDING)
    login_as(admin)

    response = client.post(f"/admin/centers/{pending.slug}/decide", data={"decision": "reject", "note": ""})

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"Reject the application of {pending.name}?" in page
    assert 'role="alert"' in page and 'href="#note"' in page
    assert "<title>Error: " in page
    db.session.refresh(pending)
    assert pending.status is CenterStatus.PENDING


def test_a_rejection_with_its_reason_rejects(client, login_as, admin, make_center):
    pending = make_center(CenterStatus.PENDING)
    login_as(admin)

    response = client.post(
        f"/admin/centers/{pending.slug}/decide", data={"decision": "reject", "note": "Not an official body."}
    )

    assert response.status_code == 302
    db.session.refresh(pending)
    assert pending.status is CenterStatus.REJECTED


def test_an_approved_center_has_no_rejection_to_confirm(client, login_as, admin, center):
    login_as(admin)

    assert client.get(f"/admin/centers/{center.slug}/reject").status_code == 404


def test_retiring_a_section_is_confirmed_before_it_happens(client, login_as, admin):
    login_as(admin)

    listing = client.get("/admin/sections").get_data(as_text=True)
    page = client.get(f"/admin/sections/{SLUG}/retire").get_data(as_text=True)

    assert f'href="/admin/sections/{SLUG}/retire"' in listing
    assert "Retire the section “National development priorities of Turkic countries”?" in page
    assert f'method="post" action="/admin/sections/{SLUG}/retire"' in page
    assert audit_rows("reports.retire_section") == []
    assert client.post(f"/admin/sections/{SLUG}/retire").status_code == 302
    assert db.session.scalars(db.select(Section).where(Section.slug == SLUG)).one().active is False


def test_people_who_are_not_admins_get_no_confirmation(client, login_as, focal_point, make_center):
    pending = make_center(CenterStatus.PENDING)
    login_as(focal_point)

    assert client.get(f"/admin/centers/{pending.slug}/reject").status_code == 403
    assert client.get(f"/admin/sections/{SLUG}/retire").status_code == 403


def test_an_application_awaiting_changes_offers_only_the_link_to_reject(client, login_as, admin, make_center):
    waiting = make_center(CenterStatus.CHANGES_REQUESTED)
    login_as(admin)

    page = client.get(f"/admin/centers/{waiting.slug}").get_data(as_text=True)

    assert f'href="/admin/centers/{waiting.slug}/reject"' in page
    assert f'action="/admin/centers/{waiting.slug}/decide"' not in page
    assert client.get(f"/admin/centers/{waiting.slug}/reject").status_code == 200


def test_a_retired_section_has_no_retirement_to_confirm(client, login_as, admin):
    login_as(admin)
    client.post(f"/admin/sections/{SLUG}/retire")

    assert client.get(f"/admin/sections/{SLUG}/retire").status_code == 404


def test_the_retirement_question_names_the_section_in_the_pages_language(client, login_as, admin):
    admin.preferred_language = "ru"
    db.session.commit()
    login_as(admin)

    response = client.get(f"/admin/sections/{SLUG}/retire")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "тематический раздел «Национальные приоритеты развития тюркских стран»?" in page
    assert "National development priorities of Turkic countries" not in page
