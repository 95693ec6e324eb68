"""The markup that lets pages work on a phone and with assistive technology: tables that
reflow into labelled rows, focusable scroll regions, one id per page, heading order, and
required selects that start with a placeholder. (The Chromium test measures the widths.)"""

import re
from collections import Counter

import lxml.html

from tests.conftest import PASSWORD


def parsed(client, path: str):
    response = client.get(path)
    assert response.status_code == 200, path
    return lxml.html.fromstring(response.get_data(as_text=True))


def assert_tables_reflow_with_labels(page):
    tables = page.xpath("//table[contains(@class, 'reflow')]")
    assert tables, "no reflowing table on the page"
    for table in tables:
        headers = [th.text_content().strip() for th in table.xpath("./thead//th")]
        for row in table.xpath("./tbody/tr[not(td[@colspan])]"):
            cells = row.xpath("./td|./th")
            assert [cell.get("data-label") for cell in cells if cell.tag == "td"] == [
                header for header, cell in zip(headers, cells, strict=True) if cell.tag == "td"
            ]
        region = table.getparent()
        assert "table-wrap" in region.get("class")
        assert region.get("tabindex") == "0" and region.get("role") == "region" and region.get("aria-label")


def test_the_directory_and_the_status_table_reflow_into_labelled_rows(
    client, center, signatory, make_version, sign
):
    sign(signatory, center, make_version())
    assert_tables_reflow_with_labels(parsed(client, "/centers"))
    assert_tables_reflow_with_labels(parsed(client, "/protocol"))
    labels = parsed(client, "/centers").xpath("//table/tbody/tr[1]/td/@data-label")
    assert labels == ["Center", "Country", "City", "Kind", "Standing"]


def test_the_staff_page_and_the_admin_tables_reflow_into_labelled_rows(
    client, login_as, center, focal_point, editor, admin, make_center
):
    make_center(status="pending")
    login_as(focal_point)
    page = parsed(client, f"/centers/{center.slug}/staff")
    assert_tables_reflow_with_labels(page)
    assert page.xpath("//td[@data-label='Change']//form//select")  # the per-row form is in a labelled cell
    client.post("/auth/logout")
    login_as(admin)
    for path in ("/admin/applications", "/admin/users", "/admin/audit", "/admin/sections", "/admin/protocol"):
        assert_tables_reflow_with_labels(parsed(client, path))


def test_a_page_of_several_post_forms_repeats_no_id(make_app, center, focal_point, editor, viewer):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    login_page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    client.post("/auth/login", data={"csrf_token": token, "email": focal_point.email, "password": PASSWORD})
    html = client.get(f"/centers/{center.slug}/staff").get_data(as_text=True)
    page = lxml.html.fromstring(html)
    assert len(page.xpath("//form[@method='post']")) > 3
    assert len(page.xpath("//input[@name='csrf_token']")) > 3
    repeated = [name for name, count in Counter(page.xpath("//@id")).items() if count > 1]
    assert repeated == []


def test_report_lists_under_the_page_title_use_the_next_heading_level(client, center, editor, make_report):
    make_report(editor, center, title="Energy markets of the Turkic states")
    for path in ("/sections/national-development-priorities", "/search?q=energy"):
        page = parsed(client, path)
        assert page.xpath("//ol[contains(@class, 'report-list')]//h2/a")
        assert not page.xpath("//ol[contains(@class, 'report-list')]//h3"), path
    # under the home page's "Latest public reports" (h2) they stay h3
    assert parsed(client, "/").xpath("//ol[contains(@class, 'report-list')]//h3/a")


def test_required_selects_start_with_an_empty_placeholder(client, login_as, make_user, center, editor):
    login_as(make_user())
    kind = parsed(client, "/apply").get_element_by_id("kind")
    assert kind.get("required") is not None and kind.xpath("./option")[0].get("value") == ""
    assert kind.value in ("", None)
    client.post("/auth/logout")
    login_as(editor)
    section = parsed(client, f"/reports/new?center={center.slug}").get_element_by_id("section_id")
    assert section.get("required") is not None and section.xpath("./option")[0].get("value") == ""


def test_a_report_sent_without_a_section_is_refused_at_the_section_field(client, login_as, center, editor):
    login_as(editor)
    response = client.post(
        f"/reports/new?center={center.slug}",
        data={"section_id": "", "title": "A title", "visibility": "public", "language": "en"},
    )
    assert response.status_code in (200, 400, 422)
    page = lxml.html.fromstring(response.get_data(as_text=True))
    assert page.xpath("//p[@id='section_id-error']")
