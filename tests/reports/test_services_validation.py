"""The rules ``create_report`` and ``update_report`` apply to what an editor typed (``_clean``),
checked at the service, where the API and the CLI meet them too: a refusal names the field,
and leaves no report, no file, no edit and no audit row behind."""

import pytest

from tests.conftest import audit_rows, pdf_upload
from turkicnet.centers.models import CenterStatus
from turkicnet.core.errors import ValidationFailed
from turkicnet.extensions import db
from turkicnet.reports import services
from turkicnet.reports.models import Report

REFUSED = [
    pytest.param({"title": "  \u200b\t "}, "title", "Give the report a title.", id="empty-title"),
    pytest.param({"section_id": 999_999}, "section_id", "Choose a section.", id="unknown-section"),
    pytest.param({"language": "xx"}, "language", "Choose the report's language.", id="bad-language"),
    pytest.param({"visibility": "secret"}, "visibility", "Choose who may see the report.",
                 id="bad-visibility"),
    pytest.param({"external_url": "javascript:alert(1)"}, "external_url",
                 "Give the full address, starting with https://.", id="javascript-url"),
    pytest.param({"external_url": "ftp://files.example.org/report.pdf"}, "external_url",
                 "Give the full address, starting with https://.", id="ftp-url"),
    pytest.param({"coauthor_center_ids": "pending"}, "coauthor_center_ids",
                 "Co-authors must be member centers.", id="applicant-coauthor"),
    pytest.param({"coauthor_center_ids": [999_999]}, "coauthor_center_ids",
                 "Co-authors must be member centers.", id="unknown-coauthor"),
]  # fmt: skip


@pytest.fixture
def applicant(make_center):
    return make_center(CenterStatus.PENDING, country_code="KG")


def _data(sections, applicant, **changes) -> services.ReportData:
    if changes.get("coauthor_center_ids") == "pending":
        changes["coauthor_center_ids"] = [applicant.id]
    values = dict(
        section_id=sections["national-development-priorities"].id, title="Customs union study",
        abstract="Tariffs.", authors=["Aigul Serikova"], language="en", visibility="draft",
        external_url="https://erc.example.org/customs",
    )  # fmt: skip
    values.update(changes)
    return services.ReportData(**values)


def _uploads(tmp_path) -> set:
    folder = tmp_path / "uploads"
    return set(folder.iterdir()) if folder.exists() else set()


@pytest.mark.parametrize("changes, field, message", REFUSED)
def test_a_new_report_with_a_bad_field_is_refused_and_nothing_is_kept(
    center, editor, sections, applicant, tmp_path, changes, field, message
):
    before = _uploads(tmp_path)
    with pytest.raises(ValidationFailed) as refused:
        services.create_report(editor, center, _data(sections, applicant, **changes), files=[pdf_upload()])
    assert (refused.value.field, refused.value.message) == (field, message)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Report.id))) == 0
    assert audit_rows("reports.create") == []
    assert _uploads(tmp_path) == before


@pytest.mark.parametrize("changes, field, message", REFUSED)
def test_an_edit_with_a_bad_field_is_refused_and_the_report_stays_as_saved(
    center, editor, sections, applicant, make_report, changes, field, message
):
    report = make_report(editor, center, visibility="draft", title="As saved")
    seen = report.lock_version
    with pytest.raises(ValidationFailed) as refused:
        services.update_report(editor, report, _data(sections, applicant, **changes), expected_version=seen)
    assert (refused.value.field, refused.value.message) == (field, message)
    db.session.rollback()
    db.session.refresh(report)
    assert report.title == "As saved" and report.lock_version == seen
    assert report.coauthors == [] and report.external_url == ""
    assert audit_rows("reports.update") == []


def test_the_fields_are_tidied_before_they_are_saved(center, editor, sections, applicant):
    data = _data(
        sections, applicant, title="  Customs\u200b   union study ", authors=[" Aigul  Serikova ", "", "  "],
        keywords=["trade", " trade ", "Customs", ""], external_url="  HTTPS://erc.example.org/c  ",
        coauthor_center_ids=[center.id],
    )  # fmt: skip
    report = services.create_report(editor, center, data)
    assert report.title == "Customs union study"
    assert report.authors == ["Aigul Serikova"]
    assert report.keywords == ["Customs", "trade"]
    assert report.external_url == "HTTPS://erc.example.org/c"
    # The lead center is not its own co-author.
    assert report.coauthors == []


def test_an_edit_may_keep_a_section_retired_since_but_not_move_to_one(
    admin, center, editor, sections, make_report
):
    retired = sections["collaboration-of-research-centers"]
    other = sections["national-development-priorities"]
    report = make_report(editor, center, section_id=retired.id)
    moving = make_report(editor, center, section_id=other.id, title="Moving")
    services.set_section_active(admin, retired, active=False)
    kept = services.ReportData(
        section_id=retired.id, title="Still in the retired section", visibility="public"
    )
    services.update_report(editor, report, kept, expected_version=report.lock_version)
    assert report.section_id == retired.id and report.title == "Still in the retired section"
    move = services.ReportData(section_id=retired.id, title="Moving", visibility="public")
    with pytest.raises(ValidationFailed) as refused:
        services.update_report(editor, moving, move, expected_version=moving.lock_version)
    assert refused.value.field == "section_id"
    db.session.rollback()
    db.session.refresh(moving)
    assert moving.section_id == other.id
