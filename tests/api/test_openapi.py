"""The OpenAPI document: valid OpenAPI 3.1, rendered for people at /api/docs, and true to
what the endpoints do (schemathesis calls every endpoint with generated input)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import bearer


def test_the_document_is_valid_openapi_3_1(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_the_document_names_every_endpoint_of_the_api(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    documented = {
        (method.upper(), "/api/v1" + path) for path, ops in document["paths"].items() for method in ops
    }
    routes = {
        (method, rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}"))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi_document"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert documented == routes


def test_the_docs_page_renders_every_endpoint_without_script(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for needle in ("GET /centers", "POST /reports", "PATCH /reports/{report_id}", "ReportDetail", "Problem"):
        assert needle in page
    assert "<script" not in page.lower()


@pytest.fixture
def api_world(app, editor, center, make_report, personal_token):
    make_report(editor, center, title="Grid integration")
    make_report(editor, center, title="Draft notes", visibility="draft")
    return personal_token(editor, "read write")


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_every_endpoint_answers_within_its_schema(app, api_world):
    # Driven by hand rather than by schemathesis's pytest plugin: each operation's
    # strategy, a CI-sized number of examples, without a token and with a write token.
    api = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 14
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=12,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def answers_within_schema(case):
            case.call_and_validate(checks=CHECKS)
            case.call_and_validate(checks=CHECKS, headers=bearer(api_world))

        answers_within_schema()


def test_the_docs_page_shows_code_spans_as_code_and_escapes_the_rest(client):
    page = client.get("/api/docs").get_data(as_text=True)
    assert "<code>ru</code>" in page
    assert "`ru`" not in page
