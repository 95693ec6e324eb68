"""Path and query parameters: whatever a client sends, the answer is a page, a 404 or a 400,
never a 500 (audit F-06). Property tests walk the app's own url_map."""

import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import PASSWORD
from turkicnet.core.converters import MAX_ID

# The same client, fixtures and database serve every example: the requests only read.
shared_fixtures = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])

_ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")

integers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["0", "-1", str(MAX_ID), str(MAX_ID + 1), str(2**63), "9" * 20, "9" * 5000]),
)
texts = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["\x00", "a\x00b", "+1", "-1", " 1", "1 ", "１２", "٣", "1e3", "0x10", "ǅ", "\u202e"]),
)
any_value = st.one_of(integers, texts)


def _get_rules(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.arguments and "GET" in rule.methods and rule.endpoint != "static"
    ]


def _url(rule, value_for) -> str:
    def substitute(match):
        converter, name = match.group(1) or "default", match.group(2)
        safe = "/" if converter == "path" else ""
        return quote(value_for(converter, name), safe=safe) or "x"

    return _ARGUMENT.sub(substitute, rule.rule)


@pytest.fixture
def admin_client(client, login_as, admin, center):
    return login_as(admin)


def test_the_int_converter_is_the_bounded_one_on_every_rule(app):
    from turkicnet.core.converters import BoundedIntConverter

    converters = [c for rule in app.url_map.iter_rules() for c in rule._converters.values()]
    integer_converters = [c for c in converters if "Int" in type(c).__name__]
    assert integer_converters
    assert all(isinstance(c, BoundedIntConverter) for c in integer_converters)


def test_a_twenty_digit_or_out_of_range_id_is_a_404(admin_client):
    paths = [
        "/reports/99999999999999999999", "/reports/1/files/99999999999999999999",
        "/protocol/v/99999999999999999999", "/protocol/signatures/99999999999999999999",
        f"/reports/{MAX_ID + 1}", "/reports/0", f"/admin/protocol/v/{2**63}",
    ]  # fmt: skip
    assert {path: admin_client.get(path).status_code for path in paths} == dict.fromkeys(paths, 404)


def test_an_id_with_a_sign_a_space_or_foreign_digits_is_a_404(admin_client):
    paths = ["/reports/%2B1", "/reports/-1", "/reports/%201", "/reports/1%20", "/reports/%D9%A3"]
    assert {path: admin_client.get(path).status_code for path in paths} == dict.fromkeys(paths, 404)


def test_the_largest_id_is_still_looked_up(admin_client):
    assert admin_client.get(f"/reports/{MAX_ID}").status_code == 404
    assert admin_client.get(f"/centers/x/staff/{MAX_ID}").status_code == 405  # the rule matched


def test_any_page_number_gives_a_page(admin_client, center):
    paths = ["/centers", "/search", "/notifications", "/admin/audit", "/admin/users",
             f"/countries/{center.country_code}", f"/centers/{center.slug}",
             "/sections/national-development-priorities"]  # fmt: skip
    pages = ["99999999999999999999", str(2**62), "abc", "-3", "0", "1e3", "+2", " 2", "٣"]
    statuses = {(path, page): admin_client.get(f"{path}?page={quote(page)}").status_code
                for path in paths for page in pages}  # fmt: skip
    assert statuses == dict.fromkeys(statuses, 200)


def test_a_page_far_past_the_end_is_an_empty_page(admin_client, center):
    response = admin_client.get(f"/centers?page={2**62}")
    assert response.status_code == 200
    assert center.name not in response.get_data(as_text=True)


def test_a_section_that_is_not_an_id_is_ignored(admin_client):
    sections = ["99999999999999999999", "abc", "-1", "0", "1e3"]
    statuses = {(path, section): admin_client.get(f"{path}?section={section}").status_code
                for path in ("/search", "/reports.csv") for section in sections}  # fmt: skip
    assert statuses == dict.fromkeys(statuses, 200)


def test_a_nul_byte_in_a_query_is_a_400_in_the_site_layout(admin_client):
    for query in ["q=a%00b", "page=%00", "section=1%00", "%00=1", "country=K%00Z", "next=%2F%00"]:
        response = admin_client.get(f"/search?{query}")
        page = response.get_data(as_text=True)
        assert response.status_code == 400, query
        assert 'class="site-header"' in page
        assert "NUL character" in page


def test_a_nul_byte_in_a_form_is_dropped_and_the_form_answers_as_usual(client, make_user):
    user = make_user("nul@example.org")
    response = client.post("/auth/login", data={"email": "nul\x00@example.org", "password": PASSWORD})
    assert response.status_code == 302  # the NUL was dropped: the address is the account's
    assert user.email == "nul@example.org"


def test_a_nul_byte_in_a_path_is_a_404_or_400(admin_client, center):
    assert admin_client.get(f"/centers/{center.slug}%00").status_code in (400, 404)


@shared_fixtures
@given(value=any_value)
def test_no_get_rule_answers_500_to_any_argument(admin_client, value):
    for rule in _get_rules(admin_client.application):
        response = admin_client.get(_url(rule, lambda converter, name: value))
        assert response.status_code < 500, (rule.rule, value)


@shared_fixtures
@given(page=any_value, section=any_value)
def test_no_list_page_answers_500_to_any_page_or_section(admin_client, center, page, section):
    paths = [
        "/centers", "/search", "/reports.csv", "/notifications", "/admin/audit", "/admin/users",
        "/sections/national-development-priorities", "/sections/national-development-priorities.csv",
        f"/centers/{center.slug}", f"/countries/{center.country_code}",
    ]  # fmt: skip
    query = f"page={quote(page, safe='')}&section={quote(section, safe='')}"
    for path in paths:
        response = admin_client.get(f"{path}?{query}")
        assert response.status_code in (200, 400), (path, page, section)
