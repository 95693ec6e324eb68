"""The profile's edit page: the version it was loaded at, the request for a change of a member's
official details, and what the center's page shows meanwhile."""

import html
import re
from io import BytesIO

import pytest

from tests.centers.conftest import apply_form, primary_of
from tests.conftest import audit_rows, flashes, followed
from turkicnet.centers.models import CenterChangeRequest, RequestStatus
from turkicnet.core.pdf import simple_pdf
from turkicnet.extensions import db


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def loaded_version(response) -> str:
    page = response.get_data(as_text=True)
    return re.search(r'name="lock_version" type="hidden" value="([^"]*)"', page).group(1)


def input_value(response, field_id: str) -> str:
    tag = re.search(rf'<input[^>]*\bid="{re.escape(field_id)}"[^>]*>', response.get_data(as_text=True))
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return html.unescape(value.group(1)) if value else ""


def profile_of(center, **overrides) -> dict:
    """The edit form as the page gives it for ``center``, with ``overrides`` typed in."""
    data = apply_form(
        name=center.name, native_name=center.native_name, acronym=center.acronym,
        country_code=center.country_code, city=center.city, website=center.website,
        kind=center.kind.value, parent_body=center.parent_body, description=center.description,
        founded_year=str(center.founded_year or ""),
    )  # fmt: skip
    del data["nomination_letter"], data["message"], data["website_url"]
    data.update(lock_version=str(center.lock_version), reason="")
    data.update(overrides)
    return data


def pending_request(center) -> CenterChangeRequest | None:
    return db.session.scalar(
        db.select(CenterChangeRequest).where(
            CenterChangeRequest.center_id == center.id, CenterChangeRequest.status == RequestStatus.PENDING
        )
    )


# ---------------------------------------------------------------- the lock


def test_the_edit_page_carries_the_version_of_the_profile_it_shows(client, login_as, center, focal_point):
    login_as(focal_point)
    page = client.get(f"/centers/{center.slug}/edit")
    assert page.status_code == 200 and loaded_version(page) == str(center.lock_version)


def test_the_second_of_two_editors_is_refused_and_their_input_kept(
    client, login_as, center, focal_point, deputy
):
    seen = profile_of(center)
    login_as(focal_point)
    first = client.post(f"/centers/{center.slug}/edit", data={**seen, "city": "Almaty"})
    assert first.status_code == 302

    login_as(deputy)
    rewrite = {**seen, "city": "Shymkent", "description": "My careful rewrite."}
    second = client.post(f"/centers/{center.slug}/edit", data=rewrite)

    assert second.status_code == 409
    page = text_of(second)
    assert "Someone else saved the profile of this center while you were editing it." in page
    assert input_value(second, "city") == "Shymkent" and "My careful rewrite." in page
    db.session.refresh(center)
    assert center.city == "Almaty"
    # Saved again from the refused page, on the version it now carries, the edit goes through.
    assert loaded_version(second) == str(center.lock_version)
    again = client.post(
        f"/centers/{center.slug}/edit",
        data={**seen, "city": "Shymkent", "lock_version": loaded_version(second)},
    )
    assert again.status_code == 302
    db.session.refresh(center)
    assert center.city == "Shymkent"


@pytest.mark.parametrize("version", ["abc", "1e3", "0", "-1", "99999999999999999999999", "", " 1"])
def test_a_malformed_version_is_a_form_error_and_the_input_is_kept(
    client, login_as, center, focal_point, version
):
    login_as(focal_point)
    response = client.post(
        f"/centers/{center.slug}/edit", data=profile_of(center, city="Almaty", lock_version=version)
    )

    assert response.status_code == 400
    assert "does not say which version of the profile it was made from" in text_of(response)
    assert input_value(response, "city") == "Almaty"
    assert loaded_version(response) == str(center.lock_version)
    db.session.refresh(center)
    assert center.city == "Astana" and audit_rows("centers.update") == []


# ---------------------------------------------------------------- a member's official details


