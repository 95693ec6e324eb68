"""The Secretariat edits a draft version of the protocol: its title and rule, and its texts.

The admin area refuses everyone but admins with 403 (anonymous visitors are sent to log in);
an opened version's texts and rule are fixed.
"""

import html

import pytest

from tests.conftest import audit_rows, flashes, followed
from turkicnet.extensions import db

NEW_RULE = {"title": "Protocol on Economic Cooperation", "required_centers": "5", "required_states": "2"}


def test_admin_changes_a_drafts_title_and_rule(client, login_as, admin, make_version):
    draft = make_version(status="draft")
    login_as(admin)
    response = client.post(f"/admin/protocol/v/{draft.number}", data=NEW_RULE)
    page = followed(client, response, f"/admin/protocol/v/{draft.number}")
    assert ("success", "Saved.") in flashes(page)
    assert f"<h1>Version {draft.number}: Protocol on Economic Cooperation</h1>" in page
    assert 'name="required_centers" required type="number" value="5"' in page
    db.session.refresh(draft)
    assert (draft.title, draft.required_centers, draft.required_states) == (
        "Protocol on Economic Cooperation", 5, 2,
    )  # fmt: skip
    [event] = audit_rows("protocol.update_version", draft)
    assert event.actor_id == admin.id and event.details == {"number": draft.number}


def test_leaving_the_states_empty_drops_that_part_of_the_rule(client, login_as, admin, make_version):
    draft = make_version(status="draft", required_states=3)
    login_as(admin)
    response = client.post(f"/admin/protocol/v/{draft.number}", data={**NEW_RULE, "required_states": ""})
    assert response.status_code == 302
    db.session.refresh(draft)
    assert draft.required_states is None and draft.required_centers == 5


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"required_centers": "1001"}, "required_centers", "Number must be between 1 and 1000."),
        ({"required_centers": "0"}, "required_centers", "This field is required."),
        ({"required_states": "0"}, "required_states", "Number must be between 1 and 50."),
        ({"title": ""}, "title", "This field is required."),
        # Passes the form (it is not blank to it), but the service finds no title in it.
        ({"title": "\u200b"}, "title", "Give the version a title."),
    ],
)
def test_a_bad_title_or_rule_is_shown_again_beside_its_field_and_nothing_is_saved(
    client, login_as, admin, make_version, changes, field, message
):
    draft = make_version(status="draft")
    login_as(admin)
    response = client.post(f"/admin/protocol/v/{draft.number}", data={**NEW_RULE, **changes})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'<p class="error" id="{field}-error">{message}</p>' in page
    db.session.refresh(draft)
    assert (draft.title, draft.required_centers) == ("Protocol on Cooperation", 3)
    assert audit_rows("protocol.update_version") == []


def test_an_opened_versions_rule_cannot_be_changed(client, login_as, admin, make_version):
    opened = make_version()
    login_as(admin)
    response = client.post(f"/admin/protocol/v/{opened.number}", data=NEW_RULE)
    assert response.status_code == 409
    assert f"Version {opened.number} is no longer a draft" in response.get_data(as_text=True)
    db.session.refresh(opened)
    assert (opened.title, opened.required_centers) == ("Protocol on Cooperation", 3)
    assert audit_rows("protocol.update_version") == []


@pytest.mark.parametrize("persona", ["focal_point", "signatory"])
def test_center_staff_cannot_change_a_draft_or_remove_its_texts(
    request, client, login_as, make_version, persona
):
    draft = make_version(status="draft")
    login_as(request.getfixturevalue(persona))
    assert client.post(f"/admin/protocol/v/{draft.number}", data=NEW_RULE).status_code == 403
    assert client.post(f"/admin/protocol/v/{draft.number}/text/ru/delete").status_code == 403
    db.session.refresh(draft)
    assert draft.title == "Protocol on Cooperation" and draft.text("ru") is not None
    assert audit_rows("protocol.update_version") == [] and audit_rows("protocol.delete_text") == []


def test_anonymous_visitors_are_sent_to_log_in_before_changing_a_draft(client, make_version):
    draft = make_version(status="draft")
    response = client.post(f"/admin/protocol/v/{draft.number}", data=NEW_RULE)
    assert response.status_code == 302 and response.location.startswith("/auth/login")
    db.session.refresh(draft)
    assert draft.title == "Protocol on Cooperation"


