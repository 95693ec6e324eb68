"""Center pages: what a person sends, where they land and what they read."""

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.centers.conftest import (
    NOT_A_PDF,
    apply_form,
    membership,
    primary_of,
    stored_files,
)
from tests.conftest import PASSWORD, audit_rows, mails_to, outbox_links, path_of
from turkicnet.centers import services
from turkicnet.centers.models import Center, CenterStatus, Invitation, JoinRequest, RequestStatus, Role
from turkicnet.core import storage
from turkicnet.core.timeutil import utcnow
from turkicnet.extensions import db

# ---------------------------------------------------------------- reading pages


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def field_error(response, field_id: str) -> str:
    """The error shown right under the field ``field_id`` ('' when there is none)."""
    match = re.search(
        rf'<p class="error" id="{re.escape(field_id)}-error">(.*?)</p>', response.get_data(as_text=True)
    )
    return html.unescape(match.group(1)) if match else ""


def input_value(response, field_id: str) -> str:
    page = response.get_data(as_text=True)
    tag = re.search(rf'<input[^>]*\bid="{re.escape(field_id)}"[^>]*>', page)
    assert tag, f"no input {field_id}"
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return html.unescape(value.group(1)) if value else ""


def profile_form(**overrides) -> dict:
    """The fields of the edit form (no new letter)."""
    data = apply_form(**overrides)
    del data["nomination_letter"], data["message"], data["website_url"]
    return data


def center_named(name: str) -> Center | None:
    return db.session.scalar(select(Center).where(Center.name == name))


def flashes(client) -> str:
    return text_of(client.get("/auth/profile"))


# ---------------------------------------------------------------- applying


def test_apply_needs_a_login(client):
    response = client.get("/apply")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_the_apply_form_is_labelled(client, login_as, outsider):
    login_as(outsider)
    page = text_of(client.get("/apply"))
    for field_id in (
        "name",
        "native_name",
        "acronym",
        "country_code",
        "city",
        "website",
        "nomination_letter",
    ):
        assert f'for="{field_id}"' in page and f'id="{field_id}"' in page


def test_a_verified_user_applies_through_the_form(app, client, login_as, outsider, admin):
    login_as(outsider)

    response = client.post(
        "/apply",
        data=apply_form(
            name="Institute for Economic Research", acronym="IER", message="Our letter is attached."
        ),
        content_type="multipart/form-data",
    )

    center = center_named("Institute for Economic Research")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/centers/{center.slug}/application"
    assert center.status is CenterStatus.PENDING
    assert primary_of(center).user_id == outsider.id
    page = text_of(client.get(response.headers["Location"]))
    assert "Your application for Institute for Economic Research was sent." in page
    assert "Application submitted" in page and "Our letter is attached." in page
    assert any(m.subject == "New application: Institute for Economic Research" for m in mails_to(admin.email))


def test_an_unverified_user_is_refused(client, login_as, unverified):
    login_as(unverified)
    assert "Confirm your e-mail address first" in text_of(client.get("/apply"))

    response = client.post("/apply", data=apply_form(), content_type="multipart/form-data")

    assert response.status_code == 403
    assert db.session.scalar(select(func.count(Center.id))) == 0


def test_a_renamed_non_pdf_is_refused_next_to_the_letter_field(app, client, login_as, outsider):
    login_as(outsider)

    response = client.post(
        "/apply",
        data=apply_form(letter=NOT_A_PDF, letter_name="letter.pdf", name="Institute for Economic Research"),
        content_type="multipart/form-data",
    )

    assert response.status_code == 400
    assert "not a PDF" in field_error(response, "nomination_letter")
    assert input_value(response, "name") == "Institute for Economic Research"
    assert "choose the letter once more" in text_of(response)
    assert db.session.scalar(select(func.count(Center.id))) == 0
    assert stored_files(app) == []


