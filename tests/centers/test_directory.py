"""The public directory: filters, search across scripts, pages, counts, badges, CSV, countries,
and a number of SQL statements that does not grow with the data."""

import csv
import html
import io
import re

import pytest

from tests.centers.conftest import primary_of
from turkicnet.auth.models import User
from turkicnet.centers.models import Center, CenterKind, CenterStatus, Membership, Role
from turkicnet.core.text import match_key
from turkicnet.extensions import db


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.get_data(as_text=True))


def rows_of(response) -> list[str]:
    """The text of each row of the directory table, tags removed."""
    page = response.get_data(as_text=True)
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S)
    if body is None:
        return []
    rows = re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in rows]


def names_in(response) -> set[str]:
    page = response.get_data(as_text=True)
    return set(re.findall(r'<a href="/centers/[^"]+">([^<]+)</a>', page))


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment")
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


@pytest.fixture
def network(make_center):
    """Five members in three countries, plus applications that must never be listed."""
    centers = {
        "eri": make_center(
            name="Economic Research Institute",
            native_name="Экономикалық зерттеулер институты",
            acronym="ERI",
            country_code="KZ",
            city="Astana",
        ),
        "iam": make_center(
            name="İktisat Araştırmaları Merkezi", acronym="IAM", country_code="KZ", city="Shymkent"
        ),
        "kisi": make_center(
            name="Kazakhstan Institute for Strategic Studies", acronym="KISI", country_code="KZ"
        ),
        "cer": make_center(
            name="Center for Economic Research", acronym="CER", country_code="UZ", city="Tashkent"
        ),
        "hu": make_center(
            name="Hungarian Institute of Economics", acronym="HIE", country_code="HU", city="Budapest"
        ),
    }
    make_center(status="pending", name="Pending Economic Institute", country_code="KZ", city="Astana")
    make_center(status="suspended", name="Suspended Economic Institute", country_code="KZ", city="Astana")
    return centers


# ---------------------------------------------------------------- filters and search


def test_the_directory_lists_approved_centers_only(client, network):
    response = client.get("/centers")
    assert names_in(response) == {center.name for center in network.values()}
    assert "5 centers" in text_of(response)


@pytest.mark.parametrize("code", ["KZ", "kz"])
def test_filter_by_country(client, network, code):
    response = client.get(f"/centers?country={code}")
    assert names_in(response) == {network[key].name for key in ("eri", "iam", "kisi")}
    assert '<option value="KZ" selected>' in response.get_data(as_text=True)
    assert "3 centers" in text_of(response)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("economic", {"eri", "cer", "hu"}),
        ("ERI", {"eri"}),
        ("e.r.i", {"eri"}),
        ("tashkent", {"cer"}),
        ("Ташкент", {"cer"}),
        ("Экономикалық", {"eri"}),
        ("ekonomikalyq zertteuler", {"eri"}),
        ("iktisat", {"iam"}),
        ("İKTİSAT ARAŞTIRMALARI", {"iam"}),
        ("ıktısat", {"iam"}),
        ("Иктисат", {"iam"}),
        ("no such thing", set()),
    ],
)
def test_search_by_name_acronym_or_city_in_any_script(client, network, q, expected):
    response = client.get("/centers", query_string={"q": q})
    assert names_in(response) == {network[key].name for key in expected}
    assert input_value(response) == q
    if not expected:
        assert "No member center matches these filters." in text_of(response)


def input_value(response) -> str:
    tag = re.search(r'<input id="q"[^>]*>', response.get_data(as_text=True)).group(0)
    return html.unescape(re.search(r'value="([^"]*)"', tag).group(1))


def test_search_and_country_combine(client, network):
    response = client.get("/centers", query_string={"q": "economic", "country": "UZ"})
    assert names_in(response) == {network["cer"].name}