def test_a_focal_point_moving_a_member_files_a_request_and_the_page_shows_nothing_changed(
    client, login_as, center, focal_point
):
    login_as(focal_point)
    response = client.post(
        f"/centers/{center.slug}/edit",
        data=profile_of(center, country_code="UZ", city="Tashkent", reason="Our ministry moved us."),
    )

    page = followed(client, response, f"/centers/{center.slug}")
    assert ("success", "The profile was saved. The change to its official details was sent to the "
            "Secretariat: the profile shows it once accepted.") in flashes(page)  # fmt: skip
    db.session.refresh(center)
    assert (center.country_code, center.city) == ("KZ", "Tashkent")
    assert "Kazakhstan" in page and "Uzbekistan" not in page
    assert pending_request(center).changes == {"country_code": ["KZ", "UZ"]}
    edit_page = text_of(client.get(f"/centers/{center.slug}/edit"))
    assert "A change to the official details is waiting for the Secretariat" in edit_page
    assert "Kazakhstan → Uzbekistan" in edit_page
    thread = text_of(client.get(f"/centers/{center.slug}/application"))
    assert "Change of official details asked" in thread and "Our ministry moved us." in thread


def test_a_change_of_official_details_without_a_reason_is_refused_with_the_input_kept(
    client, login_as, center, focal_point
):
    login_as(focal_point)
    response = client.post(
        f"/centers/{center.slug}/edit", data=profile_of(center, name="Grand Institute", city="Almaty")
    )
    assert response.status_code == 400
    assert "Say why the country, name, acronym or letter changes" in text_of(response)
    assert input_value(response, "name") == "Grand Institute"
    db.session.refresh(center)
    assert center.city == "Astana" and pending_request(center) is None


def test_a_second_request_while_one_waits_is_refused_and_the_input_kept(
    client, login_as, center, focal_point, deputy
):
    login_as(focal_point)
    client.post(f"/centers/{center.slug}/edit", data=profile_of(center, acronym="NEW", reason="Shorter."))
    first = pending_request(center)

    login_as(deputy)
    response = client.post(
        f"/centers/{center.slug}/edit", data=profile_of(center, name="Other Name", reason="Better.")
    )
    assert response.status_code == 409
    assert "already waiting for the Secretariat's review" in text_of(response)
    assert input_value(response, "name") == "Other Name"
    assert pending_request(center) == first


@pytest.mark.parametrize("persona", ["editor", "viewer", "signatory", "other_focal_point", "outsider"])
def test_no_one_but_its_focal_points_asks_to_change_a_center(request, client, login_as, center, persona):
    login_as(request.getfixturevalue(persona))
    response = client.post(
        f"/centers/{center.slug}/edit", data=profile_of(center, country_code="HU", reason="Because.")
    )
    assert response.status_code == 403
    assert pending_request(center) is None


def test_a_signatory_focal_point_cannot_move_a_signed_center_by_editing_it(
    client, login_as, make_center, add_staff
):
    center = make_center(name="Hungarian Institute", acronym="HI", country_code="HU", city="Budapest")
    insider = add_staff(center, "focal_point", can_sign=True)
    login_as(insider)
    client.post(
        f"/centers/{center.slug}/edit",
        data={**profile_of(center, country_code="UZ", reason="Now Uzbek."), "is_admin": "1", "status": "x"},
    )
    db.session.refresh(center)
    assert center.country_code == "HU"


def test_the_proposed_letter_is_for_the_secretariat_and_the_focal_points(
    client, login_as, center, focal_point, editor, admin
):
    letter = (BytesIO(simple_pdf(["A renewed letter"])), "renewed.pdf", "application/pdf")
    login_as(focal_point)
    client.post(
        f"/centers/{center.slug}/edit", data=profile_of(center, nomination_letter=letter, reason="Renewed.")
    )
    change = pending_request(center)
    url = f"/centers/{center.slug}/changes/{change.id}/letter"
    assert client.get(url).status_code == 200
    login_as(admin)
    response = client.get(url)
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert "attachment" in response.headers["Content-Disposition"]
    login_as(editor)
    assert client.get(url).status_code == 403


def test_an_application_is_still_edited_in_full(client, login_as, make_center):
    center = make_center(status="changes_requested", country_code="KZ")
    login_as(primary_of(center).user)
    page = client.get(f"/centers/{center.slug}/edit")
    assert 'id="reason"' not in page.get_data(as_text=True)
    response = client.post(f"/centers/{center.slug}/edit", data=profile_of(center, country_code="KG"))
    assert response.status_code == 302
    db.session.refresh(center)
    assert center.country_code == "KG" and pending_request(center) is None
