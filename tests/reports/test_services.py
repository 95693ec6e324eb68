import io
import re

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from tests.conftest import audit_rows, pdf_upload
from turkicnet.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from turkicnet.core.models import AuditEvent, Notification, OutboxMessage
from turkicnet.core.permissions import as_viewer
from turkicnet.extensions import db
from turkicnet.reports import search_index, services
from turkicnet.reports.models import Report, ReportFile, Visibility


def _upload(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def test_an_editor_posts_a_report_with_a_file_and_it_is_audited(center, editor, make_report, tmp_path):
    report = make_report(editor, center)
    assert report.lead_center_id == center.id and report.visibility is Visibility.PUBLIC
    [report_file] = report.files
    assert report_file.mime_type == "application/pdf" and len(report_file.sha256) == 64
    assert (tmp_path / "uploads" / report_file.stored_name).exists()
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "reports.create")).one()
    assert event.actor_id == editor.id and event.target_id == report.id


@pytest.mark.parametrize("persona", ["viewer", "outsider"])
def test_viewers_and_outsiders_cannot_post(request, center, persona, sections):
    with pytest.raises(PermissionDenied):
        services.create_report(
            request.getfixturevalue(persona), center,
            services.ReportData(section_id=sections["national-development-priorities"].id, title="x"),
        )  # fmt: skip


def test_a_renamed_executable_is_refused_and_nothing_is_stored(center, editor, make_report, tmp_path):
    before = set((tmp_path / "uploads").iterdir())
    fake = _upload(b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "report.pdf")
    with pytest.raises(ValidationFailed) as refused:
        make_report(editor, center, files=[fake])
    assert refused.value.field == "files"
    assert db.session.scalar(select(db.func.count(Report.id))) == 0
    assert set((tmp_path / "uploads").iterdir()) == before


def test_a_refused_second_file_takes_the_first_stored_one_with_it(center, editor, make_report, tmp_path):
    before = set((tmp_path / "uploads").iterdir())
    fake = _upload(b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "annex.pdf")
    with pytest.raises(ValidationFailed):
        make_report(editor, center, files=[pdf_upload(), fake])
    assert db.session.scalar(select(db.func.count(Report.id))) == 0
    assert set((tmp_path / "uploads").iterdir()) == before


def test_a_file_added_in_an_edit_that_fails_is_not_kept(center, editor, make_center, make_report, tmp_path):
    report = make_report(editor, center)
    partner = make_center(country_code="UZ")
    before = set((tmp_path / "uploads").iterdir())
    data = services.ReportData(section_id=report.section_id, title="Edited", visibility="public")
    seen = report.lock_version
    theirs = db.update(Report).where(Report.id == report.id).values(lock_version=seen + 1)
    db.session.execute(theirs.execution_options(synchronize_session=False))
    with pytest.raises(Conflict):  # found at the flush, after the file was stored
        services.update_report(editor, report, data, expected_version=seen, files=[pdf_upload("annex.pdf")])
    data.coauthor_center_ids = [partner.id]  # not confirmed yet, so the report cannot stay public
    with pytest.raises(ValidationFailed):
        services.update_report(editor, report, data, expected_version=report.lock_version,
                               files=[pdf_upload("annex.pdf")])  # fmt: skip
    assert set((tmp_path / "uploads").iterdir()) == before
    assert [f.original_name for f in db.session.get(Report, report.id).files] == ["letter.pdf"]