def test_pages_keep_the_filters(app, client, make_center):
    app.config["CENTERS_PER_PAGE"] = 2
    names = [f"Economic Center {letter}" for letter in "ABCDE"]
    for name in names:
        make_center(name=name, country_code="KZ")
    make_center(name="Economic Center Z", country_code="UZ")

    first = client.get("/centers?country=KZ")
    assert names_in(first) == set(names[:2])
    page = first.get_data(as_text=True)
    assert re.search(r'href="/centers\?page=2&amp;country=KZ" rel="next"', page) or re.search(
        r'href="/centers\?country=KZ&amp;page=2" rel="next"', page
    )
    assert names_in(client.get("/centers?country=KZ&page=2")) == set(names[2:4])
    last = client.get("/centers?country=KZ&page=3")
    assert names_in(last) == {names[4]}
    assert 'rel="next"' not in last.get_data(as_text=True)
    assert "5 centers" in text_of(last)
    assert names_in(client.get("/centers?country=KZ&page=99")) == set()


def test_the_country_filter_shows_how_many_members_each_country_has(client, network):
    page = text_of(client.get("/centers"))
    assert "All countries (5)" in page
    assert "Kazakhstan (3)" in page  # the pending and the suspended ones do not count
    assert "Uzbekistan (1)" in page and "Hungary (1)" in page
    assert "Azerbaijan (0)" in page and "Turkish Republic of Northern Cyprus (0)" in page


def test_each_row_shows_the_countrys_ots_standing(client, network):
    rows = rows_of(client.get("/centers"))
    [kz_row] = [row for row in rows if row.startswith("Economic Research Institute")]
    [hu_row] = [row for row in rows if row.startswith("Hungarian Institute of Economics")]
    assert "Kazakhstan OTS member" in kz_row and "observer" not in kz_row
    assert "Hungary OTS observer" in hu_row
    assert "Member" in kz_row


def test_a_signatory_member_is_shown_as_such(client, center, signatory, make_version, sign, make_center):
    plain = make_center(name="Plain Member Institute")
    sign(signatory, center, make_version())

    rows = rows_of(client.get("/centers"))

    [signed_row] = [row for row in rows if row.startswith(center.name)]
    [plain_row] = [row for row in rows if row.startswith(plain.name)]
    assert signed_row.endswith("Signatory member")
    assert plain_row.endswith("Member") and "Signatory" not in plain_row


# ---------------------------------------------------------------- CSV


