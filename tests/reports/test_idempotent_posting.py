"""Posting a new report is idempotent per form (F-16): the form carries a one-time key, and
sending it again (a double click, a retry after a network error) lands on the report the
first submission made instead of making a second one."""

import io
import re
import threading
import uuid

import pytest

from tests.conftest import audit_rows, flashes, pdf_upload, stored_uploads
from turkicnet.extensions import db
from turkicnet.reports import services
from turkicnet.reports.models import Report


def report_count() -> int:
    return db.session.scalar(db.select(db.func.count(Report.id)))


def form_key(client, center) -> str:
    page = client.get(f"/reports/new?center={center.slug}").get_data(as_text=True)
    return re.search(r'name="creation_key" type="hidden" value="([0-9a-f-]+)"', page).group(1)


def form(sections, key, **changes):
    data = {
        "creation_key": key,
        "section_id": str(sections["national-development-priorities"].id),
        "title": "Digital trade in the Turkic states",
        "authors": "Aigul Serikova",
        "language": "en",
        "publication_date": "2026-10-01",
        "visibility": "network",
    }
    return {**data, **changes}


def post(client, center, data, filename="digital-trade.pdf"):
    data = {**data, "files": [(io.BytesIO(pdf_upload().stream.read()), filename)]}
    return client.post(f"/reports/new?center={center.slug}", data=data, content_type="multipart/form-data")


def test_each_new_report_form_carries_a_fresh_key(client, login_as, center, editor):
    login_as(editor)
    first, second = form_key(client, center), form_key(client, center)
    assert first != second
    assert uuid.UUID(first).version == 4


def test_sending_the_same_form_twice_lands_on_the_first_report_and_makes_nothing(
    app, client, login_as, center, editor, sections
):
    login_as(editor)
    data = form(sections, form_key(client, center))
    first = post(client, center, data)
    report = db.session.scalars(db.select(Report)).one()
    files_after_the_first = stored_uploads(app)

    again = post(client, center, data, filename="second-copy.pdf")

    assert first.status_code == 302 and again.status_code == 302
    assert again.location == f"/reports/{report.id}"
    assert report_count() == 1
    assert stored_uploads(app) == files_after_the_first
    assert len(audit_rows("reports.create")) == 1
    page = client.get(again.location).get_data(as_text=True)
    assert ("info", "This report was already saved: here it is.") in flashes(page)


def test_two_forms_make_two_reports(client, login_as, center, editor, sections):
    login_as(editor)
    post(client, center, form(sections, form_key(client, center)))
    post(client, center, form(sections, form_key(client, center)))
    assert report_count() == 2


def test_another_persons_key_makes_a_new_report_and_reveals_nothing(
    client, login_as, make_center, add_staff, center, editor, sections
):
    login_as(editor)
    data = form(sections, form_key(client, center), title="A draft of the first center", visibility="draft")
    post(client, center, data)
    [theirs] = db.session.scalars(db.select(Report)).all()
    other_center = make_center(country_code="UZ")
    login_as(add_staff(other_center, "editor"))

    response = post(client, other_center, {**data, "title": "Our own report"})

    assert response.status_code == 302 and response.location != f"/reports/{theirs.id}"
    mine = db.session.scalars(db.select(Report).where(Report.id != theirs.id)).one()
    assert response.location == f"/reports/{mine.id}" and mine.title == "Our own report"
    assert "A draft of the first center" not in client.get(response.location).get_data(as_text=True)


def test_a_malformed_key_is_ignored(client, login_as, center, editor, sections):
    login_as(editor)
    assert post(client, center, form(sections, "not-a-key")).status_code == 302
    assert post(client, center, form(sections, "not-a-key")).status_code == 302
    assert report_count() == 2


def test_a_resubmission_that_misses_the_first_report_meets_the_unique_key_and_lands_on_it(
    app, editor, center, sections, monkeypatch
):
    """What two submissions at the same moment do: both look, neither finds the other, both
    insert; the unique key refuses the second, which then answers with the first."""
    key = str(uuid.uuid4())
    data = services.ReportData(section_id=sections["national-development-priorities"].id, title="Trade")
    first = services.create_report(editor, center, data, files=[pdf_upload()], creation_key=key)
    looks = []
    real_lookup = services.editing._posted_with

    def missing_the_first_look(actor, key):
        looks.append(key)
        return None if len(looks) == 1 else real_lookup(actor, key)

    monkeypatch.setattr(services.editing, "_posted_with", missing_the_first_look)
    uploads = stored_uploads(app)

    with pytest.raises(services.AlreadyPosted) as refused:
        services.create_report(editor, center, data, files=[pdf_upload()], creation_key=key)

    assert refused.value.report_id == first.id and len(looks) == 2
    assert report_count() == 1 and stored_uploads(app) == uploads


def test_simultaneous_submissions_of_one_form_make_one_report(app, editor, center, sections):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the race is proven against PostgreSQL (SQLite has a single writer)")
    key, editor_id, center_id = str(uuid.uuid4()), editor.id, center.id
    section_id = sections["national-development-priorities"].id
    barrier = threading.Barrier(4)
    outcomes = []

    def attempt():
        from turkicnet.auth.models import User
        from turkicnet.centers.models import Center

        with app.app_context():
            user, own_center = db.session.get(User, editor_id), db.session.get(Center, center_id)
            barrier.wait()
            try:
                services.create_report(
                    user, own_center, services.ReportData(section_id=section_id, title="Trade"),
                    creation_key=key,
                )  # fmt: skip
                outcomes.append("created")
            except services.AlreadyPosted:
                outcomes.append("already")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["already"] * 3 + ["created"]
    assert report_count() == 1