@pytest.mark.parametrize(
    "name, members, kind",
    [
        ("a.docx", {"[Content_Types].xml": "x", "word/document.xml": "x"}, "wordprocessingml"),
        ("a.xlsx", {"[Content_Types].xml": "x", "xl/workbook.xml": "x"}, "spreadsheetml"),
        ("a.pptx", {"[Content_Types].xml": "x", "ppt/presentation.xml": "x"}, "presentationml"),
        ("a.odt", {"mimetype": "application/vnd.oasis.opendocument.text"}, "opendocument.text"),
        ("a.ods", {"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}, "opendocument.spreadsheet"),
    ],
)
def test_office_documents_are_recognised_by_their_parts(center, editor, make_report, name, members, kind):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    report = make_report(editor, center, files=[_upload(buffer.getvalue(), "renamed.bin")])
    assert kind in report.files[0].mime_type


def test_a_macro_enabled_document_is_refused(center, editor, make_report):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "x")
        archive.writestr("word/document.xml", "x")
        archive.writestr("word/vbaProject.bin", "x")
    with pytest.raises(ValidationFailed):
        make_report(editor, center, files=[_upload(buffer.getvalue(), "a.docx")])


def test_csv_is_accepted_by_name_and_content(center, editor, make_report):
    report = make_report(editor, center, files=[_upload(b"year,gdp\n2023,4.5\n", "gdp.csv")])
    assert report.files[0].mime_type == "text/csv"
    with pytest.raises(ValidationFailed):
        make_report(editor, center, files=[_upload(b"\x00\x01binary", "gdp.csv")])


def test_a_file_over_the_limit_is_refused(app, center, editor, make_report):
    from turkicnet.core.storage import FileTooLarge

    app.config["UPLOAD_MAX_SIZE"] = 1000
    with pytest.raises(FileTooLarge):
        make_report(editor, center, files=[pdf_upload(lines=["x" * 80] * 40)])


def test_the_second_of_two_concurrent_edits_is_refused(center, editor, add_staff, make_report):
    report = make_report(editor, center)
    colleague = add_staff(center, "editor")
    seen_version = report.lock_version
    data = services.ReportData(section_id=report.section_id, title="First edit", visibility="public")
    services.update_report(editor, report, data, expected_version=seen_version)
    with pytest.raises(Conflict):
        services.update_report(
            colleague, report, services.ReportData(section_id=report.section_id, title="Second edit"),
            expected_version=seen_version,
        )  # fmt: skip
    assert report.title == "First edit"


def test_a_report_leaves_draft_only_once_every_coauthor_confirmed(
    center, editor, make_center, sections, add_staff
):
    partner = make_center(country_code="UZ")
    data = services.ReportData(
        section_id=sections["national-development-priorities"].id,
        title="Joint",
        coauthor_center_ids=[partner.id],
    )
    report = services.create_report(editor, center, data)
    partner_focal_point = partner.memberships[0].user
    told = select(Notification).where(
        Notification.user_id == partner_focal_point.id, Notification.kind == "coauthorship_to_confirm"
    )
    [notice] = db.session.scalars(told).all()
    assert notice.params["title"] == "Joint"
    partner_editor = add_staff(partner, "editor")
    data.visibility = "public"
    with pytest.raises(ValidationFailed) as refused:
        services.update_report(editor, report, data, expected_version=report.lock_version)
    assert refused.value.field == "visibility"
    db.session.rollback()
    services.confirm_coauthorship(partner_editor, report, partner.id)
    services.update_report(editor, report, data, expected_version=report.lock_version)
    assert report.visibility is Visibility.PUBLIC


def test_coauthoring_editors_may_edit_but_not_change_visibility_or_coauthors(
    center, editor, make_center, add_staff, make_report
):
    partner, third = make_center(country_code="UZ"), make_center(country_code="AZ")
    report = make_report(editor, center, visibility="network", coauthors=[partner])
    partner_editor = add_staff(partner, "editor")
    data = services.ReportData(
        section_id=report.section_id, title="Edited by the partner", visibility="network",
        coauthor_center_ids=[partner.id],
    )  # fmt: skip
    services.update_report(partner_editor, report, data, expected_version=report.lock_version)
    assert report.title == "Edited by the partner"
    data.visibility = "public"
    with pytest.raises(ValidationFailed) as refused:
        services.update_report(partner_editor, report, data, expected_version=report.lock_version)
    assert refused.value.field == "visibility"
    data.visibility, data.coauthor_center_ids = "network", [partner.id, third.id]
    with pytest.raises(ValidationFailed) as refused:
        services.update_report(partner_editor, report, data, expected_version=report.lock_version)
    assert refused.value.field == "coauthor_center_ids"
    db.session.refresh(report)
    assert report.visibility is Visibility.NETWORK and [c.center_id for c in report.coauthors] == [partner.id]


def test_a_suspended_coauthor_is_kept_when_the_lead_edits(admin, center, editor, make_center, make_report):
    from turkicnet.centers.services import suspend_center

    partner = make_center(country_code="UZ")
    report = make_report(editor, center, visibility="public", coauthors=[partner])
    suspend_center(admin, partner, note="Inactive")
    data = services.ReportData(
        section_id=report.section_id, title="Updated", visibility="public", coauthor_center_ids=[partner.id]
    )
    services.update_report(editor, report, data, expected_version=report.lock_version)
    assert [c.center_id for c in report.coauthors] == [partner.id]


def test_simultaneous_saves_are_a_conflict_not_an_error(app, center, editor, make_report):
    from sqlalchemy import update

    report = make_report(editor, center)
    seen = report.lock_version
    # Another request saves between our check and our flush.
    theirs = update(Report).where(Report.id == report.id).values(lock_version=seen + 1, title="Theirs")
    db.session.execute(theirs.execution_options(synchronize_session=False))
    assert report.lock_version == seen
    data = services.ReportData(section_id=report.section_id, title="Mine", visibility="public")
    with pytest.raises(Conflict):
        services.update_report(editor, report, data, expected_version=seen)


def test_sharing_tells_the_staff_of_the_centers_by_mail_and_notice(center, editor, make_center, make_report):
    partner = make_center(country_code="AZ")
    report = make_report(editor, center, visibility="draft")
    services.share_report(editor, report, [partner.id])
    partner_focal_point = partner.memberships[0].user
    assert db.session.scalars(
        select(Notification).where(
            Notification.user_id == partner_focal_point.id, Notification.kind == "report_shared"
        )
    ).one()
    assert db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == partner_focal_point.email,
                                    OutboxMessage.subject.contains("shared a report"))
    ).one()  # fmt: skip


