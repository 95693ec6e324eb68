import pytest

from tests.conftest import pdf_upload
from turkicnet.extensions import db
from turkicnet.reports import services
from turkicnet.reports.models import Section


@pytest.fixture
def sections(app):
    return {s.slug: s for s in db.session.scalars(db.select(Section))}


@pytest.fixture
def make_report(app, sections):
    """A report posted through the service by ``author`` for ``center``."""

    def make(
        author,
        center,
        *,
        visibility="public",
        title="Energy markets of the Turkic states",
        abstract="Electricity trade and the regional grid.",
        coauthors=(),
        files=None,
        **extra,
    ):
        data = services.ReportData(
            section_id=extra.pop("section_id", sections["national-development-priorities"].id),
            title=title, abstract=abstract, authors=extra.pop("authors", ["Aigul Serikova"]),
            coauthor_center_ids=[c.id for c in coauthors], visibility="draft" if coauthors else visibility,
            **extra,
        )  # fmt: skip
        report = services.create_report(
            author, center, data, files=files if files is not None else [pdf_upload()]
        )
        if coauthors:
            for coauthor in coauthors:
                confirmer = next(m.user for m in coauthor.memberships if m.is_primary)
                services.confirm_coauthorship(confirmer, report, coauthor.id)
            data.visibility = visibility
            services.update_report(author, report, data, expected_version=report.lock_version)
        return report

    return make


@pytest.fixture
def signed_and_unsigned(make_center, add_staff, make_version, sign):
    """A viewer on the staff of a signatory member and one of a member that has not signed."""
    version = make_version(required_centers=10)
    signatory_center, unsigned_center = make_center(country_code="TR"), make_center(country_code="KG")
    sign(add_staff(signatory_center, can_sign=True), signatory_center, version)
    return (
        (signatory_center, add_staff(signatory_center, "viewer")),
        (unsigned_center, add_staff(unsigned_center, "viewer")),
    )
