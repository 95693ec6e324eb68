"""The API's reads: public data without a token, keyset pages, capped totals, ETags,
problem documents, CORS, and no cookie."""

from datetime import date

import pytest

from tests.api.conftest import bearer
from turkicnet.centers.models import CenterStatus
from turkicnet.extensions import db
from turkicnet.reports.models import Report, Visibility


def test_the_centers_list_shows_approved_centers_only(client, make_center):
    make_center(name="Applied Economics Institute")
    make_center(CenterStatus.PENDING, name="Pending Policy Lab")
    body = client.get("/api/v1/centers").get_json()
    names = [item["name"] for item in body["items"]]
    assert "Applied Economics Institute" in names
    assert "Pending Policy Lab" not in names
    assert body["total_exact"] is True and body["total"] == len(names)


def test_centers_filter_by_country_and_words(client, make_center):
    make_center(name="Astana Trade Institute", country_code="KZ")
    make_center(name="Tashkent Trade Center", country_code="UZ")
    by_country = client.get("/api/v1/centers?country=uz").get_json()["items"]
    assert [c["name"] for c in by_country] == ["Tashkent Trade Center"]
    by_words = client.get("/api/v1/centers?q=institute").get_json()["items"]
    assert [c["name"] for c in by_words] == ["Astana Trade Institute"]


def test_one_center_and_an_unknown_one(client, center):
    body = client.get(f"/api/v1/centers/{center.slug}").get_json()
    assert body["slug"] == center.slug and body["url"].endswith(f"/centers/{center.slug}")
    missing = client.get("/api/v1/centers/no-such-center")
    assert missing.status_code == 404
    assert missing.mimetype == "application/problem+json"
    assert missing.get_json()["status"] == 404


def _bulk_reports(center, section, count: int, *, start: int = 0) -> None:
    db.session.add_all(
        Report(
            lead_center_id=center.id,
            section_id=section.id,
            title=f"Bulk report {start + n}",
            publication_date=date(2020, 1, 1 + (n % 28)),
            visibility=Visibility.PUBLIC,
            ever_public=True,
            authors=["A. Author"],
            keywords=[],
        )
        for n in range(count)
    )
    db.session.commit()


def _walk(client, url: str, headers=None) -> list[dict]:
    seen, pages = [], 0
    while url:
        response = client.get(url, headers=headers or {})
        assert response.status_code == 200
        body = response.get_json()
        seen += body["items"]
        url = body["next"]
        if url:
            assert response.headers["Link"] == f'<{url}>; rel="next"'
        pages += 1
        assert pages < 100
    return seen


def test_walking_the_cursor_visits_every_report_once_in_order(client, center, sections):
    _bulk_reports(center, sections["national-development-priorities"], 23)
    items = _walk(client, "/api/v1/reports?per_page=5")
    ids = [item["id"] for item in items]
    assert len(ids) == 23 == len(set(ids))
    keys = [(item["publication_date"], item["id"]) for item in items]
    assert keys == sorted(keys, reverse=True)


def test_the_total_is_exact_up_to_the_cap_and_says_more_beyond(app, client, center, sections):
    _bulk_reports(center, sections["national-development-priorities"], 7)
    app.config["API_TOTAL_CAP"] = 5
    body = client.get("/api/v1/reports?per_page=2").get_json()
    assert (body["total"], body["total_exact"]) == (5, False)
    app.config["API_TOTAL_CAP"] = 7
    body = client.get("/api/v1/reports?per_page=2").get_json()
    assert (body["total"], body["total_exact"]) == (7, True)


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("per_page=many", "per_page"),
        ("year=10000", "year"),
        ("cursor=not-a-cursor", "cursor"),
        ("cursor=WyJ4Il0", "cursor"),
    ],
)
def test_a_bad_parameter_is_a_400_problem_naming_it(client, query, parameter):
    response = client.get(f"/api/v1/reports?{query}")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert [error["parameter"] for error in response.get_json()["errors"]] == [parameter]


def test_reports_filter_by_section_country_center_year_language_topic_and_words(
    client, editor, center, make_center, make_report, sections
):
    from turkicnet.reports import services

    topic = services.list_topics()[0]
    make_report(
        editor,
        center,
        title="Grid integration",
        language="ru",
        topic_ids=[topic.id],
        publication_date=date(2024, 5, 1),
    )
    make_report(
        editor,
        center,
        title="Tourism corridors",
        section_id=sections["collaboration-of-research-centers"].id,
        publication_date=date(2023, 5, 1),
    )

    def titles(query):
        return sorted(item["title"] for item in client.get(f"/api/v1/reports?{query}").get_json()["items"])

    assert titles("section=collaboration-of-research-centers") == ["Tourism corridors"]
    assert titles(f"country={center.country_code}") == ["Grid integration", "Tourism corridors"]
    assert titles("country=AZ") == []
    assert titles(f"center={center.slug}") == ["Grid integration", "Tourism corridors"]
    assert titles("year=2023") == ["Tourism corridors"]
    assert titles("language=ru") == ["Grid integration"]
    assert titles(f"topic={topic.slug}") == ["Grid integration"]
    assert titles("q=integration") == ["Grid integration"]