def test_deleting_a_report_that_was_public_leaves_a_tombstone(
    client, center, focal_point, editor, make_report
):
    report = make_report(editor, center)
    with pytest.raises(PermissionDenied):
        services.delete_report(editor, report)
    services.delete_report(focal_point, report)
    response = client.get(f"/reports/{report.id}")
    assert response.status_code == 410
    page = response.get_data(as_text=True)
    assert "was withdrawn on" in page and focal_point.full_name in page
    assert db.session.scalars(select(ReportFile)).all() == []


@pytest.mark.parametrize("change", ["edit", "visibility", "delete"])
def test_every_change_a_harvester_must_see_moves_the_reports_updated_at(
    change, center, focal_point, editor, make_report, monkeypatch
):
    from datetime import datetime

    report = make_report(editor, center)
    later = datetime(2030, 1, 2, 3, 4, 5)
    monkeypatch.setattr(services.editing, "utcnow", lambda: later)
    data = services.ReportData(section_id=report.section_id, title=report.title, visibility="public")
    if change == "edit":
        data.title = "Energy markets, revised"
    if change == "visibility":
        data.visibility = "network"
    if change == "delete":
        services.delete_report(focal_point, report)
    else:
        services.update_report(editor, report, data, expected_version=report.lock_version)
    db.session.expire_all()
    assert db.session.get(Report, report.id).updated_at == later


def test_deleting_a_draft_removes_it_and_its_files(
    client, center, focal_point, editor, make_report, tmp_path
):
    before = set((tmp_path / "uploads").iterdir())
    report = make_report(editor, center, visibility="draft")
    report_id = report.id
    services.delete_report(focal_point, report)
    assert db.session.get(Report, report_id) is None
    assert set((tmp_path / "uploads").iterdir()) == before
    assert client.get(f"/reports/{report_id}").status_code == 404


def test_search_finds_the_text_of_an_uploaded_pdf(client, center, editor, make_report):
    make_report(editor, center, title="Annual review", abstract="Overview.",
                files=[pdf_upload(lines=("The quinoa harvest rose sharply in the valley",))])  # fmt: skip
    page = client.get("/search?q=quinoa").get_data(as_text=True)
    assert "Annual review" in page
    assert "<mark>quinoa</mark>" in page


@pytest.mark.parametrize(
    "stored, typed",
    [
        ("İqtisadi İslahatlar", "iqtisadi islahatlar"),
        ("ekonomik araştırma", "arastirma"),
        ("ıktisat politikası", "iktisat"),
        ("Экономическая политика", "экономическ"),
        ("Экономическая политика", "ekonomich"),
        ("Économie régionale", "economie"),
    ],
)
def test_search_finds_words_as_people_type_them(client, center, editor, make_report, stored, typed):
    make_report(editor, center, title=f"Report on {stored}", abstract="")
    page = client.get("/search", query_string={"q": typed}).get_data(as_text=True)
    assert f"Report on {stored}" in page


