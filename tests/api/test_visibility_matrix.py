"""DESIGN §1's access table through the API: the same personas and reports as the web
pages' matrix (tests/reports/test_visibility_matrix.py), each persona with a personal read
token; a report's detail, its file, the list, full-text search and the totals."""

import pytest

from tests.api.conftest import bearer
from tests.reports.test_visibility_matrix import PERSONAS, SEES, TITLE, world  # noqa: F401 (fixture)
from turkicnet.auth import services as auth_services


def _headers(people, persona) -> dict:
    if persona == "anonymous":
        return {}
    return bearer(auth_services.create_personal_token(people[persona], name="matrix", scopes="read")[1])


@pytest.mark.parametrize("visibility", ["draft", "network", "public"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_who_sees_a_report_through_the_api(client, world, persona, visibility):  # noqa: F811
    people, reports = world
    report = reports[visibility]
    headers = _headers(people, persona)
    allowed = persona in SEES[visibility]

    detail = client.get(f"/api/v1/reports/{report.id}", headers=headers)
    assert detail.status_code == (200 if allowed else 404)
    download = client.get(f"/api/v1/reports/{report.id}/files/{report.files[0].id}", headers=headers)
    assert download.status_code == (200 if allowed else 404)
    download.close()

    def listed(query: str) -> bool:
        items = client.get(f"/api/v1/reports?{query}", headers=headers).get_json()["items"]
        return f"{TITLE} {visibility}" in [item["title"] for item in items]

    assert listed("per_page=100") is allowed
    assert listed("q=zymurgy") is allowed
    assert listed("section=national-development-priorities") is allowed


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_totals_never_count_reports_the_caller_may_not_see(client, world, persona):  # noqa: F811
    people, _reports = world
    headers = _headers(people, persona)
    expected = sum(persona in SEES[v] for v in ("draft", "network", "public"))
    body = client.get("/api/v1/reports?q=zymurgy", headers=headers).get_json()
    assert (body["total"], body["total_exact"]) == (expected, True)
