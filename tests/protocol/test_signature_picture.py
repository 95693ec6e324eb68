"""/protocol draws the standing signatures over time against the entry-into-force threshold,
with the same figures as a table, from one aggregate query over the ledger."""

import lxml.html
import pytest

from tests.conftest import PASSWORD
from turkicnet.extensions import db
from turkicnet.protocol import ledger, services


@pytest.fixture
def on_day(monkeypatch):
    """Make the ledger stamp its next entries on ``day`` (YYYY-MM-DD)."""

    def set_day(day: str):
        monkeypatch.setattr(ledger, "utc_stamp", lambda moment=None: f"{day}T09:30:00Z")

    return set_day


def picture(client):
    page = lxml.html.fromstring(client.get("/protocol").get_data(as_text=True))
    return page.get_element_by_id("signatures-over-time", None)


def test_the_protocol_page_draws_signatures_over_time_against_the_threshold(
    client, make_center, add_staff, make_version, sign, on_day
):
    version = make_version(required_centers=5)
    signers = []
    for day in ("2026-01-10", "2026-01-10", "2026-02-02"):
        on_day(day)
        center = make_center()
        signers.append((center, add_staff(center, can_sign=True)))
        sign(signers[-1][1], center, version)
    on_day("2026-03-01")
    center, signer = signers[-1]
    services.withdraw_signature(
        signer, center, version, signer_name=signer.full_name, signer_title="Director",
        reason="Awaiting ratification.", password=PASSWORD,
    )  # fmt: skip

    found = picture(client)
    assert found is not None
    svg = found.xpath(".//svg[@role='img']")[0]
    title_id, desc_id = svg.get("aria-labelledby").split()
    assert svg.xpath(f".//title[@id='{title_id}']")[0].text == "Signatures over time (days in UTC)"
    assert "5 signing centers its entry into force needs" in svg.xpath(f".//desc[@id='{desc_id}']")[0].text
    assert "Entry into force: 5 centers" in svg.xpath(".//text[@class='chart-threshold-label']")[0].text
    # the line climbs twice and comes down once
    steps = [part for part in svg.xpath(".//path[@class='chart-line']")[0].get("d").split() if part[0] == "V"]
    heights = [float(step[1:]) for step in steps]
    assert len(heights) == 3 and heights[1] < heights[0] and heights[2] > heights[1]

    rows = [
        [cell.get("datetime") or cell.text_content().strip() for cell in row.xpath("./th/time|./td")]
        for row in found.xpath(".//tbody/tr")
    ]
    assert rows == [
        ["2026-01-10", "2", "0", "2"], ["2026-02-02", "1", "0", "3"], ["2026-03-01", "0", "1", "2"],
    ]  # fmt: skip
    assert found.xpath(".//tbody/tr/th/time")[0].text == "Jan 10, 2026"


def test_no_picture_until_someone_signs(client, make_version):
    make_version()
    assert picture(client) is None
    assert "Signatures over time" not in client.get("/protocol").get_data(as_text=True)


def test_the_picture_counts_utc_days_and_says_so_whatever_the_readers_zone(
    client, center, signatory, make_version, sign, login_as, monkeypatch
):
    version = make_version(required_centers=2)
    monkeypatch.setattr(ledger, "utc_stamp", lambda moment=None: "2026-01-10T22:30:00Z")
    sign(signatory, center, version)  # 03:30 on 11 January in Tashkent
    signatory.time_zone = "Asia/Tashkent"
    db.session.commit()
    login_as(signatory)

    found = picture(client)
    assert found.xpath("./figcaption")[0].text == "Signatures over time (days in UTC)"
    assert found.xpath(".//thead/tr/th")[0].text == "Date (UTC)"
    assert found.xpath(".//tbody/tr/th/time")[0].get("datetime") == "2026-01-10"
    assert found.xpath(".//tbody/tr/th/time")[0].text == "Jan 10, 2026"
    assert [tick.text for tick in found.xpath(".//text[@class='chart-axis']")][-1] != "Jan 11, 2026"
