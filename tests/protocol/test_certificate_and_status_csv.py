"""A certificate reads as people read it and, printed, leads back to the registry; the status
table downloads as a spreadsheet-safe CSV."""

import csv
import html
import io
import re

from tests.conftest import PASSWORD
from turkicnet.centers.models import CenterStatus
from turkicnet.extensions import db
from turkicnet.protocol import services
from turkicnet.protocol.models import LedgerEntry


def test_the_certificate_gives_a_readable_time_with_the_exact_utc_moment_and_links_the_center(
    client, center, signatory, make_version, sign
):
    version = make_version()
    sign(signatory, center, version)
    entry = db.session.get(LedgerEntry, 1)
    page = html.unescape(client.get("/protocol/signatures/1").get_data(as_text=True))
    time = re.search(rf'<time datetime="{entry.at}">([^<]+)</time>', page).group(1)
    # "December 4, 2026, 6:55:21 PM UTC", not "2026-12-04T18:55:21Z"
    assert not re.search(r"\dT\d", time) and "UTC" in time and str(int(entry.at[8:10])) in time
    assert f'<a href="/centers/{center.slug}">{center.display_name}</a>' in page
    assert "Text in Türkçe" not in page and 'Turkish (<span lang="tr">Türkçe</span>)' in page


def test_the_certificate_reads_its_time_in_the_pages_language(client, center, signatory, make_version, sign):
    version = make_version()
    sign(signatory, center, version)
    page = client.get("/protocol/signatures/1", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert re.search(r'<time datetime="[^"]+">\d{1,2} [а-я]+ \d{4}', page)


def test_the_printed_certificate_carries_its_registry_url_the_print_date_and_how_to_verify(
    client, center, signatory, make_version, sign
):
    version = make_version()
    sign(signatory, center, version)
    page = html.unescape(client.get("/protocol/signatures/1").get_data(as_text=True))
    trace = re.search(r'<section class="print-only certificate-trace".*?</section>', page, flags=re.S)[0]
    assert '<a class="print-url" href="http://turkicnet.test/protocol/signatures/1">' in trace
    assert "Date of printing: " in trace
    assert "How to verify it" in trace
    assert "http://turkicnet.test/protocol/registry#check-it-yourself" in trace


def _csv(client):
    response = client.get("/protocol/status.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "Content-Length" not in response.headers  # sent as it is written
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="turkicnet-protocol-v1-status-')
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_status_table_downloads_as_csv_one_row_per_center(
    client, make_center, add_staff, make_version, sign
):
    version = make_version()
    kz, uz = make_center(country_code="KZ"), make_center(country_code="UZ", name="=HYPERLINK(\"x\") Center")
    kz_signer, uz_signer = add_staff(kz, can_sign=True), add_staff(uz, can_sign=True)
    sign(kz_signer, kz, version)
    sign(uz_signer, uz, version)
    rows = _csv(client)
    assert [row["center_slug"] for row in rows] == [kz.slug, uz.slug]
    first = rows[0]
    entry = db.session.get(LedgerEntry, 1)
    assert first["country_code"] == "KZ" and first["country"] == "Kazakhstan"
    assert first["signed_at_utc"] == entry.at and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry.at)
    assert first["standing"] == "signatory" and first["withdrawn_at_utc"] == ""
    assert rows[1]["center_name"].startswith("'=HYPERLINK")  # no formula for a spreadsheet to run


def test_the_csv_says_when_a_center_withdrew_and_when_its_signature_no_longer_counts(
    client, make_center, add_staff, make_version, sign
):
    version = make_version()
    kz, uz = make_center(country_code="KZ"), make_center(country_code="UZ")
    kz_signer, uz_signer = add_staff(kz, can_sign=True), add_staff(uz, can_sign=True)
    sign(kz_signer, kz, version)
    sign(uz_signer, uz, version)
    services.withdraw_signature(
        uz_signer, uz, version, signer_name=uz_signer.full_name, signer_title="Director",
        reason="Mandate ended", password=PASSWORD,
    )  # fmt: skip
    kz.status = CenterStatus.SUSPENDED
    db.session.commit()
    rows = {row["center_slug"]: row for row in _csv(client)}
    assert rows[uz.slug]["standing"] == "withdrawn"
    assert rows[uz.slug]["withdrawn_at_utc"] == db.session.get(LedgerEntry, 3).at
    assert rows[kz.slug]["standing"] == "not_counted" and rows[kz.slug]["center_status"] == "suspended"


def test_the_protocol_page_links_its_status_table_as_csv(client, make_version):
    make_version()
    assert 'href="/protocol/status.csv"' in client.get("/protocol").get_data(as_text=True)


def test_the_status_table_writes_its_dates_as_people_read_them(client, center, signatory, make_version, sign):
    version = make_version()
    sign(signatory, center, version)
    at = db.session.get(LedgerEntry, 1).at
    page = client.get("/protocol").get_data(as_text=True)
    assert re.search(rf'<time datetime="{at}">[A-Z][a-z]{{2}} \d{{1,2}}, \d{{4}}</time>', page)
    russian = client.get("/protocol", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert re.search(rf'<time datetime="{at}">\d{{1,2}} [а-я]+\.? \d{{4}}', russian)