def _indexed(*words) -> set[int]:
    """Ids the full-text index itself matches, whoever may see them."""
    return set(db.session.scalars(select(search_index.matching_ids(list(words)).subquery().c.doc_id)))


def test_the_search_index_follows_edits_and_deletions(client, center, focal_point, editor, make_report):
    report = make_report(editor, center, title="Wheat exports", abstract="")
    report_id = report.id
    assert "Wheat exports" in client.get("/search?q=wheat").get_data(as_text=True)
    assert _indexed("wheat") == {report_id}
    data = services.ReportData(section_id=report.section_id, title="Cotton exports", visibility="public")
    services.update_report(editor, report, data, expected_version=report.lock_version)
    assert "1 report found" not in client.get("/search?q=wheat").get_data(as_text=True)
    assert "Cotton exports" in client.get("/search?q=cotton").get_data(as_text=True)
    assert _indexed("wheat") == set() and _indexed("cotton") == {report_id}
    services.delete_report(focal_point, report)
    assert "Cotton exports" not in client.get("/search?q=cotton").get_data(as_text=True)
    assert _indexed("cotton") == set()


def test_comments_are_for_the_network_and_mail_the_reports_editors(
    client, center, editor, focal_point, outsider, make_report
):
    from turkicnet.core.permissions import as_viewer
    from turkicnet.reports.permissions import can_comment

    report = make_report(editor, center)
    assert not can_comment(as_viewer(outsider), report)
    services.add_comment(focal_point, report, "Could you add the 2023 figures?")
    mail = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.recipient == editor.email, OutboxMessage.subject.contains("New comment")
        )
    ).one()
    assert "Could you add the 2023 figures?" in mail.body
    assert "Could you add the 2023 figures?" not in client.get(f"/reports/{report.id}").get_data(as_text=True)


def test_a_retired_section_keeps_its_reports_but_takes_no_new_ones(
    client, admin, center, editor, make_report, sections
):
    section = sections["collaboration-of-research-centers"]
    make_report(editor, center, title="Old joint report", section_id=section.id)
    services.set_section_active(admin, section, active=False)
    assert "Old joint report" in client.get(f"/sections/{section.slug}").get_data(as_text=True)
    with pytest.raises(ValidationFailed):
        make_report(editor, center, title="New one", section_id=section.id)


def test_downloads_are_counted_in_their_own_table(client, center, editor, make_report):
    report = make_report(editor, center)
    file_id = report.files[0].id
    for _ in range(3):
        client.get(f"/reports/{report.id}/files/{file_id}").close()
    assert services.download_counts(report) == {file_id: 3}


def test_a_first_download_creates_its_counter_and_the_next_one_bumps_it(center, editor, make_report):
    report = make_report(editor, center)
    report_file = report.files[0]
    assert services.download_counts(report) == {}
    services.record_download(None, report_file)
    assert services.download_counts(report) == {report_file.id: 1}
    services.record_download(None, report_file)
    assert services.download_counts(report) == {report_file.id: 2}


def test_a_very_common_word_is_shown_newest_first_and_counted_as_more_than(
    client, center, editor, make_report, monkeypatch
):
    from datetime import date

    monkeypatch.setattr(services.search, "RANK_LIMIT", 3)
    for year in (2020, 2024, 2022, 2023, 2021):
        # The oldest is by far the best match, so only the date can put it last.
        abstract = "Tariff, tariff, tariff and tariff." if year == 2020 else "Electricity trade and the grid."
        make_report(editor, center, title=f"Tariff review {year}", abstract=abstract,
                    publication_date=date(year, 1, 1), files=[])  # fmt: skip
    page = client.get("/search?q=tariff").get_data(as_text=True)
    assert "More than 3 reports found" in page
    years = [int(y) for y in re.findall(r"Tariff review (\d{4})", page)]
    assert years == [2024, 2023, 2022, 2021, 2020]
    monkeypatch.setattr(services.search, "RANK_LIMIT", 10)
    ranked = client.get("/search?q=tariff").get_data(as_text=True)
    assert "5 reports found" in ranked
    assert [int(y) for y in re.findall(r"Tariff review (\d{4})", ranked)][0] == 2020
    few = client.get("/search?q=tariff&year=2024").get_data(as_text=True)
    assert "1 report found" in few


