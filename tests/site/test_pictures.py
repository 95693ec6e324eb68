"""The pictures on the home page and a center's page: inline SVG images with text
alternatives, and the same figures as a table beside them, read by aggregate queries."""

from datetime import date

import lxml.html

from tests.conftest import PASSWORD
from turkicnet.centers.models import CenterStatus
from turkicnet.protocol import services


def figure(client, path: str, figure_id: str):
    page = lxml.html.fromstring(client.get(path).get_data(as_text=True))
    found = page.get_element_by_id(figure_id, None)
    assert found is not None, f"{path} shows no picture #{figure_id}"
    return found


def table_rows(found) -> list[list[str]]:
    rows = found.xpath(".//tbody/tr")
    return [[cell.text_content().strip() for cell in row.xpath("./th|./td")] for row in rows]


def svg_texts(found, css_class: str) -> list[str]:
    return [text.text for text in found.xpath(f".//svg[@role='img']//text[@class='{css_class}']")]


def assert_is_an_image_with_text_alternatives(found):
    svg = found.xpath(".//svg[@role='img']")[0]
    title_id, desc_id = svg.get("aria-labelledby").split()
    assert svg.xpath(f".//title[@id='{title_id}']")[0].text_content().strip()
    assert svg.xpath(f".//desc[@id='{desc_id}']")[0].text_content().strip()
    assert svg.get("viewbox").startswith("0 0 ")  # the HTML parser lower-cases attribute names


def test_home_draws_member_and_signatory_centers_per_country(
    client, make_center, add_staff, make_version, sign
):
    version = make_version(required_centers=10)
    signed, _unsigned = make_center(country_code="KZ"), make_center(country_code="KZ")
    make_center(country_code="TR")
    make_center(CenterStatus.PENDING, country_code="AZ")  # an applicant is no member
    sign(add_staff(signed, can_sign=True), signed, version)

    found = figure(client, "/", "centers-by-country")
    assert_is_an_image_with_text_alternatives(found)
    assert table_rows(found) == [["Kazakhstan", "2", "1"], ["Türkiye", "1", "0"]]
    # the picture draws the same figures: a bar with its number per series and country
    assert svg_texts(found, "chart-value") == ["2", "1", "1", "0"]
    assert svg_texts(found, "chart-label") == ["Kazakhstan", "Türkiye"]
    headers = [cell.text_content() for cell in found.xpath(".//thead//th")]
    assert headers == ["Country", "Member centers", "Signatory members"]


def test_a_withdrawn_signature_no_longer_counts_its_center_as_a_signatory_member(
    client, make_center, add_staff, make_version, sign
):
    version = make_version(required_centers=10)
    center = make_center(country_code="UZ")
    signer = add_staff(center, can_sign=True)
    sign(signer, center, version)
    services.withdraw_signature(
        signer, center, version, signer_name=signer.full_name, signer_title="Director",
        reason="Pending ratification.", password=PASSWORD,
    )  # fmt: skip
    assert table_rows(figure(client, "/", "centers-by-country")) == [["Uzbekistan", "1", "0"]]


def test_home_draws_no_picture_before_any_center_is_a_member(client):
    assert 'id="centers-by-country"' not in client.get("/").get_data(as_text=True)


def test_a_centers_page_draws_its_reports_per_year_as_the_viewer_may_see_them(
    client, login_as, center, editor, make_report
):
    make_report(editor, center, publication_date=date(2024, 5, 1))
    make_report(editor, center, publication_date=date(2024, 9, 1), title="Second")
    make_report(editor, center, publication_date=date(2022, 1, 1), title="Early")
    make_report(editor, center, publication_date=date(2025, 3, 1), title="A draft", visibility="draft")

    found = figure(client, f"/centers/{center.slug}", "reports-per-year")
    assert_is_an_image_with_text_alternatives(found)
    years = table_rows(found)
    assert years[:4] == [["2022", "1"], ["2023", "0"], ["2024", "2"], ["2025", "0"]]
    assert all(count == "0" for _year, count in years[4:])  # up to this year

    login_as(editor)  # the center's own staff also see its draft
    assert table_rows(figure(client, f"/centers/{center.slug}", "reports-per-year"))[3] == ["2025", "1"]


def test_reports_older_than_the_pictures_span_are_counted_in_one_earlier_column(
    client, center, editor, make_report
):
    this_year = date.today().year
    make_report(editor, center, publication_date=date(this_year - 20, 5, 1), title="Old")
    make_report(editor, center, publication_date=date(this_year - 12, 5, 1), title="Older than the span")
    make_report(editor, center, publication_date=date(this_year, 1, 1), title="New")

    found = figure(client, f"/centers/{center.slug}", "reports-per-year")
    first_shown = this_year - 8
    rows = table_rows(found)
    assert rows[0] == [f"Before {first_shown}", "2"] and rows[1] == [str(first_shown), "0"]
    assert len(rows) == 10 and sum(int(count) for _year, count in rows) == 3  # the table has every report
    assert svg_texts(found, "chart-axis")[-10:-8] == ["…", str(first_shown)]  # the same columns
    assert svg_texts(found, "chart-value") == ["2", "1"]


def test_a_center_without_visible_reports_draws_no_picture(client, center):
    assert 'id="reports-per-year"' not in client.get(f"/centers/{center.slug}").get_data(as_text=True)


def test_the_pictures_add_a_constant_number_of_queries(
    client, make_center, add_staff, make_version, sign, editor, center, make_report, count_queries
):
    version = make_version(required_centers=20)
    make_report(editor, center)
    with count_queries() as few_home:
        client.get("/")
    with count_queries() as few_center:
        client.get(f"/centers/{center.slug}")
    for year, code in zip(range(2015, 2021), ["KZ", "TR", "UZ", "AZ", "KG", "HU"], strict=True):
        other = make_center(country_code=code)
        sign(add_staff(other, can_sign=True), other, version)
        make_report(editor, center, publication_date=date(year, 1, 1), title=f"Report of {year}")
    with count_queries() as many_home:
        client.get("/")
    with count_queries() as many_center:
        client.get(f"/centers/{center.slug}")
    assert len(many_home.statements) == len(few_home.statements)
    assert len(many_center.statements) == len(few_center.statements)
