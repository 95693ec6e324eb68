"""The Secretariat edits a thematic section: its title, description and event; its address
stays, so links to it keep working."""

import pytest

from tests.conftest import audit_rows, flashes, followed
from turkicnet.extensions import db
from turkicnet.reports import services as report_services
from turkicnet.reports.models import Section

SLUG = "national-development-priorities"
TITLE = "National development priorities of Turkic countries"


@pytest.fixture
def section(app):
    return db.session.scalars(db.select(Section).where(Section.slug == SLUG)).one()


@pytest.fixture
def forum(admin):
    from datetime import date

    return report_services.create_event(
        admin, title="Baku forum", city="Baku", starts_on=date(2026, 5, 1), ends_on=date(2026, 5, 2)
    )


def test_the_section_form_opens_with_the_section_as_saved(client, login_as, admin, section, forum):
    report_services.update_section(
        admin, section, title=TITLE, description="Plans and budgets.", event_id=forum.id
    )
    login_as(admin)
    response = client.get(f"/admin/sections/{SLUG}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Edit the section" in page and f"Its address stays /sections/{SLUG}." in page
    assert f'value="{TITLE}"' in page and "Plans and budgets.</textarea>" in page
    assert f'<option selected value="{forum.id}">Baku forum, Baku 2026</option>' in page


def test_an_events_choice_reads_through_the_catalogues_pattern(client, login_as, admin, forum, monkeypatch):
    """Its title, city and year are put in a sentence of the page's language, never glued."""
    import turkicnet.admin.views as admin_views

    pattern = "%(title)s, %(city)s %(year)d"
    translate = admin_views._
    monkeypatch.setattr(admin_views, "_", lambda message, **values: (
        "{year}: {title} ({city})".format(**values) if message == pattern else translate(message, **values)
    ))  # fmt: skip
    login_as(admin)

    page = client.get("/admin/sections").get_data(as_text=True)

    assert f'<option value="{forum.id}">2026: Baku forum (Baku)</option>' in page


def test_admin_renames_a_section_and_ties_it_to_an_event_keeping_its_address(
    client, login_as, admin, section, forum
):
    login_as(admin)
    response = client.post(
        f"/admin/sections/{SLUG}",
        data={"title": "National priorities", "description": "Plans.", "event_id": str(forum.id)},
    )
    page = followed(client, response, "/admin/sections")
    assert ("success", "The section was saved.") in flashes(page)
    assert f'<a href="/admin/sections/{SLUG}">National priorities</a>' in page
    db.session.refresh(section)
    assert (section.slug, section.title, section.description, section.event_id) == (
        SLUG, "National priorities", "Plans.", forum.id,
    )  # fmt: skip
    [event] = audit_rows("reports.save_section", section)
    assert event.actor_id == admin.id and event.details == {"slug": SLUG}
    public = client.get(f"/sections/{SLUG}").get_data(as_text=True)
    assert "National priorities" in public


def test_choosing_no_event_unties_the_section(client, login_as, admin, section, forum):
    report_services.update_section(admin, section, title=TITLE, description="", event_id=forum.id)
    login_as(admin)
    response = client.post(f"/admin/sections/{SLUG}", data={"title": TITLE, "event_id": "0"})
    assert response.status_code == 302
    db.session.refresh(section)
    assert section.event_id is None


@pytest.mark.parametrize(
    "title, message", [("", "This field is required."), ("\u200b", "Give the section a title.")]
)
def test_a_section_without_a_title_is_shown_again_with_the_error(
    client, login_as, admin, section, title, message
):
    login_as(admin)
    response = client.post(f"/admin/sections/{SLUG}", data={"title": title, "event_id": "0"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'<p class="error" id="title-error">{message}</p>' in page
    db.session.refresh(section)
    assert section.title == TITLE
    assert audit_rows("reports.save_section") == []


def test_an_unknown_section_is_not_found(client, login_as, admin):
    login_as(admin)
    assert client.get("/admin/sections/no-such-section").status_code == 404
    response = client.post("/admin/sections/no-such-section", data={"title": "x", "event_id": "0"})
    assert response.status_code == 404
    assert audit_rows("reports.save_section") == []


@pytest.mark.parametrize("persona", ["focal_point", "editor"])
def test_center_staff_cannot_edit_a_section(request, client, login_as, section, persona):
    login_as(request.getfixturevalue(persona))
    assert client.get(f"/admin/sections/{SLUG}").status_code == 403
    response = client.post(f"/admin/sections/{SLUG}", data={"title": "Taken over", "event_id": "0"})
    assert response.status_code == 403
    db.session.refresh(section)
    assert section.title == TITLE
    assert audit_rows("reports.save_section") == []


def test_a_new_section_without_a_real_title_is_shown_again_with_the_error(client, login_as, admin):
    login_as(admin)
    response = client.post("/admin/sections", data={"title": "\u200b", "description": "x", "event_id": "0"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert '<p class="error" id="title-error">Give the section a title.</p>' in page
    assert len(report_services.list_sections()) == 2
    assert audit_rows("reports.save_section") == []


def test_an_event_without_its_dates_is_shown_again_with_the_errors(client, login_as, admin):
    events_before = len(report_services.list_events())
    login_as(admin)
    response = client.post("/admin/events", data={"title": "Baku forum", "city": "Baku"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="starts_on-error"' in page and 'id="ends_on-error"' in page
    assert 'value="Baku forum"' in page
    assert len(report_services.list_events()) == events_before and audit_rows("reports.create_event") == []


def test_an_unknown_section_action_is_not_found_and_changes_nothing(client, login_as, admin, section):
    login_as(admin)
    assert client.post(f"/admin/sections/{SLUG}/delete").status_code == 404
    db.session.refresh(section)
    assert section.active is True
    assert audit_rows("reports.retire_section") == [] and audit_rows("reports.move_section") == []