def test_admin_removes_a_translation_from_a_draft(client, login_as, admin, make_version):
    draft = make_version(status="draft")
    login_as(admin)
    before = client.get(f"/admin/protocol/v/{draft.number}").get_data(as_text=True)
    assert f"/admin/protocol/v/{draft.number}/text/ru/delete" in before
    response = client.post(f"/admin/protocol/v/{draft.number}/text/ru/delete")
    page = followed(client, response, f"/admin/protocol/v/{draft.number}")
    assert ("success", "The text was removed.") in flashes(page)
    texts = page.split("<tbody>")[1].split("</tbody>")[0]
    assert "Russian" not in texts and "Turkish" in texts  # named in the page's language (English)
    db.session.refresh(draft)
    assert draft.text("ru") is None and draft.text("tr") is not None
    [event] = audit_rows("protocol.delete_text", draft)
    assert event.actor_id == admin.id and event.details == {"language": "ru"}


def test_the_english_text_cannot_be_removed(client, login_as, admin, make_version):
    draft = make_version(status="draft")
    login_as(admin)
    response = client.post(f"/admin/protocol/v/{draft.number}/text/en/delete")
    page = followed(client, response, f"/admin/protocol/v/{draft.number}")
    assert ("error", "Every version has an English text.") in flashes(page)
    db.session.refresh(draft)
    assert draft.text("en") is not None
    assert audit_rows("protocol.delete_text") == []


def test_an_opened_versions_texts_cannot_be_removed(client, login_as, admin, make_version):
    opened = make_version()
    login_as(admin)
    response = client.post(f"/admin/protocol/v/{opened.number}/text/ru/delete")
    page = followed(client, response, f"/admin/protocol/v/{opened.number}")
    assert ("error", f"Version {opened.number} is no longer a draft: its texts are fixed.") in flashes(page)
    db.session.refresh(opened)
    assert opened.text("ru") is not None
    assert audit_rows("protocol.delete_text") == []


def test_removing_a_text_the_draft_does_not_have_is_not_found(client, login_as, admin, make_version):
    draft = make_version(status="draft")
    login_as(admin)
    response = client.post(f"/admin/protocol/v/{draft.number}/text/kk/delete")
    assert response.status_code == 404
    assert "This version has no text in that language." in html.unescape(response.get_data(as_text=True))
    assert audit_rows("protocol.delete_text") == []


def test_a_new_version_without_a_real_title_is_shown_again_with_the_error(client, login_as, admin):
    from turkicnet.protocol.models import ProtocolVersion

    login_as(admin)
    response = client.post("/admin/protocol", data={"title": "\u200b", "required_centers": "3"})
    assert response.status_code == 400
    assert '<p class="error" id="title-error">Give the version a title.</p>' in response.get_data(
        as_text=True
    )
    assert db.session.scalars(db.select(ProtocolVersion)).all() == []
    assert audit_rows("protocol.create_version") == []


def test_the_editor_of_a_language_without_a_text_proposes_an_authentic_one(
    client, login_as, admin, make_version
):
    draft = make_version(status="draft")
    login_as(admin)
    response = client.get(f"/admin/protocol/v/{draft.number}/text?language=kk")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<option selected value="kk">' in page
    assert '<input checked id="authentic" name="authentic" type="checkbox" value="y">' in page
    # A translation already saved as not authentic opens as it is.
    translation = client.get(f"/admin/protocol/v/{draft.number}/text?language=ru").get_data(as_text=True)
    assert '<input id="authentic" name="authentic" type="checkbox" value="y">' in translation


def test_the_english_text_cannot_be_saved_as_not_authentic(client, login_as, admin, make_version):
    draft = make_version(status="draft")
    login_as(admin)
    response = client.post(
        f"/admin/protocol/v/{draft.number}/text",
        data={"language": "en", "body": "# Protocol\n\nArticle 1.\n"},
    )
    assert response.status_code == 400
    db.session.refresh(draft)
    assert draft.text("en").authentic is True


def test_a_draft_without_an_authentic_english_text_is_not_opened(client, login_as, admin):
    from turkicnet.protocol import services as protocol_services

    draft = protocol_services.create_version(
        admin, title="Empty draft", required_centers=1, required_states=None
    )
    login_as(admin)
    response = client.post(f"/admin/protocol/v/{draft.number}/open")
    page = followed(client, response, f"/admin/protocol/v/{draft.number}")
    assert ("error", "A version needs an authentic English text before it is opened.") in flashes(page)
    db.session.refresh(draft)
    assert draft.status.value == "draft" and audit_rows("protocol.open") == []