def test_a_report_shows_its_files_with_download_urls(client, editor, center, make_report):
    report = make_report(editor, center)
    body = client.get(f"/api/v1/reports/{report.id}").get_json()
    assert body["title"] == report.title
    [attached] = body["files"]
    assert attached["download_url"].endswith(f"/reports/{report.id}/files/{report.files[0].id}")
    assert attached["mime_type"] == "application/pdf"


def test_a_draft_is_a_404_to_anyone_without_a_token(client, editor, center, make_report):
    report = make_report(editor, center, visibility="draft")
    assert client.get(f"/api/v1/reports/{report.id}").status_code == 404
    listed = client.get("/api/v1/reports").get_json()["items"]
    assert report.id not in [item["id"] for item in listed]


def test_an_etag_comes_back_as_304(client, center):
    first = client.get(f"/api/v1/centers/{center.slug}")
    assert first.headers["ETag"]
    again = client.get(f"/api/v1/centers/{center.slug}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""


def test_public_reads_allow_any_origin_and_set_no_cookie(client, center):
    response = client.get("/api/v1/centers", headers={"Origin": "https://stats.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in response.headers
    preflight = client.options(
        "/api/v1/reports", headers={"Origin": "https://stats.example", "Access-Control-Request-Method": "GET"}
    )
    assert "POST" not in preflight.headers["Access-Control-Allow-Methods"]


def test_a_browser_session_means_nothing_to_the_api(client, login_as, editor, center, make_report):
    draft = make_report(editor, center, visibility="draft")
    login_as(editor)
    assert client.get(f"/reports/{draft.id}").status_code == 200
    assert client.get(f"/api/v1/reports/{draft.id}").status_code == 404
    refused = client.post("/api/v1/reports", json={"center": center.slug, "section": "x", "title": "t"})
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_token_sees_what_its_holder_sees(client, editor, center, make_report, personal_token):
    draft = make_report(editor, center, visibility="draft")
    token = personal_token(editor)
    assert client.get(f"/api/v1/reports/{draft.id}", headers=bearer(token)).status_code == 200
    listed = client.get("/api/v1/reports", headers=bearer(token)).get_json()["items"]
    assert draft.id in [item["id"] for item in listed]


def test_an_unknown_address_under_the_api_is_a_problem(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    wrong_method = client.put("/api/v1/centers")
    assert wrong_method.status_code == 405
    assert wrong_method.mimetype == "application/problem+json"


def test_the_protocol_its_versions_and_the_ledger(client, make_center, add_staff, make_version, sign):
    version = make_version(required_centers=2)
    signed = make_center(country_code="KZ")
    sign(add_staff(signed, can_sign=True), signed, version)
    body = client.get("/api/v1/protocol").get_json()
    assert body["version"]["number"] == version.number
    assert body["version"]["text_sha256"] == version.text_sha256
    assert body["progress"] == {
        "centers": 1,
        "required_centers": 2,
        "states": 1,
        "required_states": None,
        "met": False,
    }
    assert [s["center"]["slug"] for s in body["standings"]] == [signed.slug]
    assert client.get(f"/api/v1/protocol/versions/{version.number}").get_json()["number"] == version.number
    assert client.get("/api/v1/protocol/versions/999").status_code == 404
    entries = _walk(client, "/api/v1/protocol/ledger?per_page=1")
    assert [e["seq"] for e in entries] == sorted(e["seq"] for e in entries)
    assert entries[-1]["center"] == signed.slug and entries[-1]["action"] == "sign"


def test_countries_and_sections(client):
    countries = client.get("/api/v1/countries").get_json()["items"]
    assert "KZ" in [c["code"] for c in countries]
    sections = client.get("/api/v1/sections").get_json()["items"]
    assert sections and all(s["reports_url"].startswith("http") for s in sections)


def test_the_reports_list_runs_the_same_statements_for_10_and_500_reports(
    client, center, make_center, sections, count_queries
):
    # Several centers and sections, so a lazy load per report's center or section would show.
    places = [(c, s) for c in (center, make_center(), make_center()) for s in sections.values()]
    for n, (lead, section) in enumerate(places):
        _bulk_reports(lead, section, 2, start=n * 2)
    with count_queries() as few:
        assert client.get("/api/v1/reports?per_page=100").status_code == 200
    for n, (lead, section) in enumerate(places * 4):
        _bulk_reports(lead, section, 20, start=1000 + n * 20)
    with count_queries() as many:
        assert client.get("/api/v1/reports?per_page=100").get_json()["total"] > 400
    assert len(many.statements) == len(few.statements)