def test_a_pdf_html_polyglot_letter_is_refused_next_to_the_letter_field(app, client, login_as, outsider):
    login_as(outsider)
    polyglot = b"%PDF-1.4\n<html><script>alert(document.domain)</script></html>\n%%EOF\n"

    response = client.post(
        "/apply",
        data=apply_form(letter=polyglot, letter_name="letter.html", name="Institute for Economic Research"),
        content_type="multipart/form-data",
    )

    assert response.status_code == 400
    assert "web page markup (HTML)" in field_error(response, "nomination_letter")
    assert input_value(response, "name") == "Institute for Economic Research"
    assert db.session.scalar(select(func.count(Center.id))) == 0
    assert stored_files(app) == []


def test_a_duplicate_is_shown_next_to_the_field_with_what_was_typed(client, login_as, outsider, make_center):
    existing = make_center(name="İktisat Araştırmaları Merkezi", acronym="IAM", country_code="KZ")
    login_as(outsider)

    response = client.post(
        "/apply",
        data=apply_form(
            name="iktisat arastirmalari merkezi", city="Shymkent", acronym="", founded_year="1999"
        ),
        content_type="multipart/form-data",
    )

    assert response.status_code == 400
    error = field_error(response, "name")
    assert existing.display_name in error and "ask to join it instead" in error
    assert field_error(response, "city") == ""
    assert input_value(response, "name") == "iktisat arastirmalari merkezi"
    assert input_value(response, "city") == "Shymkent"
    assert input_value(response, "founded_year") == "1999"
    assert '<option selected value="KZ">' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Center.id))) == 1


def test_a_filled_honeypot_is_refused(app, client, login_as, outsider):
    login_as(outsider)

    response = client.post(
        "/apply", data=apply_form(website_url="http://spam.example"), content_type="multipart/form-data"
    )

    assert response.status_code == 400
    assert "could not be accepted" in text_of(response)
    assert db.session.scalar(select(func.count(Center.id))) == 0
    assert stored_files(app) == []


# ---------------------------------------------------------------- the whole journey


def decide(client, slug, decision, note=""):
    return client.post(f"/admin/centers/{slug}/decide", data={"decision": decision, "note": note})


def test_from_application_to_the_directory(app, client, login_as, make_user, admin):
    first_applicant = make_user(full_name="Aigerim Sadykova")
    second_applicant = make_user(full_name="Bakhtiyor Karimov")

    # Two people apply.
    login_as(first_applicant)
    client.post(
        "/apply",
        data=apply_form(name="Economic Research Institute", acronym="ERI", country_code="KZ", city="Astana"),
        content_type="multipart/form-data",
    )
    login_as(second_applicant)
    client.post(
        "/apply",
        data=apply_form(
            name="Center for Economic Research", acronym="CER", country_code="UZ", city="Tashkent"
        ),
        content_type="multipart/form-data",
    )
    first, second = center_named("Economic Research Institute"), center_named("Center for Economic Research")
    assert "Economic Research Institute" not in text_of(client.get("/centers"))

    # The Secretariat sees both in its queue, approves the first.
    login_as(admin)
    queue = text_of(client.get("/admin/applications"))
    assert "Economic Research Institute (ERI)" in queue and "Center for Economic Research (CER)" in queue
    response = decide(client, first.slug, "approve")
    assert response.status_code == 302 and response.headers["Location"] == f"/admin/centers/{first.slug}"
    assert "Economic Research Institute (ERI)" not in text_of(client.get("/admin/applications"))
    directory = text_of(client.get("/centers"))
    assert "Economic Research Institute" in directory and "Center for Economic Research" not in directory

    # ... and sends the second back.
    response = decide(
        client, second.slug, "request_changes", note="Attach the letter signed by the minister."
    )
    assert response.status_code == 302
    db.session.refresh(second)
    assert second.status is CenterStatus.CHANGES_REQUESTED
    queue = text_of(client.get("/admin/applications"))
    assert "Waiting for the applicant" in queue
    assert queue.index("Center for Economic Research (CER)") > queue.index("Waiting for the applicant")

    # The applicant reads the request, edits and resubmits.
    login_as(second_applicant)
    application = text_of(client.get(f"/centers/{second.slug}/application"))
    assert "Attach the letter signed by the minister." in application and "Edit and resubmit" in application
    form = client.get(f"/centers/{second.slug}/application/resubmit")
    assert form.status_code == 200 and input_value(form, "name") == "Center for Economic Research"
    data = apply_form(
        name="Center for Economic Research",
        acronym="CER",
        country_code="UZ",
        city="Samarkand",
        reply="The signed letter is attached now.",
    )
    response = client.post(
        f"/centers/{second.slug}/application/resubmit", data=data, content_type="multipart/form-data"
    )
    assert (
        response.status_code == 302 and response.headers["Location"] == f"/centers/{second.slug}/application"
    )
    db.session.refresh(second)
    assert second.status is CenterStatus.PENDING and second.city == "Samarkand"

    # Back in the queue, marked as resubmitted, and approved.
    login_as(admin)
    queue = text_of(client.get("/admin/applications"))
    rows = re.findall(r"<tr>.*?</tr>", queue, re.S)
    [row] = [row for row in rows if "Center for Economic Research (CER)" in row]
    assert "resubmitted" in row
    assert "The signed letter is attached now." in text_of(client.get(f"/admin/centers/{second.slug}"))
    decide(client, second.slug, "approve")
    client.post("/auth/logout")
    directory = text_of(client.get("/centers"))
    assert "Economic Research Institute" in directory and "Center for Economic Research" in directory
    profile = text_of(client.get(f"/centers/{second.slug}"))
    assert "Samarkand" in profile and "Bakhtiyor Karimov" in profile
    actions = [event.action for event in audit_rows("centers.resubmit", second)]
    assert actions == ["centers.resubmit"]


