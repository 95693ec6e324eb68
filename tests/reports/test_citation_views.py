"""Citing on the site: the exports of a public report, its "Cite as" line, meta tags and JSON-LD,
and nothing of the kind for a network or draft report — even to someone who may read it."""

import html
import json
import re

import pytest

from turkicnet.extensions import db

FORMATS = {
    "bibtex": ("application/x-bibtex", ".bib"),
    "ris": ("application/x-research-info-systems", ".ris"),
    "csl": ("application/vnd.citationstyles.csl+json", ".json"),
    "dc": ("application/xml", ".xml"),
}
BREAKOUT = "</script><script>alert(1)</script>"


def _json_ld(page: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return [json.loads(block) for block in blocks]


def _meta(page: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, content in re.findall(r'<meta name="(citation_[a-z_]+)" content="([^"]*)">', page):
        found.setdefault(name, []).append(html.unescape(content))
    return found


@pytest.fixture
def public(center, editor, make_report):
    report = make_report(editor, center, title="Energy & markets", authors=["Айгуль Серикова", "Ayşe Yılmaz"])
    db.session.commit()
    return report


@pytest.mark.parametrize("export_format", FORMATS)
def test_a_public_report_is_exported_for_anyone_as_a_download(client, public, export_format):
    response = client.get(f"/reports/{public.id}/export/{export_format}")
    mimetype, extension = FORMATS[export_format]
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="turkicnet-report-{public.id}{extension}"'
    )
    assert "Серикова" in response.get_data(as_text=True)


def test_the_dublin_core_export_is_the_oai_dc_record_of_the_report(client, public):
    from lxml import etree

    response = client.get(f"/reports/{public.id}/export/dc")
    root = etree.fromstring(response.data)
    assert root.tag == "{http://www.openarchives.org/OAI/2.0/oai_dc/}dc"
    values = [(e.tag.split("}")[1], e.text) for e in root]
    assert ("title", "Energy & markets") in values
    assert [v for tag, v in values if tag == "creator"] == ["Айгуль Серикова", "Ayşe Yılmaz"]
    assert ("publisher", public.lead_center.name) in values
    assert ("identifier", f"http://turkicnet.test/reports/{public.id}") in values
    assert ("subject", public.section.title) in values
    assert ("format", "application/pdf") in values


@pytest.mark.parametrize("visibility", ["network", "draft"])
@pytest.mark.parametrize("export_format", FORMATS)
def test_a_report_that_is_not_public_has_no_export_even_for_its_own_editor(
    client, login_as, center, editor, make_report, visibility, export_format
):
    report = make_report(editor, center, visibility=visibility)
    db.session.commit()
    login_as(editor)
    assert client.get(f"/reports/{report.id}").status_code == 200
    assert client.get(f"/reports/{report.id}/export/{export_format}").status_code == 404


def test_a_hidden_or_missing_report_has_the_report_pages_404(client, center, editor, make_report):
    draft = make_report(editor, center, visibility="draft")
    db.session.commit()
    page = client.get(f"/reports/{draft.id}")
    export = client.get(f"/reports/{draft.id}/export/bibtex")
    assert page.status_code == export.status_code == 404
    assert client.get("/reports/999999/export/ris").status_code == 404


def test_an_unknown_format_is_a_404(client, public):
    assert client.get(f"/reports/{public.id}/export/docx").status_code == 404


def test_an_exports_urls_come_from_the_base_url_whatever_the_host(client, public):
    for export_format in FORMATS:
        body = client.get(f"/reports/{public.id}/export/{export_format}", headers={"Host": "evil.example"})
        assert "evil.example" not in body.get_data(as_text=True)
        assert f"http://turkicnet.test/reports/{public.id}" in body.get_data(as_text=True)
    page = client.get(f"/reports/{public.id}", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert _meta(page)["citation_abstract_html_url"] == [f"http://turkicnet.test/reports/{public.id}"]
    assert _json_ld(page)[0]["url"] == f"http://turkicnet.test/reports/{public.id}"


def test_a_public_report_page_cites_the_report_and_links_its_exports(client, public):
    page = client.get(f"/reports/{public.id}").get_data(as_text=True)
    assert "Cite as" in page
    assert "Серикова, А. and Yılmaz, A. (" in page and "Energy &amp; markets" in page
    for export_format in FORMATS:
        assert f'href="/reports/{public.id}/export/{export_format}"' in page


def test_a_public_report_page_carries_highwire_meta_tags(client, public):
    meta = _meta(client.get(f"/reports/{public.id}").get_data(as_text=True))
    pdf = public.files[0]
    assert meta["citation_title"] == ["Energy & markets"]
    assert meta["citation_author"] == ["Айгуль Серикова", "Ayşe Yılmaz"]
    assert meta["citation_publication_date"] == [public.publication_date.strftime("%Y/%m/%d")]
    assert meta["citation_technical_report_institution"] == [public.lead_center.name]
    assert meta["citation_pdf_url"] == [f"http://turkicnet.test/reports/{public.id}/files/{pdf.id}"]
    assert meta["citation_language"] == [public.language]


def test_a_public_report_page_describes_the_report_in_json_ld(client, public):
    (data,) = _json_ld(client.get(f"/reports/{public.id}").get_data(as_text=True))
    assert data["@type"] == "Report"
    assert data["name"] == "Energy & markets"
    assert data["author"] == [
        {"@type": "Person", "name": "Айгуль Серикова"},
        {"@type": "Person", "name": "Ayşe Yılmaz"},
    ]
    assert data["datePublished"] == public.publication_date.isoformat()
    assert data["publisher"] == {"@type": "Organization", "name": public.lead_center.name}
    assert data["inLanguage"] == public.language


@pytest.mark.parametrize("visibility", ["network", "draft"])
def test_a_report_that_is_not_public_has_no_citation_metadata_on_its_page(
    client, login_as, center, editor, make_report, visibility
):
    report = make_report(editor, center, visibility=visibility)
    db.session.commit()
    login_as(editor)
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert report.title in page
    assert not _meta(page) and not _json_ld(page)
    assert "Cite as" not in page and "/export/" not in page


def test_a_title_cannot_break_out_of_the_json_ld(client, center, editor, make_report):
    report = make_report(editor, center, title=f"Trade {BREAKOUT}", authors=[f"Eve {BREAKOUT}"])
    db.session.commit()
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert BREAKOUT not in page
    assert "<script>alert(1)" not in page
    (data,) = _json_ld(page)
    assert data["name"] == f"Trade {BREAKOUT}"
    assert data["author"] == [{"@type": "Person", "name": f"Eve {BREAKOUT}"}]


def test_json_ld_is_data_that_the_content_security_policy_need_not_allow(client, public):
    response = client.get(f"/reports/{public.id}")
    policy = response.headers["Content-Security-Policy"]
    # No inline script is allowed, and none is needed: a data block is never executed.
    assert "'unsafe-inline'" not in policy
    scripts = re.findall(r"<script([^>]*)>", response.get_data(as_text=True))
    assert scripts == [' type="application/ld+json"']


def test_a_center_page_describes_the_center_as_a_research_organization(client, make_center):
    center = make_center(
        name="Institute of Economic Studies", native_name="Экономикалық зерттеулер институты",
        acronym="IES", website="https://ies.example.kz",
    )  # fmt: skip
    db.session.commit()
    page = client.get(f"/centers/{center.slug}", headers={"Host": "evil.example"}).get_data(as_text=True)
    (data,) = _json_ld(page)
    assert data["@type"] == "ResearchOrganization"
    assert data["name"] == "Institute of Economic Studies"
    assert data["alternateName"] == ["Экономикалық зерттеулер институты", "IES"]
    assert data["url"] == f"http://turkicnet.test/centers/{center.slug}"
    assert data["address"]["addressCountry"] == "KZ"
    assert data["sameAs"] == ["https://ies.example.kz"]
