"""DESIGN §1's access table, for every kind of viewer and every visibility, on every surface:
the report page, the file download, the section list, search results and the feeds."""

import pytest

from tests.conftest import PASSWORD, pdf_upload

PERSONAS = [
    "anonymous",
    "no_center",
    "signatory_member",
    "unsigned_member",
    "coauthor",
    "shared_with",
    "lead_viewer",
    "admin",
]
SEES = {
    "draft": {"coauthor", "shared_with", "lead_viewer", "admin"},
    "network": {"signatory_member", "coauthor", "shared_with", "lead_viewer", "admin"},
    "public": set(PERSONAS),
}
TITLE = "Zymurgy of regional grids"


@pytest.fixture
def world(app, make_center, add_staff, make_user, admin, make_version, sign, make_report):
    from turkicnet.reports import services

    version = make_version(required_centers=10)
    lead, coauthor, shared, signatory_center, unsigned = (
        make_center(country_code=code) for code in ("KZ", "UZ", "AZ", "TR", "KG")
    )
    signer = add_staff(signatory_center, can_sign=True)
    sign(signer, signatory_center, version)
    editor = add_staff(lead, "editor")
    people = {
        "no_center": make_user(),
        "signatory_member": add_staff(signatory_center, "viewer"),
        "unsigned_member": add_staff(unsigned, "viewer"),
        "coauthor": add_staff(coauthor, "viewer"),
        "shared_with": add_staff(shared, "viewer"),
        "lead_viewer": add_staff(lead, "viewer"),
        "admin": admin,
    }
    reports = {}
    for visibility in ("draft", "network", "public"):
        report = make_report(
            editor, lead, visibility=visibility, title=f"{TITLE} {visibility}", coauthors=[coauthor],
            files=[pdf_upload(lines=("Zymurgy appendix",))],
        )  # fmt: skip
        services.share_report(editor, report, [shared.id])
        reports[visibility] = report
    return people, reports


def _client_for(app, people, persona):
    client = app.test_client()
    if persona != "anonymous":
        response = client.post("/auth/login", data={"email": people[persona].email, "password": PASSWORD})
        assert response.status_code == 302
    return client


@pytest.mark.parametrize("visibility", ["draft", "network", "public"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_who_sees_a_report_everywhere(app, world, persona, visibility):
    people, reports = world
    report = reports[visibility]
    client = _client_for(app, people, persona)
    allowed = persona in SEES[visibility]
    title = f"{TITLE} {visibility}"

    page = client.get(f"/reports/{report.id}")
    assert page.status_code == (200 if allowed else 404)
    download = client.get(f"/reports/{report.id}/files/{report.files[0].id}")
    assert download.status_code == (200 if allowed else 404)
    download.close()

    section_page = client.get("/sections/national-development-priorities").get_data(as_text=True)
    assert (title in section_page) is allowed
    results = client.get("/search?q=zymurgy").get_data(as_text=True)
    assert (title in results) is allowed
    csv_rows = client.get("/reports.csv").get_data(as_text=True)
    assert (title in csv_rows) is allowed

    # Feeds carry public reports only, whoever asks.
    assert (title in client.get("/feeds/reports.atom").get_data(as_text=True)) is (visibility == "public")
    section_feed = client.get("/sections/national-development-priorities/feed.atom").get_data(as_text=True)
    assert (title in section_feed) is (visibility == "public")


@pytest.mark.parametrize("persona", PERSONAS)
def test_counts_never_include_reports_the_viewer_may_not_see(app, world, persona):
    people, _reports = world
    client = _client_for(app, people, persona)
    expected = sum(persona in SEES[v] for v in ("draft", "network", "public"))
    results = client.get("/search?q=zymurgy").get_data(as_text=True)
    assert f"{expected} report" in results
    section_page = client.get("/sections/national-development-priorities").get_data(as_text=True)
    assert f"{expected} report" in section_page


def test_the_permission_predicate_and_the_sql_filter_agree(app, world):
    from turkicnet.auth.models import User
    from turkicnet.core.permissions import as_viewer
    from turkicnet.extensions import db
    from turkicnet.reports.models import Report
    from turkicnet.reports.permissions import can_view_report, visible_reports

    people, reports = world
    for persona, user in people.items():
        user = as_viewer(db.session.get(User, user.id))
        listed = set(db.session.scalars(db.select(Report.id).where(visible_reports(user))))
        assert listed == {r.id for r in reports.values() if can_view_report(user, r)}, persona
