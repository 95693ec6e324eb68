import csv
import io
import re

import pytest

from tests.conftest import pdf_upload
from turkicnet.extensions import db
from turkicnet.reports import services
from turkicnet.reports.models import Report, Section, Visibility


def _form(section_id, **changes):
    data = {
        "section_id": str(section_id),
        "title": "Digital trade in the Turkic states",
        "abstract": "E-commerce and **cross-border** payments.",
        "authors": "Aigul Serikova\nTimur Akhmetov",
        "language": "en",
        "publication_date": "2026-10-01",
        "keywords": "e-commerce, payments",
        "visibility": "public",
        "external_url": "",
    }
    data.update(changes)
    return data


def test_an_editor_posts_a_report_through_the_form(client, login_as, center, editor, sections):
    login_as(editor)
    section = sections["national-development-priorities"]
    data = _form(section.id)
    data["files"] = [(io.BytesIO(pdf_upload().stream.read()), "digital-trade.pdf")]
    response = client.post(
        f"/reports/new?center={center.slug}", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    report = db.session.scalars(db.select(Report)).one()
    assert report.authors == ["Aigul Serikova", "Timur Akhmetov"]
    assert report.keywords == ["e-commerce", "payments"]
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "<strong>cross-border</strong>" in page and "digital-trade.pdf" in page


def test_an_oversized_file_gets_a_413_with_the_other_input_kept(
    app, client, login_as, center, editor, sections
):
    app.config["UPLOAD_MAX_SIZE"] = 500
    login_as(editor)
    data = _form(sections["national-development-priorities"].id, title="Kept title after a big file")
    data["files"] = [(io.BytesIO(b"%PDF-1.4\n" + b"x" * 2000 + b"\n%%EOF\n"), "big.pdf")]
    response = client.post(
        f"/reports/new?center={center.slug}", data=data, content_type="multipart/form-data"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert 'value="Kept title after a big file"' in page
    assert "The file is larger than" in page
    assert db.session.scalars(db.select(Report)).all() == []


def test_a_script_abstract_is_sanitised(client, login_as, center, editor, make_report):
    report = make_report(
        editor, center, abstract='<script>alert(1)</script><a href="javascript:x()">x</a>\n\n*ok*'
    )
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "javascript:x()" not in page
    assert "<em>ok</em>" in page


def test_the_second_save_of_two_editors_is_refused_and_their_text_kept(
    client, login_as, center, editor, add_staff, make_report
):
    report = make_report(editor, center)
    version_seen = report.lock_version
    colleague = add_staff(center, "editor")
    login_as(editor)
    first = client.post(
        f"/reports/{report.id}/edit",
        data=_form(report.section_id, title="First save", lock_version=version_seen),
    )
    assert first.status_code == 302
    login_as(colleague)
    second = client.post(
        f"/reports/{report.id}/edit",
        data=_form(report.section_id, title="My careful rewrite", lock_version=version_seen),
    )
    page = second.get_data(as_text=True)
    assert second.status_code == 409
    assert "Someone else saved this report" in page
    assert 'value="My careful rewrite"' in page
    db.session.refresh(report)
    assert report.title == "First save"
    fresh_version = re.search(r'name="lock_version" type="hidden" value="(\d+)"', page).group(1)
    assert int(fresh_version) == report.lock_version
    again = client.post(
        f"/reports/{report.id}/edit",
        data=_form(report.section_id, title="My careful rewrite", lock_version=fresh_version),
    )
    assert again.status_code == 302
    db.session.refresh(report)
    assert report.title == "My careful rewrite"


def test_files_are_served_as_attachments_with_their_sniffed_type(
    client, login_as, center, editor, make_report
):
    public = make_report(editor, center, visibility="public")
    response = client.get(f"/reports/{public.id}/files/{public.files[0].id}")
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()
    draft = make_report(editor, center, visibility="draft")
    login_as(editor)
    response = client.get(f"/reports/{draft.id}/files/{draft.files[0].id}")
    assert response.headers["Cache-Control"] == "private, no-store"
    response.close()


def test_a_file_id_of_another_report_is_not_served(client, center, editor, make_report):
    first = make_report(editor, center)
    second = make_report(editor, center, visibility="draft")
    assert client.get(f"/reports/{first.id}/files/{second.files[0].id}").status_code == 404


def test_comments_never_show_to_the_public(client, login_as, center, editor, focal_point, make_report):
    from turkicnet.reports import services

    report = make_report(editor, center)
    services.add_comment(focal_point, report, "A network-only remark")
    assert "A network-only remark" not in client.get(f"/reports/{report.id}").get_data(as_text=True)
    login_as(editor)
    assert "A network-only remark" in client.get(f"/reports/{report.id}").get_data(as_text=True)


def test_section_list_filters_by_country_year_and_language(client, center, editor, make_center, add_staff,
                                                          make_report, sections):  # fmt: skip
    other = make_center(country_code="UZ")
    make_report(
        editor, center, title="Kazakh report 2025", publication_date=__import__("datetime").date(2025, 5, 1)
    )
    make_report(add_staff(other, "editor"), other, title="Uzbek report in Russian", language="ru")
    base = "/sections/national-development-priorities"
    only_kz = client.get(f"{base}?country=KZ").get_data(as_text=True)
    assert "Kazakh report 2025" in only_kz and "Uzbek report" not in only_kz
    assert "Kazakh report" not in client.get(f"{base}?year=2026").get_data(as_text=True)
    only_2025 = client.get(f"{base}?year=2025").get_data(as_text=True)
    assert "Kazakh report 2025" in only_2025 and "Uzbek report" not in only_2025
    only_ru = client.get(f"{base}?language=ru").get_data(as_text=True)
    assert "Uzbek report in Russian" in only_ru and "Kazakh report" not in only_ru


def test_csv_export_of_a_section(client, center, editor, make_report, sections):
    make_report(editor, center, title="=HYPERLINK(evil)")
    make_report(editor, center, title="Posted in the other section",
                section_id=sections["collaboration-of-research-centers"].id)  # fmt: skip
    response = client.get("/sections/national-development-priorities.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="turkicnet-national-development-priorities.csv"'
    )
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [row["title"] for row in rows] == ["'=HYPERLINK(evil)"]
    assert client.get("/reports.csv").get_data(as_text=True).count("Posted in the other section") == 1


def _count(client, count_queries, path):
    with count_queries() as counter:
        assert client.get(path).status_code == 200
    return len(counter.statements)


def test_section_and_search_queries_do_not_grow_with_the_number_of_reports(
    client, login_as, center, editor, make_report, count_queries
):
    for n in range(3):
        make_report(editor, center, title=f"Steppe economy {n}", files=[])
    login_as(editor)
    few_section = _count(client, count_queries, "/sections/national-development-priorities")
    few_search = _count(client, count_queries, "/search?q=steppe")
    for n in range(3, 15):
        make_report(editor, center, title=f"Steppe economy {n}", files=[])
    assert _count(client, count_queries, "/sections/national-development-priorities") == few_section
    assert _count(client, count_queries, "/search?q=steppe") == few_search


def test_admin_creates_reorders_and_retires_sections(client, login_as, admin):
    login_as(admin)
    client.post(
        "/admin/sections", data={"title": "Green transition", "description": "Energy", "event_id": "0"}
    )
    section = db.session.scalars(db.select(Section).where(Section.title == "Green transition")).one()
    assert section.event_id is None
    client.post(f"/admin/sections/{section.slug}/up")
    ordered = [s.title for s in db.session.scalars(db.select(Section).order_by(Section.position))]
    assert ordered.index("Green transition") == 1
    client.post(f"/admin/sections/{section.slug}/retire")
    db.session.refresh(section)
    assert section.active is False
    page = client.get("/sections").get_data(as_text=True)
    assert re.search(r"Retired sections.*Green transition", page, re.S)


def test_center_and_country_pages_list_their_reports(client, center, editor, make_report):
    make_report(editor, center, title="Listed on the profile")
    assert "Listed on the profile" in client.get(f"/centers/{center.slug}").get_data(as_text=True)
    assert "Listed on the profile" in client.get(f"/countries/{center.country_code}").get_data(as_text=True)
    assert "Listed on the profile" in client.get("/").get_data(as_text=True)


def test_admin_records_an_event_and_ties_a_section_to_it(client, login_as, admin):
    from turkicnet.reports.models import Event

    login_as(admin)
    refused = client.post(
        "/admin/events",
        data={"title": "Baku forum", "city": "Baku", "starts_on": "2026-05-02", "ends_on": "2026-05-01"},
    )
    assert refused.status_code == 400 and "cannot come before" in refused.get_data(as_text=True)
    client.post(
        "/admin/events",
        data={"title": "Baku forum", "city": "Baku", "starts_on": "2026-05-01", "ends_on": "2026-05-02"},
    )
    event = db.session.scalars(db.select(Event).where(Event.title == "Baku forum")).one()
    client.post("/admin/sections", data={"title": "Energy", "description": "", "event_id": str(event.id)})
    section = db.session.scalars(db.select(Section).where(Section.title == "Energy")).one()
    assert section.event_id == event.id
    assert "Baku forum, Baku" in client.get("/sections").get_data(as_text=True)


def test_feeds_escape_what_people_typed(client, center, editor, make_report):
    import xml.dom.minidom

    make_report(editor, center, title="Trade & Investment <b>2026</b>", abstract="R&D <script>x</script>")
    for path in ("/feeds/reports.atom", "/sections/national-development-priorities/feed.atom"):
        body = client.get(path).get_data(as_text=True)
        xml.dom.minidom.parseString(body)  # noqa: S318 - our own feed: is it well-formed XML?
        assert "Trade &amp; Investment &lt;b&gt;2026&lt;/b&gt;" in body
        assert "<script>" not in body


def test_the_year_filter_offers_every_year_down_to_the_earliest_report_without_scanning_them(
    client, center, editor, make_report, count_queries
):
    from datetime import date

    from turkicnet.reports.services import today

    make_report(editor, center, title="Report of 2019", publication_date=date(2019, 3, 1), files=[])
    make_report(editor, center, title="Report of 2022", publication_date=date(2022, 3, 1), files=[])
    with count_queries() as counter:
        page = client.get("/search?q=report").get_data(as_text=True)
    offered = [int(y) for y in re.findall(r'<option value="(\d{4})"', page)]
    assert offered == list(range(today().year, 2018, -1))
    assert not any("distinct" in statement.lower() for statement in counter.statements)
    only_2019 = client.get("/sections/national-development-priorities?year=2019").get_data(as_text=True)
    assert "Report of 2019" in only_2019 and "Report of 2022" not in only_2019
    assert "1 report found" in client.get("/search?q=report&year=2022").get_data(as_text=True)


def test_the_section_page_does_not_read_the_list_of_sections_it_does_not_show(client, count_queries):
    with count_queries() as counter:
        assert client.get("/sections/national-development-priorities").status_code == 200
    assert not [s for s in counter.statements if "ORDER BY sections.position" in s]
    with count_queries() as counter:
        page = client.get("/search?q=trade").get_data(as_text=True)
    assert [s for s in counter.statements if "ORDER BY sections.position" in s]
    assert "Collaboration of" in page  # the search form offers the sections


def test_the_file_size_limit_shown_is_the_configured_one(app, client, login_as, center, editor):
    app.config["UPLOAD_MAX_SIZE"] = 10 * 1024 * 1024
    login_as(editor)
    page = client.get(f"/reports/new?center={center.slug}").get_data(as_text=True)
    assert "at most 10 MB each" in page


_COLLECTIONS = re.compile(r"\b(report_files|report_coauthors|report_shares|topics)\.id\b")


def _loads_a_collection(statement: str) -> bool:
    """The statement loads rows of a report's files, co-authors, shares or topics (it selects
    their ids, not just a report id as the visibility filter's subqueries do)."""
    return statement.lstrip().upper().startswith("SELECT") and bool(
        _COLLECTIONS.search(statement.split(" FROM ", 1)[0])
    )


def test_lists_feeds_and_exports_do_not_load_files_coauthors_shares_or_topics(
    client, center, editor, make_center, make_report, count_queries
):
    partner = make_center(country_code="UZ")

    def post(n):
        make_report(editor, center, title=f"Listed report {n}", coauthors=[partner],
                    topic_ids=[t.id for t in services.list_topics()[:2]])  # fmt: skip

    paths = ["/", f"/centers/{center.slug}", f"/countries/{center.country_code}", "/reports.csv",
             "/feeds/reports.atom", "/sections/national-development-priorities",
             "/search?q=listed"]  # fmt: skip
    post(0)
    post(1)
    few = {}
    for path in paths:
        with count_queries() as counter:
            response = client.get(path)
        assert response.status_code == 200 and "Listed report 1" in response.get_data(as_text=True), path
        assert not [s for s in counter.statements if _loads_a_collection(s)], path
        few[path] = len(counter.statements)
    for n in range(2, 6):
        post(n)
    for path in paths:
        with count_queries() as counter:
            assert "Listed report 5" in client.get(path).get_data(as_text=True), path
        assert len(counter.statements) == few[path], path


def test_the_report_page_does_not_grow_with_coauthors_comments_and_files(
    client, login_as, center, editor, focal_point, make_center, make_report, count_queries
):
    partners = [make_center(country_code=code) for code in ("UZ", "AZ", "TR")]
    topics = [t.id for t in services.list_topics()[:3]]

    def report_with(n):
        report = make_report(editor, center, coauthors=partners[:n], topic_ids=topics[:n],
                             files=[pdf_upload(f"part-{i}.pdf") for i in range(n)])  # fmt: skip
        for i in range(n):
            services.add_comment(focal_point, report, f"Remark {i}")
        return report

    small, large = report_with(1), report_with(3)
    login_as(editor)

    def count(report):
        with count_queries() as counter:
            page = client.get(f"/reports/{report.id}").get_data(as_text=True)
        assert "part-0.pdf" in page and "Remark 0" in page
        return len(counter.statements)

    assert count(large) == count(small)


def test_a_new_report_without_a_title_is_shown_again_with_the_error(
    client, login_as, center, editor, sections
):
    login_as(editor)
    data = _form(sections["national-development-priorities"].id, title="", abstract="Kept abstract")
    response = client.post(f"/reports/new?center={center.slug}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert '<p class="error" id="title-error">This field is required.</p>' in page
    assert "Kept abstract</textarea>" in page
    assert db.session.scalars(db.select(Report)).all() == []


def test_a_new_report_naming_coauthors_cannot_go_public_at_once_and_is_shown_again(
    client, login_as, center, editor, make_center, sections
):
    partner = make_center(country_code="UZ")
    login_as(editor)
    data = _form(sections["national-development-priorities"].id, coauthor_center_ids=[str(partner.id)])
    response = client.post(f"/reports/new?center={center.slug}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert (
        '<p class="error" id="visibility-error">Every co-authoring center must confirm its co-authorship '
        "before the report leaves draft.</p>"
    ) in page
    assert 'value="Digital trade in the Turkic states"' in page
    assert db.session.scalars(db.select(Report)).all() == []


def test_an_empty_file_field_posts_the_report_without_a_file(client, login_as, center, editor, sections):
    login_as(editor)
    data = _form(sections["national-development-priorities"].id)
    data["files"] = [(io.BytesIO(b""), "")]
    response = client.post(
        f"/reports/new?center={center.slug}", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    assert db.session.scalars(db.select(Report)).one().files == []


def test_an_edit_without_a_title_is_refused_and_the_report_stays(
    client, login_as, center, editor, make_report
):
    report = make_report(editor, center, title="As saved")
    login_as(editor)
    response = client.post(
        f"/reports/{report.id}/edit",
        data=_form(report.section_id, title="", lock_version=report.lock_version),
    )
    assert response.status_code == 400
    assert '<p class="error" id="title-error">This field is required.</p>' in response.get_data(as_text=True)
    db.session.refresh(report)
    assert report.title == "As saved"


def test_a_coauthoring_editor_cannot_change_who_sees_the_report_and_keeps_their_text(
    client, login_as, center, editor, make_center, add_staff, make_report
):
    partner = make_center(country_code="UZ")
    report = make_report(editor, center, title="As saved", visibility="network", coauthors=[partner])
    login_as(add_staff(partner, "editor"))
    data = _form(report.section_id, title="My rewrite", visibility="public",
                 coauthor_center_ids=[str(partner.id)], lock_version=report.lock_version)  # fmt: skip
    response = client.post(f"/reports/{report.id}/edit", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Only the lead center changes who may see the report." in page and 'value="My rewrite"' in page
    db.session.refresh(report)
    assert report.title == "As saved" and report.visibility is Visibility.NETWORK


def test_an_oversized_file_added_on_edit_gets_a_413_and_the_report_stays(
    app, client, login_as, center, editor, make_report
):
    report = make_report(editor, center, title="As saved")
    app.config["UPLOAD_MAX_SIZE"] = 500
    login_as(editor)
    data = _form(report.section_id, title="My rewrite", lock_version=report.lock_version)
    data["files"] = [(io.BytesIO(b"%PDF-1.4\n" + b"x" * 2000 + b"\n%%EOF\n"), "big.pdf")]
    response = client.post(f"/reports/{report.id}/edit", data=data, content_type="multipart/form-data")
    assert response.status_code == 413
    assert "The file is larger than" in response.get_data(as_text=True)
    db.session.refresh(report)
    assert report.title == "As saved" and [f.original_name for f in report.files] == ["letter.pdf"]


def test_an_unknown_section_is_not_found(client):
    assert client.get("/sections/no-such-section").status_code == 404
    assert client.get("/sections/no-such-section.csv").status_code == 404


@pytest.mark.parametrize("lock_version", ["abc", "1e3", "-1", "99999999999999999999"])
def test_a_malformed_lock_version_is_a_form_error_and_the_text_is_kept(
    client, login_as, center, editor, make_report, lock_version
):
    report = make_report(editor, center, title="As saved")
    login_as(editor)
    response = client.post(
        f"/reports/{report.id}/edit",
        data=_form(report.section_id, title="My careful rewrite", lock_version=lock_version),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The form was damaged" in page and 'value="My careful rewrite"' in page
    db.session.refresh(report)
    assert report.title == "As saved"


def test_a_pdf_html_polyglot_is_refused_next_to_the_files_field_with_the_title_kept(
    client, login_as, center, editor, sections
):
    login_as(editor)
    data = _form(sections["national-development-priorities"].id, title="Kept title after a polyglot")
    polyglot = b"%PDF-1.4\n<html><script>alert(document.domain)</script></html>\n%%EOF\n"
    data["files"] = [(io.BytesIO(polyglot), "report.pdf.html")]
    response = client.post(
        f"/reports/new?center={center.slug}", data=data, content_type="multipart/form-data"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    error = re.search(r'<p class="error" id="files-error">(.*?)</p>', page, re.S).group(1)
    assert "report.pdf.html is refused" in error and "web page markup (HTML)" in error
    assert 'value="Kept title after a polyglot"' in page
    assert db.session.scalars(db.select(Report)).all() == []


def test_a_pdf_uploaded_under_an_html_name_downloads_as_a_pdf(client, login_as, center, editor, sections):
    login_as(editor)
    data = _form(sections["national-development-priorities"].id)
    data["files"] = [(io.BytesIO(pdf_upload().stream.read()), "x.html")]
    client.post(f"/reports/new?center={center.slug}", data=data, content_type="multipart/form-data")
    report_file = db.session.scalars(db.select(Report)).one().files[0]
    response = client.get(f"/reports/{report_file.report_id}/files/{report_file.id}")
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == "attachment; filename=x.pdf"
    response.close()


def test_a_file_stored_under_an_html_name_before_the_fix_downloads_as_its_kind(
    client, center, editor, make_report
):
    report = make_report(editor, center)
    report.files[0].original_name = "old upload.pdf.html"
    db.session.commit()
    response = client.get(f"/reports/{report.id}/files/{report.files[0].id}")
    assert response.headers["Content-Disposition"] == 'attachment; filename="old upload.pdf"'
    response.close()