def test_a_decision_that_is_not_possible_now_is_told_not_made(client, login_as, admin, center):
    login_as(admin)
    response = decide(client, center.slug, "approve")
    assert response.status_code == 302
    assert "that decision is not possible now" in text_of(client.get(response.headers["Location"]))
    assert len(audit_rows("centers.approve", center)) == 1


def test_the_resubmit_page_is_only_for_an_application_sent_back(client, login_as, make_center, outsider):
    pending = make_center(status="pending")
    login_as(primary_of(pending).user)
    assert client.get(f"/centers/{pending.slug}/application/resubmit").status_code == 403
    response = client.post(
        f"/centers/{pending.slug}/application/resubmit",
        data=apply_form(reply="Nothing to change."),
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    db.session.refresh(pending)
    assert pending.resubmitted_at is None


def test_nobody_else_is_shown_the_resubmit_form_even_by_posting_garbage(client, login_as, center, outsider):
    login_as(outsider)
    response = client.post(f"/centers/{center.slug}/application/resubmit", data={"name": ""})
    assert response.status_code == 403
    assert 'id="reply"' not in response.get_data(as_text=True)


def test_resubmitting_without_a_reply_shows_the_error_next_to_it(client, login_as, make_center):
    sent_back = make_center(status="changes_requested", name="Economic Research Institute", acronym="ERI")
    login_as(primary_of(sent_back).user)
    response = client.post(
        f"/centers/{sent_back.slug}/application/resubmit",
        data=apply_form(name="Economic Research Institute", acronym="ERI", reply=""),
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert field_error(response, "reply")
    db.session.refresh(sent_back)
    assert sent_back.status is CenterStatus.CHANGES_REQUESTED


# ---------------------------------------------------------------- who sees a center that is not a member

HIDDEN_STATUSES = ["pending", "changes_requested", "rejected", "suspended", "withdrawn"]


@pytest.mark.parametrize("status", HIDDEN_STATUSES)
def test_a_center_that_is_not_a_member_is_seen_only_by_its_staff_and_admins(
    client, login_as, make_center, admin, outsider, other_focal_point, status
):
    hidden = make_center(status=status, name="Hidden Institute", acronym="HID", country_code="KZ")
    applicant = primary_of(hidden).user
    path = f"/centers/{hidden.slug}"

    assert client.get(path).status_code == 404
    for stranger in (outsider, other_focal_point):
        login_as(stranger)
        assert client.get(path).status_code == 404
    for insider in (applicant, admin):
        login_as(insider)
        response = client.get(path)
        assert response.status_code == 200
        assert "Only this center's staff and the Secretariat see this page" in text_of(response)
        for listing in ("/centers", "/centers.csv", "/countries/KZ", "/centers?q=hidden"):
            assert "Hidden Institute" not in text_of(client.get(listing)), listing


def test_every_staff_member_of_a_suspended_center_still_reaches_its_profile(
    client, login_as, admin, center, editor, viewer
):
    services.suspend_center(admin, center, note="Inactive.")
    for insider in (editor, viewer):
        login_as(insider)
        assert client.get(f"/centers/{center.slug}").status_code == 200
        assert center.name not in text_of(client.get("/centers"))
    client.post("/auth/logout")
    assert client.get(f"/centers/{center.slug}").status_code == 404


# ---------------------------------------------------------------- join requests


def join_request_of(user, center) -> JoinRequest:
    query = select(JoinRequest).where(JoinRequest.user_id == user.id, JoinRequest.center_id == center.id)
    return db.session.scalars(query.order_by(JoinRequest.id.desc())).first()


def test_an_outsider_asks_to_join_once(client, login_as, center, outsider, focal_point):
    login_as(outsider)
    assert "Ask to join the staff" in text_of(client.get(f"/centers/{center.slug}"))

    response = client.post(f"/centers/{center.slug}/join", data={"message": "I lead the trade unit."})

    assert response.status_code == 302 and response.headers["Location"] == f"/centers/{center.slug}"
    page = text_of(client.get(f"/centers/{center.slug}"))
    assert "Your request was sent to the focal points" in page
    assert "waiting for the focal points' answer" in page and "Ask to join the staff" not in page
    client.post(f"/centers/{center.slug}/join", data={"message": "Again."})
    assert "already waiting for an answer" in flashes(client)
    assert db.session.scalar(select(func.count(JoinRequest.id))) == 1
    login_as(focal_point)
    staff_page = text_of(client.get(f"/centers/{center.slug}/staff"))
    assert outsider.email in staff_page and "I lead the trade unit." in staff_page


def test_staff_cannot_ask_to_join_their_own_center(client, login_as, center, editor):
    login_as(editor)
    assert "Ask to join the staff" not in text_of(client.get(f"/centers/{center.slug}"))
    assert client.post(f"/centers/{center.slug}/join", data={}).status_code == 403
    assert db.session.scalar(select(func.count(JoinRequest.id))) == 0


def test_the_focal_point_accepts_a_request_with_a_role(client, login_as, center, focal_point, outsider):
    join_request = services.request_to_join(outsider, center)
    login_as(focal_point)

    response = client.post(
        f"/centers/{center.slug}/join-requests/{join_request.id}/accept", data={"role": "editor"}
    )

    assert response.status_code == 302 and response.headers["Location"] == f"/centers/{center.slug}/staff"
    assert membership(outsider, center).role is Role.EDITOR
    assert "joined the staff" in flashes(client)
    assert "You joined" in mails_to(outsider.email)[-1].subject


def test_declining_needs_a_reason_on_the_page(client, login_as, center, focal_point, outsider):
    join_request = services.request_to_join(outsider, center)
    login_as(focal_point)
    url = f"/centers/{center.slug}/join-requests/{join_request.id}/decline"

    response = client.post(url, data={f"r{join_request.id}-reason": ""})
    assert response.status_code == 400
    assert 'class="error"' in response.get_data(as_text=True)
    db.session.refresh(join_request)
    assert join_request.status is RequestStatus.PENDING

    response = client.post(url, data={f"r{join_request.id}-reason": "Not on our staff list."})
    assert response.status_code == 302
    db.session.refresh(join_request)
    assert join_request.status is RequestStatus.DECLINED and join_request.reason == "Not on our staff list."


@pytest.mark.parametrize("persona", ["viewer", "editor"])
def test_viewers_and_editors_cannot_answer_requests(request, client, login_as, center, outsider, persona):
    join_request = services.request_to_join(outsider, center)
    login_as(request.getfixturevalue(persona))
    base = f"/centers/{center.slug}/join-requests/{join_request.id}"

    assert client.post(f"{base}/accept", data={"role": "focal_point"}).status_code == 403
    assert client.post(f"{base}/decline", data={f"r{join_request.id}-reason": "No."}).status_code == 403

    db.session.refresh(join_request)
    assert join_request.status is RequestStatus.PENDING
    assert outsider.memberships == []


def test_the_focal_point_of_one_center_cannot_answer_for_another(
    client, login_as, center, focal_point, other_center, outsider
):
    join_request = services.request_to_join(outsider, other_center)
    login_as(focal_point)

    response = client.post(
        f"/centers/{other_center.slug}/join-requests/{join_request.id}/accept", data={"role": "focal_point"}
    )
    assert response.status_code == 403

    response = client.post(
        f"/centers/{center.slug}/join-requests/{join_request.id}/accept", data={"role": "focal_point"}
    )
    assert response.status_code == 404

    db.session.refresh(join_request)
    assert join_request.status is RequestStatus.PENDING
    assert outsider.memberships == []


# ---------------------------------------------------------------- invitations


def invite(client, center, email, role="editor"):
    return client.post(f"/centers/{center.slug}/staff/invite", data={"email": email, "role": role})


def invitation_path(app, email) -> str:
    return path_of(next(link for link in outbox_links(app, email) if "/invitations/" in link))


def test_the_invitee_accepts_through_the_link_once(app, client, login_as, center, focal_point, make_user):
    invitee = make_user("dana@example.kz", full_name="Dana Kemelbek")
    login_as(focal_point)
    response = invite(client, center, "Dana@Example.kz", role="viewer")
    assert response.status_code == 302
    assert "An invitation was sent to dana@example.kz" in flashes(client)
    path = invitation_path(app, "dana@example.kz")
    token = path.rsplit("/", 1)[1]
    stored = db.session.scalar(select(Invitation).where(Invitation.email == "dana@example.kz"))
    assert stored.token_hash != token

    login_as(invitee)
    page = text_of(client.get(path))
    assert "You are invited to join the staff of" in page and "Accept the invitation" in page
    response = client.post(path)
    assert response.status_code == 302 and response.headers["Location"] == f"/centers/{center.slug}"
    assert membership(invitee, center).role is Role.VIEWER

    again = client.get(path)
    assert again.status_code == 400 and "already used" in text_of(again)
    assert client.post(path).status_code == 400


def test_an_expired_link_is_refused(app, client, login_as, center, focal_point, make_user):
    invitee = make_user()
    invitation, token = services.invite_staff(focal_point, center, email=invitee.email, role="editor")
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    login_as(invitee)

    for response in (client.get(f"/invitations/{token}"), client.post(f"/invitations/{token}")):
        assert response.status_code == 400 and "expired" in text_of(response)
    assert invitee.memberships == []


def test_a_link_for_another_address_is_refused(client, login_as, center, focal_point, make_user, outsider):
    _invitation, token = services.invite_staff(focal_point, center, email="invited@example.kz", role="editor")
    login_as(outsider)

    page = text_of(client.get(f"/invitations/{token}"))
    assert "This invitation was sent to invited@example.kz" in page and "Accept the invitation" not in page
    assert client.post(f"/invitations/{token}").status_code == 403
    assert outsider.memberships == []


@pytest.mark.parametrize("persona", ["viewer", "editor", "other_focal_point", "outsider"])
def test_only_focal_points_invite(app, request, client, login_as, center, persona):
    login_as(request.getfixturevalue(persona))
    assert invite(client, center, "friend@example.org").status_code == 403
    assert outbox_links(app, "friend@example.org") == []


def test_an_invitee_without_an_account_registers_through_the_link(app, client, login_as, center, focal_point):
    services.invite_staff(focal_point, center, email="newcomer@example.kz", role="editor")
    path = invitation_path(app, "newcomer@example.kz")

    # The link, opened without an account, offers registration that comes back here.
    page = client.get(path).get_data(as_text=True)
    register_link = html.unescape(re.search(r'href="(/auth/register\?[^"]+)"', page).group(1))
    assert f"next={path}" in register_link.replace("%2F", "/")
    form = client.get(register_link)
    assert input_value(form, "email") == "newcomer@example.kz"
    assert input_value(form, "next") == path

    response = client.post(
        "/auth/register",
        data={
            "email": "newcomer@example.kz",
            "full_name": "Nurlan Newcomer",
            "position": "Economist",
            "preferred_language": "en",
            "password": PASSWORD,
            "next": path,
            "website_url": "",
        },
    )
    assert response.status_code == 200
    verify = next(link for link in outbox_links(app, "newcomer@example.kz") if "/auth/verify/" in link)
    response = client.post(path_of(verify))
    assert response.status_code == 302
    login = response.headers["Location"]
    assert "/auth/login" in login
    response = client.post(login, data={"email": "newcomer@example.kz", "password": PASSWORD, "next": path})
    assert response.status_code == 302 and response.headers["Location"] == path
    response = client.post(path)
    assert response.status_code == 302

    newcomer = db.session.scalar(
        select(Invitation).where(Invitation.email == "newcomer@example.kz")
    ).accepted_by_id
    [member] = [m for m in center.memberships if m.user_id == newcomer]
    assert member.role is Role.EDITOR


# ---------------------------------------------------------------- staff


def test_the_focal_point_changes_a_role_on_the_staff_page(client, login_as, center, focal_point, editor):
    member = membership(editor, center)
    login_as(focal_point)
    page = text_of(client.get(f"/centers/{center.slug}/staff"))
    assert editor.email in page and "Make primary" not in page.split(editor.email)[1].split("</tr>")[0]

    response = client.post(
        f"/centers/{center.slug}/staff/{member.id}",
        data={f"m{member.id}-role": "focal_point", f"m{member.id}-can_sign": "y"},
    )

    assert response.status_code == 302
    db.session.refresh(member)
    assert (member.role, member.can_sign) == (Role.FOCAL_POINT, True)
    response = client.post(f"/centers/{center.slug}/staff/{member.id}/primary")
    assert response.status_code == 302
    db.session.expire_all()
    assert [m.user_id for m in center.memberships if m.is_primary] == [editor.id]
    assert "is now the primary focal point" in flashes(client)


def test_the_primary_is_not_removed_and_the_page_says_why(client, login_as, center, focal_point, deputy):
    login_as(deputy)
    primary = primary_of(center)

    response = client.post(f"/centers/{center.slug}/staff/{primary.id}/remove")

    assert response.status_code == 302
    assert "cannot be removed" in flashes(client)
    db.session.expire_all()
    assert primary_of(center).user_id == focal_point.id


def test_the_focal_point_of_one_center_cannot_change_another(
    client, login_as, center, focal_point, other_center, add_staff
):
    stranger = add_staff(other_center, "editor")
    target = membership(stranger, other_center)
    login_as(focal_point)

    for suffix in ("", "/primary", "/remove"):
        response = client.post(
            f"/centers/{other_center.slug}/staff/{target.id}{suffix}", data={f"m{target.id}-role": "viewer"}
        )
        assert response.status_code == 403, suffix
        response = client.post(
            f"/centers/{center.slug}/staff/{target.id}{suffix}", data={f"m{target.id}-role": "viewer"}
        )
        assert response.status_code == 404, suffix
    assert client.get(f"/centers/{other_center.slug}/staff").status_code == 403
    db.session.refresh(target)
    assert target.role is Role.EDITOR


def test_the_primary_leaves_naming_a_successor(client, login_as, center, focal_point, editor):
    login_as(focal_point)
    page = text_of(client.get(f"/centers/{center.slug}"))
    assert "name who takes over before you leave" in page

    client.post(f"/centers/{center.slug}/leave", data={})
    assert "Name the colleague who takes over" in flashes(client)
    client.post(f"/centers/{center.slug}/leave", data={"successor": str(membership(editor, center).id)})

    db.session.expire_all()
    [primary] = [m for m in center.memberships if m.is_primary]
    assert (primary.user_id, primary.role) == (editor.id, Role.FOCAL_POINT)
    assert focal_point.id not in {m.user_id for m in center.memberships}


# ---------------------------------------------------------------- editing the profile


def test_the_focal_point_edits_the_profile(client, login_as, center, focal_point):
    slug = center.slug
    login_as(focal_point)
    form = client.get(f"/centers/{slug}/edit")
    assert form.status_code == 200 and input_value(form, "name") == center.name

    response = client.post(
        f"/centers/{slug}/edit",
        data={
            **profile_form(name=center.name, acronym=center.acronym, lock_version=center.lock_version),
            "city": "Almaty",
            "description": "New description.",
        },
    )

    assert response.status_code == 302 and response.headers["Location"] == f"/centers/{slug}"
    db.session.refresh(center)
    assert center.slug == slug and center.city == "Almaty"
    assert "New description." in text_of(client.get(f"/centers/{slug}"))


def test_an_edit_that_takes_another_centers_name_is_refused(
    client, login_as, center, focal_point, make_center
):
    make_center(name="Institute of Applied Economics", acronym="IAE")
    login_as(focal_point)
    data = profile_form(name="INSTITUTE of applied economics", lock_version=center.lock_version)
    response = client.post(f"/centers/{center.slug}/edit", data=data)
    assert response.status_code == 400
    assert "Institute of Applied Economics (IAE)" in field_error(response, "name")


@pytest.mark.parametrize("persona", ["editor", "viewer", "signatory", "outsider"])
def test_only_focal_points_edit(request, client, login_as, center, persona):
    name = center.name
    login_as(request.getfixturevalue(persona))
    assert client.get(f"/centers/{center.slug}/edit").status_code == 403
    data = profile_form(name="Hijacked")
    assert client.post(f"/centers/{center.slug}/edit", data=data).status_code == 403
    db.session.refresh(center)
    assert center.name == name
    assert "Edit the profile" not in text_of(client.get(f"/centers/{center.slug}"))


# ---------------------------------------------------------------- the nomination letter


@pytest.mark.parametrize("persona", ["admin", "focal_point", "deputy"])
def test_the_letter_is_downloaded_as_an_attachment(request, client, login_as, center, persona):
    login_as(request.getfixturevalue(persona))

    response = client.get(f"/centers/{center.slug}/letter")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "letter.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]
    assert response.data == storage.path_of(center.letter_stored_name).read_bytes()
    response.close()


@pytest.mark.parametrize(("persona", "status"), [("outsider", 403), ("editor", 403), ("viewer", 403)])
def test_others_may_not_read_the_letter(request, client, login_as, center, persona, status):
    login_as(request.getfixturevalue(persona))
    response = client.get(f"/centers/{center.slug}/letter")
    assert response.status_code == status
    assert b"%PDF" not in response.data


def test_the_letter_of_a_hidden_application_is_not_found_for_outsiders(
    client, login_as, make_center, outsider
):
    pending = make_center(status="pending")
    login_as(outsider)
    assert client.get(f"/centers/{pending.slug}/letter").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in_for_the_letter(client, center):
    response = client.get(f"/centers/{center.slug}/letter")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


# ---------------------------------------------------------------- the application thread


def test_the_application_page_is_for_focal_points_and_admins(client, login_as, make_center, admin, outsider):
    pending = make_center(status="pending")
    login_as(outsider)
    assert client.get(f"/centers/{pending.slug}/application").status_code == 404
    login_as(admin)
    response = client.post(f"/admin/centers/{pending.slug}/message", data={"body": "Which ministry signed?"})
    assert response.status_code == 302
    login_as(primary_of(pending).user)
    page = text_of(client.get(f"/centers/{pending.slug}/application"))
    assert "Which ministry signed?" in page and "(Secretariat)" in page
    response = client.post(
        f"/centers/{pending.slug}/application/message", data={"body": "The Ministry of Economy."}
    )
    assert response.status_code == 302
    assert "The Ministry of Economy." in text_of(client.get(f"/centers/{pending.slug}/application"))