def test_the_csv_has_the_same_centers_as_the_page(client, network):
    rows = csv_rows(client.get("/centers.csv"))
    assert {row["name"] for row in rows} == {center.name for center in network.values()}
    eri = next(row for row in rows if row["acronym"] == "ERI")
    assert eri["native_name"] == "Экономикалық зерттеулер институты"
    assert (eri["country_code"], eri["country"], eri["ots_standing"]) == ("KZ", "Kazakhstan", "member")
    assert eri["slug"] == network["eri"].slug and eri["kind"] == "government_agency"
    assert next(row for row in rows if row["acronym"] == "HIE")["ots_standing"] == "observer"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"country": "KZ"}, {"eri", "iam", "kisi"}),
        ({"q": "Ташкент"}, {"cer"}),
        ({"q": "economic", "country": "HU"}, {"hu"}),
    ],
)
def test_the_csv_follows_the_filters(client, network, query, expected):
    rows = csv_rows(client.get("/centers.csv", query_string=query))
    assert {row["name"] for row in rows} == {network[key].name for key in expected}
    link = html.unescape(re.search(r'href="(/centers\.csv[^"]*)"', client.get("/centers", query_string=query)
                                   .get_data(as_text=True)).group(1))  # fmt: skip
    assert {row["name"] for row in csv_rows(client.get(link))} == {network[key].name for key in expected}


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(client, make_center):
    make_center(
        name='=HYPERLINK("http://evil.example","Click")',
        acronym="+CMD",
        city="-2+3",
        parent_body="@SUM(A1:A9)",
        country_code="KZ",
    )

    [row] = csv_rows(client.get("/centers.csv"))

    assert row["name"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert row["acronym"] == "'+CMD"
    assert row["city"] == "'-2+3"
    assert row["parent_body"] == "'@SUM(A1:A9)"
    assert not any(value.startswith(("=", "+", "-", "@")) for value in row.values())


# ---------------------------------------------------------------- countries


def test_a_country_page_lists_its_member_centers(client, network):
    response = client.get("/countries/KZ")
    assert names_in(response) == {network[key].display_name for key in ("eri", "iam", "kisi")}
    page = text_of(response)
    assert "Kazakhstan" in page and "A member state of the Organization of Turkic States." in page
    assert "Pending Economic Institute" not in page and "Suspended Economic Institute" not in page


def test_an_observer_country_page_says_so(client, network):
    page = text_of(client.get("/countries/hu"))
    assert "Hungarian Institute of Economics" in page
    assert "An observer state of the Organization of Turkic States." in page and "OTS observer" in page


def test_a_country_without_members_says_so(client, network):
    assert "No center of Azerbaijan is a member yet." in text_of(client.get("/countries/AZ"))


@pytest.mark.parametrize("code", ["XX", "TRNCX", "kz'--"])
def test_an_unknown_country_is_not_found(client, code):
    assert client.get(f"/countries/{code}").status_code == 404


def test_the_profile_shows_the_country_standing_and_contact(client, center):
    page = text_of(client.get(f"/centers/{center.slug}"))
    assert "OTS member" in page and "Kazakhstan" in page
    assert primary_of(center).user.full_name in page


# ---------------------------------------------------------------- statements per page


COUNTRIES = ["KZ", "UZ", "AZ", "KG", "TR", "HU", "TM", "TRNC"]


def add_approved_centers(start: int, stop: int) -> None:
    """Member centers written straight to the table: the apply service is too slow for hundreds."""
    for n in range(start, stop):
        name = f"Bulk Research Center {n:04d}"
        db.session.add(
            Center(
                slug=f"bulk-{n}",
                name=name,
                native_name=f"Центр {n}",
                acronym=f"BRC{n}",
                country_code=COUNTRIES[n % len(COUNTRIES)],
                city="Astana",
                kind=CenterKind.ACADEMY,
                status=CenterStatus.APPROVED,
                name_key=match_key(name),
                native_key=match_key(f"Центр {n}"),
                acronym_key=match_key(f"BRC{n}"),
                city_key="astana",
                website_domain="",
            )
        )
    db.session.commit()


def statements(client, count_queries, path) -> int:
    client.get(path)  # anything cached per process is warm
    with count_queries() as counter:
        response = client.get(path)
    assert response.status_code == 200
    return len(counter.statements)


@pytest.mark.parametrize("path", ["/centers", "/centers?country=KZ", "/centers?q=research", "/centers.csv"])
def test_directory_statements_do_not_grow_with_the_number_of_centers(app, client, count_queries, path):
    add_approved_centers(0, 10)
    with_ten = statements(client, count_queries, path)

    add_approved_centers(10, 500)
    with_five_hundred = statements(client, count_queries, path)

    assert with_five_hundred == with_ten
    assert with_ten <= 8


def test_the_country_page_statements_do_not_grow(app, client, count_queries):
    add_approved_centers(0, 16)
    few = statements(client, count_queries, "/countries/KZ")
    add_approved_centers(16, 400)
    assert statements(client, count_queries, "/countries/KZ") == few


def add_staff_rows(center, count: int) -> None:
    for n in range(count):
        user = User(email=f"bulk{center.id}-{n}@example.org", password_hash="x", full_name=f"Bulk Person {n}")
        db.session.add(user)
        db.session.add(Membership(user=user, center=center, role=Role.VIEWER))
    db.session.commit()


@pytest.mark.parametrize("who", ["anonymous", "focal_point"])
def test_profile_statements_do_not_grow_with_the_staff(client, login_as, count_queries, make_center, who):
    small, large = make_center(name="Small Institute"), make_center(name="Large Institute")
    add_staff_rows(large, 30)
    add_approved_centers(0, 50)

    counts = []
    for center in (small, large):
        if who == "focal_point":
            login_as(primary_of(center).user)
        counts.append(statements(client, count_queries, f"/centers/{center.slug}"))

    assert counts[0] == counts[1]
