"""The one CSV writer: every download through it is UTF-8 with a byte-order mark and holds no
cell a spreadsheet program would run as a formula."""

import csv
import io

import pytest

from turkicnet.core.webutil import csv_stream, spreadsheet_safe


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_starting_with_a_formula_character_is_quoted_as_text(lead):
    assert spreadsheet_safe(f"{lead}cmd|' /C calc'!A0") == f"'{lead}cmd|' /C calc'!A0"


@pytest.mark.parametrize("value", ["Astana", "1991", 42, "", "a=b", " =1"])
def test_ordinary_cells_are_left_as_they_are(value):
    assert spreadsheet_safe(value) == str(value)


def test_the_download_is_utf8_with_a_byte_order_mark_and_safe_cells(app):
    rows = [("\tSUM(A1)", "Алматы"), ("\r=1+1", "Bakı")]
    with app.test_request_context():
        response = csv_stream(["formula", "city"], iter(rows), "cities.csv", chunk=8)
        body = response.get_data()
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="cities.csv"'
    assert body.startswith(b"\xef\xbb\xbf") and body.count(b"\xef\xbb\xbf") == 1
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert table == [["formula", "city"], ["'\tSUM(A1)", "Алматы"], ["'\r=1+1", "Bakı"]]