def test_an_edit_without_new_files_reuses_the_text_read_from_the_pdfs(
    client, center, editor, make_report, monkeypatch
):
    reads = []
    read_pdfs = services.search._pdf_text
    monkeypatch.setattr(
        services.search, "_pdf_text", lambda report: reads.append(report.id) or read_pdfs(report)
    )
    report = make_report(editor, center, title="Annual review", abstract="",
                         files=[pdf_upload(lines=("The quinoa harvest rose sharply",))])  # fmt: skip
    assert reads == [report.id]
    data = services.ReportData(
        section_id=report.section_id, title="Annual review, revised", visibility="public"
    )
    services.update_report(editor, report, data, expected_version=report.lock_version)
    assert reads == [report.id]
    page = client.get("/search?q=quinoa").get_data(as_text=True)
    assert "Annual review, revised" in page and "<mark>quinoa</mark>" in page

    services.update_report(
        editor, report, data, expected_version=report.lock_version,
        files=[pdf_upload("annex.pdf", lines=("Sorghum yields in the annex",))],
    )  # fmt: skip
    assert reads == [report.id, report.id]
    assert "Annual review, revised" in client.get("/search?q=sorghum").get_data(as_text=True)
    services.remove_file(editor, report, report.files[0].id)
    assert reads == [report.id] * 3
    assert "Annual review, revised" not in client.get("/search?q=quinoa").get_data(as_text=True)
    assert "Annual review, revised" in client.get("/search?q=sorghum").get_data(as_text=True)


def test_simultaneous_saves_that_change_topics_are_a_conflict_too(app, center, editor, make_report):
    from sqlalchemy import update

    report = make_report(editor, center)
    seen = report.lock_version
    theirs = update(Report).where(Report.id == report.id).values(lock_version=seen + 1, title="Theirs")
    db.session.execute(theirs.execution_options(synchronize_session=False))
    topic = services.list_topics()[0]
    data = services.ReportData(
        section_id=report.section_id, title="Mine", visibility="public", topic_ids=[topic.id]
    )
    with pytest.raises(Conflict):
        services.update_report(editor, report, data, expected_version=seen)


def test_a_report_without_a_date_takes_todays_date_in_utc(center, editor, make_report, monkeypatch):
    from datetime import date

    monkeypatch.setattr(services.editing, "today", lambda: date(2031, 1, 1))
    assert make_report(editor, center, files=[]).publication_date == date(2031, 1, 1)


def test_a_report_is_shared_only_with_centers_that_do_not_see_it_already(
    center, editor, make_center, make_report
):
    from turkicnet.centers.models import CenterStatus

    coauthor, partner, other = (make_center(country_code=code) for code in ("UZ", "AZ", "TR"))
    applicant = make_center(CenterStatus.PENDING, country_code="KG")
    report = make_report(editor, center, visibility="network", coauthors=[coauthor])
    services.share_report(editor, report, [partner.id])
    candidates = {c.id for c in services.share_candidates(report)}
    assert {partner.id, other.id} & candidates == {other.id}
    assert not {center.id, coauthor.id, partner.id, applicant.id} & candidates

    added = services.share_report(
        editor, report, [coauthor.id, center.id, applicant.id, partner.id, other.id]
    )
    assert [s.center_id for s in added] == [other.id]
    assert sorted(s.center_id for s in report.shares) == sorted([partner.id, other.id])
    assert services.share_report(editor, report, [coauthor.id]) == []
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "reports.share").order_by(AuditEvent.id.desc())
    ).first()
    assert event.target_id == report.id and event.details["centers"] == [other.id]


def test_signatory_members_take_part_in_the_conversation_and_unsigned_members_do_not(
    center, editor, focal_point, make_report, signed_and_unsigned
):
    from turkicnet.core.permissions import as_viewer
    from turkicnet.reports.permissions import can_comment, can_view_comments

    (_signed, member_of_signatory), (_unsigned, member_of_unsigned) = signed_and_unsigned
    report = make_report(editor, center, visibility="public")
    services.add_comment(focal_point, report, "A remark for the network")
    signatory_staff, unsigned_staff = as_viewer(member_of_signatory), as_viewer(member_of_unsigned)
    assert can_view_comments(signatory_staff, report) and can_comment(signatory_staff, report)
    assert [c.body for c in services.comments_for(member_of_signatory, report)] == [
        "A remark for the network"
    ]
    assert not can_view_comments(unsigned_staff, report) and not can_comment(unsigned_staff, report)
    assert services.comments_for(member_of_unsigned, report) == []


def test_staff_of_a_suspended_signatory_no_longer_see_network_reports(
    admin, client, login_as, center, editor, make_report, signed_and_unsigned
):
    from turkicnet.centers.services import reinstate_center, suspend_center
    from turkicnet.core.permissions import as_viewer
    from turkicnet.reports.permissions import can_view_report, visible_reports

    (signed, member), _unsigned = signed_and_unsigned
    report = make_report(editor, center, visibility="network", title="For the network only")

    def listed():
        query = select(Report.id).where(visible_reports(as_viewer(member)))
        return report.id in set(db.session.scalars(query))

    login_as(member)
    assert can_view_report(as_viewer(member), report) and listed()
    assert client.get(f"/reports/{report.id}").status_code == 200
    suspend_center(admin, signed, note="Inactive.")
    # a viewer is read once per request: the next one sees the suspension
    assert not can_view_report(as_viewer(member), report) and not listed()
    assert client.get(f"/reports/{report.id}").status_code == 404
    assert "For the network only" not in client.get("/search?q=network").get_data(as_text=True)
    reinstate_center(admin, signed)
    assert client.get(f"/reports/{report.id}").status_code == 200


# ---------------------------------------------------------------- unsharing


def test_the_lead_editor_unshares_and_the_partners_staff_lose_the_report(
    center, editor, make_center, add_staff, make_report
):
    from turkicnet.reports.permissions import can_view_report, visible_reports

    partner, other = make_center(country_code="AZ"), make_center(country_code="TR")
    partner_viewer = add_staff(partner, "viewer")
    report = make_report(editor, center, visibility="draft")
    services.share_report(editor, report, [partner.id, other.id])
    assert can_view_report(as_viewer(partner_viewer), report)
    services.unshare_report(editor, report, partner.id)
    db.session.expire_all()
    assert [s.center_id for s in report.shares] == [other.id]
    [event] = audit_rows("reports.unshare", report)
    assert event.actor_id == editor.id and event.details == {"center_id": partner.id}
    assert not can_view_report(as_viewer(partner_viewer), report)
    listed = select(Report.id).where(visible_reports(as_viewer(partner_viewer)))
    assert report.id not in set(db.session.scalars(listed))
    # The center may be shared with again.
    assert partner.id in {c.id for c in services.share_candidates(report)}


def test_unsharing_a_center_the_report_is_not_shared_with_is_not_found(
    center, editor, make_center, make_report
):
    partner = make_center(country_code="AZ")
    report = make_report(editor, center, visibility="draft")
    with pytest.raises(NotFound):
        services.unshare_report(editor, report, partner.id)
    assert audit_rows("reports.unshare") == []


@pytest.mark.parametrize("who", ["shared-with editor", "coauthoring editor", "lead viewer", "outsider"])
def test_only_the_lead_centers_writers_unshare(
    center, editor, viewer, outsider, make_center, add_staff, make_report, who
):
    partner, coauthor = make_center(country_code="AZ"), make_center(country_code="UZ")
    report = make_report(editor, center, visibility="draft", coauthors=[coauthor])
    services.share_report(editor, report, [partner.id])
    actor = {"shared-with editor": add_staff(partner, "editor"), "coauthoring editor": add_staff(coauthor),
             "lead viewer": viewer, "outsider": outsider}[who]  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.unshare_report(actor, report, partner.id)
    db.session.expire_all()
    assert [s.center_id for s in report.shares] == [partner.id]
    assert audit_rows("reports.unshare") == []


# ---------------------------------------------------------------- the other unexercised branches


def test_removing_a_file_the_report_does_not_have_is_not_found(center, editor, make_report):
    report, other = make_report(editor, center), make_report(editor, center)
    with pytest.raises(NotFound):
        services.remove_file(editor, report, other.files[0].id)
    assert len(report.files) == 1 and audit_rows("reports.remove_file") == []


def test_a_second_confirmation_of_a_coauthorship_changes_nothing(center, editor, make_center, sections):
    partner = make_center(country_code="UZ")
    section_id = sections["national-development-priorities"].id
    data = services.ReportData(section_id=section_id, title="Joint", coauthor_center_ids=[partner.id])
    report = services.create_report(editor, center, data)
    confirmer = partner.memberships[0].user
    first = services.confirm_coauthorship(confirmer, report, partner.id)
    confirmed_at = first.confirmed_at
    again = services.confirm_coauthorship(confirmer, report, partner.id)
    assert again is first and again.confirmed_at == confirmed_at
    assert len(audit_rows("reports.confirm_coauthorship", report)) == 1


@pytest.mark.parametrize("body", ["", "  \n\n\t  "])
def test_an_empty_comment_is_refused(center, editor, focal_point, make_report, body):
    from turkicnet.reports.models import Comment

    report = make_report(editor, center)
    with pytest.raises(ValidationFailed) as refused:
        services.add_comment(focal_point, report, body)
    assert refused.value.field == "body"
    db.session.rollback()
    assert db.session.scalars(select(Comment)).all() == [] and audit_rows("reports.comment") == []


@pytest.mark.parametrize("typed", ["", "   ", "!!! ??"])
def test_a_search_without_a_word_finds_nothing_and_runs_no_query(
    center, editor, make_report, count_queries, typed
):
    make_report(editor, center)
    with count_queries() as counter:
        found = services.search_reports(editor, typed, services.Filters())
    assert (found.items, found.total, found.pages) == ([], 0, 1)
    assert counter.statements == []


def test_a_report_naming_coauthors_cannot_be_posted_public_and_its_files_are_not_kept(
    center, editor, make_center, sections, tmp_path
):
    partner = make_center(country_code="UZ")
    before = set((tmp_path / "uploads").iterdir())
    data = services.ReportData(
        section_id=sections["national-development-priorities"].id, title="Joint", visibility="public",
        coauthor_center_ids=[partner.id],
    )  # fmt: skip
    with pytest.raises(ValidationFailed) as refused:
        services.create_report(editor, center, data, files=[pdf_upload("joint.pdf")])
    assert refused.value.field == "visibility"
    assert set((tmp_path / "uploads").iterdir()) == before
    assert db.session.scalar(select(db.func.count(Report.id))) == 0


def test_a_failed_commit_leaves_no_stored_file_behind(center, editor, sections, tmp_path, monkeypatch):
    before = set((tmp_path / "uploads").iterdir())

    def failing_commit():
        raise RuntimeError("the database went away")

    monkeypatch.setattr(db.session, "commit", failing_commit)
    data = services.ReportData(section_id=sections["national-development-priorities"].id, title="Lost")
    with pytest.raises(RuntimeError):
        services.create_report(editor, center, data, files=[pdf_upload("lost.pdf")])
    assert set((tmp_path / "uploads").iterdir()) == before


def test_a_pdf_whose_text_cannot_be_read_is_kept_and_only_its_text_is_missing(
    client, center, editor, make_report, caplog, monkeypatch
):
    # A PDF that is no PDF at all is refused on upload (F-07); one whose pages are readable
    # but whose text is not (a damaged font, say) is kept.
    from pypdf import PageObject
    from pypdf.errors import PdfReadError

    def damaged(*_args, **_kwargs):
        raise PdfReadError("damaged text")

    monkeypatch.setattr(PageObject, "extract_text", damaged)
    broken = pdf_upload("broken.pdf")
    report = make_report(editor, center, title="Broken scan", abstract="", files=[broken])
    assert [f.original_name for f in report.files] == ["broken.pdf"]
    assert "could not read text of 'broken.pdf'" in caplog.text
    assert "Broken scan" in client.get("/search?q=broken").get_data(as_text=True)


def test_an_edit_of_the_topics_alone_still_refuses_a_stale_save(
    center, editor, add_staff, make_report, monkeypatch
):
    from datetime import datetime

    same_second = datetime(2026, 5, 1, 12, 0, 0)
    monkeypatch.setattr(services.editing, "utcnow", lambda: same_second)
    report = make_report(editor, center, files=[])
    colleague = add_staff(center, "editor")
    data = services.ReportData(section_id=report.section_id, title="Energy markets", visibility="public")
    services.update_report(editor, report, data, expected_version=report.lock_version)
    seen_by_both = report.lock_version
    topic = services.list_topics()[0]
    with_topic = services.ReportData(
        section_id=report.section_id, title="Energy markets", visibility="public", topic_ids=[topic.id]
    )
    services.update_report(editor, report, with_topic, expected_version=seen_by_both)
    stale = services.ReportData(
        section_id=report.section_id, title="Energy markets, revised", visibility="public"
    )
    with pytest.raises(Conflict):
        services.update_report(colleague, report, stale, expected_version=seen_by_both)


# ---------------------------------------------------------------- sections and events (admins)


def test_a_new_section_with_a_taken_title_gets_the_next_free_address(admin):
    first = services.create_section(admin, title="Green transition", description="", event_id=None)
    second = services.create_section(admin, title="Green   transition", description="", event_id=None)
    third = services.create_section(admin, title="Green transition!", description="", event_id=None)
    slugs = ["green-transition", "green-transition-2", "green-transition-3"]
    assert [first.slug, second.slug, third.slug] == slugs
    assert third.position > second.position > first.position
    assert [e.details["slug"] for e in audit_rows("reports.save_section")] == slugs


def test_editing_a_section_keeps_its_address(admin, sections):
    section = sections["national-development-priorities"]
    services.update_section(
        admin, section, title="National priorities", description=" Plans \r\n", event_id=None
    )
    db.session.refresh(section)
    assert (section.slug, section.title, section.description) == (
        "national-development-priorities", "National priorities", "Plans",
    )  # fmt: skip
    [event] = audit_rows("reports.save_section", section)
    assert event.actor_id == admin.id


def test_a_section_or_an_event_without_a_title_is_refused(admin, sections):
    from datetime import date

    section = sections["national-development-priorities"]
    with pytest.raises(ValidationFailed) as refused:
        services.update_section(admin, section, title=" \u200b ", description="", event_id=None)
    assert refused.value.field == "title"
    with pytest.raises(ValidationFailed) as refused:
        services.create_section(admin, title="", description="", event_id=None)
    assert refused.value.field == "title"
    with pytest.raises(ValidationFailed) as refused:
        services.create_event(
            admin, title="  ", city="Baku", starts_on=date(2026, 5, 1), ends_on=date(2026, 5, 2)
        )
    assert refused.value.field == "title"
    db.session.rollback()
    db.session.refresh(section)
    assert section.title == "National development priorities of Turkic countries"
    assert audit_rows("reports.save_section") == [] and audit_rows("reports.create_event") == []


def test_the_first_section_does_not_move_up_nor_the_last_down(admin):
    first, *_, last = services.list_sections()
    services.move_section(admin, first, offset=-1)
    services.move_section(admin, last, offset=1)
    assert services.list_sections()[0] is first and services.list_sections()[-1] is last
    assert audit_rows("reports.move_section") == []


def test_two_sections_at_the_same_position_are_still_put_in_order(admin, sections):
    upper, lower = sections["national-development-priorities"], sections["collaboration-of-research-centers"]
    lower.position = upper.position
    db.session.commit()
    services.move_section(admin, lower, offset=-1)
    assert lower.position < upper.position
    assert [s.id for s in services.list_sections()][:2] == [lower.id, upper.id]
    [event] = audit_rows("reports.move_section", lower)
    assert event.details == {"offset": -1}


def test_the_lead_drops_a_coauthor_and_its_staff_lose_the_draft(
    center, editor, make_center, add_staff, make_report
):
    from turkicnet.reports.permissions import can_view_report

    partner, other = make_center(country_code="UZ"), make_center(country_code="AZ")
    partner_viewer = add_staff(partner, "viewer")
    report = make_report(editor, center, visibility="draft", coauthors=[partner, other])
    assert can_view_report(as_viewer(partner_viewer), report)
    data = services.ReportData(
        section_id=report.section_id, title=report.title, coauthor_center_ids=[other.id]
    )
    services.update_report(editor, report, data, expected_version=report.lock_version)
    db.session.expire_all()
    assert [c.center_id for c in report.coauthors] == [other.id]
    assert not can_view_report(as_viewer(partner_viewer), report)
