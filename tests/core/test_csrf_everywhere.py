"""Every POST route with CSRF protection switched back on (audit F-03).

The walk reads ``app.url_map``: a POST route added later is covered without touching this
file (its path values come from ``PATH_VALUES``, which fails loudly on a name it lacks).
A POST without the page's token changes nothing, whoever sends it, and is refused: with
400, or with the answer the route's own gate gives that person (to log in, 403, 404).
"""

import hashlib
import html
import re

import pytest
from sqlalchemy import text

from tests.conftest import PASSWORD, is_logged_in, later, row_counts
from tests.reports.conftest import make_report, sections  # noqa: F401 (fixtures)
from turkicnet.centers import services as center_services
from turkicnet.core.csrf import ForgedWrite, keeps_typed_input, reads_only
from turkicnet.core.db import unit_of_work
from turkicnet.extensions import db

#: What a person would type into any of the site's forms; each form reads the names it has.
PLAUSIBLE_INPUT = {
    "body": "A forged remark", "message": "Please let us in", "note": "Forged note",
    "decision": "approve", "reason": "Forged", "role": "editor", "email": "forged@example.org",
    "full_name": "Forged Name", "position": "Director", "preferred_language": "en",
    "password": PASSWORD, "current_password": PASSWORD, "new_password": "copper kettle harbour 91 willow",
    "title": "Forged title", "abstract": "Forged abstract", "authors": "Forged Author",
    "visibility": "public", "center_ids": "1", "active": "", "receive": "network",
    "signer_name": "Forged Signer", "signer_title": "Director", "confirm_authority": "y",
    "name": "Forged Center", "country_code": "KZ", "city": "Astana", "kind": "government_agency",
    "description": "Forged", "founded_year": "2001", "starts_on": "2027-01-01", "ends_on": "2027-01-02",
    "required_centers": "3", "language": "ru", "authentic": "y",
}  # fmt: skip


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def log_in(client, user):
    token = _token(client.get("/auth/login").get_data(as_text=True))
    data = {"csrf_token": token, "email": user.email, "password": PASSWORD}
    response = client.post("/auth/login", data=data)
    assert response.status_code == 302


#: The one row a refused POST may add: the audit log's record of the refusal (control 39).
_REFUSALS = "action = 'authz_fail'"


def snapshot() -> dict[str, tuple[int, str]]:
    """Each table's row count and a digest of its rows, in a stable order (refusals left out)."""
    db.session.expire_all()
    state = {}
    for name in row_counts():
        where = f" WHERE NOT ({_REFUSALS})" if name == "audit_events" else ""
        rows = sorted(repr(tuple(row)) for row in db.session.execute(text(f'SELECT * FROM "{name}"{where}')))
        state[name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    db.session.rollback()
    return state


@pytest.fixture
def network(center, focal_point, editor, make_center, make_report, make_version, make_user, sections):  # noqa: F811
    """One of everything a POST route's path can name."""
    partner = make_center(country_code="UZ")
    report = make_report(editor, center)
    from turkicnet.reports import services as report_services

    report_services.share_report(editor, report, [partner.id])
    version = make_version(status="draft")
    joiner = make_user(full_name="Jamila Joiner")
    join_request = center_services.request_to_join(joiner, center, message="Hello")
    invitation, invitation_token = center_services.invite_staff(
        focal_point, center, email="invited@example.org", role="viewer"
    )
    staff = next(m for m in center.memberships if m.user_id == editor.id)
    center_token, _raw = center_services.create_center_token(focal_point, center, name="Pipeline")
    return {
        "slug": center.slug, "section_slug": next(iter(sections)), "report_id": report.id,
        "file_id": report.files[0].id, "center_id": partner.id, "number": version.number, "lang": "ru",
        "code": "ru", "membership_id": staff.id, "request_id": join_request.id,
        "invitation_id": invitation.id, "token": invitation_token, "user_id": joiner.id, "action": "retire",
        "token_id": center_token.id,
    }  # fmt: skip


def path_values(rule, network) -> dict:
    values = {}
    for name in rule.arguments:
        key = "section_slug" if name == "slug" and rule.rule.startswith("/admin/sections") else name
        assert key in network, f"{rule.rule}: give the walk a value for <{name}>"
        values[name] = network[key]
    return values


def post_rules(app):
    return sorted((rule for rule in app.url_map.iter_rules() if "POST" in rule.methods), key=lambda r: r.rule)


#: Pages whose own gate sends a person who is logged in already to their profile.
_FOR_VISITORS = {"auth.login", "auth.register"}


def _refused(rule, response) -> bool:
    if response.status_code == 302:
        gate = "/auth/profile" if rule.endpoint in _FOR_VISITORS else "/auth/login"
        return response.location.startswith(gate)
    if rule.endpoint.startswith("api."):
        # The API reads no cookie: a post that carries only a session is no one's.
        return response.status_code == 401
    return response.status_code in (400, 403, 404)


@pytest.fixture
def csrf_app(app, make_app):
    return make_app(WTF_CSRF_ENABLED=True)


@pytest.mark.parametrize("persona", ["anonymous", "member", "admin"])
def test_every_post_route_refuses_a_post_without_a_token_and_changes_nothing(
    persona, csrf_app, network, focal_point, admin
):
    client = csrf_app.test_client()
    if persona != "anonymous":
        log_in(client, {"member": focal_point, "admin": admin}[persona])
    before = snapshot()
    answers = {}
    for rule in post_rules(csrf_app):
        with csrf_app.test_request_context():
            path = csrf_app.url_map.bind("turkicnet.test").build(rule.endpoint, path_values(rule, network))
        response = client.post(path, data=PLAUSIBLE_INPUT)
        answers[path] = (response.status_code, response.location)
        if getattr(csrf_app.view_functions[rule.endpoint], "reads_only", False):
            # OAI-PMH takes its request as a form too: answered, and nothing changes (below).
            assert response.status_code == 200, path
            continue
        assert _refused(rule, response), (path, response.status_code, response.location)
        if rule.rule.startswith("/admin") and persona != "admin":
            assert response.status_code in (302, 403), path
    assert snapshot() == before, answers
    assert is_logged_in(client) is (persona != "anonymous")


ADMIN_PAGES = ["/admin/sections", "/admin/protocol", "/admin/protocol/v/1", "/admin/events"]


def test_a_post_without_a_token_never_shows_an_admin_page_to_an_anonymous_visitor(csrf_app, network):
    client = csrf_app.test_client()
    for path in [*ADMIN_PAGES, f"/admin/centers/{network['slug']}/decide"]:
        response = client.post(path, data={"title": "x"})
        assert response.status_code == 302 and response.location.startswith("/auth/login"), path
        assert "Thematic sections" not in response.get_data(as_text=True)


def test_a_post_without_a_token_gets_403_from_the_admin_area_for_a_member(csrf_app, network, focal_point):
    client = csrf_app.test_client()
    log_in(client, focal_point)
    for path in [*ADMIN_PAGES, f"/admin/centers/{network['slug']}/decide"]:
        response = client.post(path, data={"title": "x"})
        assert response.status_code == 403, path
        page = response.get_data(as_text=True)
        assert "Thematic sections" not in page and "Protocol versions" not in page


def test_a_post_without_a_token_to_a_report_one_cannot_see_is_404_not_500(
    csrf_app, center, editor, make_report, make_center  # noqa: F811
):
    hidden = make_report(editor, center, visibility="draft")
    stranger_center = make_center(country_code="KG")
    stranger = next(m.user for m in stranger_center.memberships if m.is_primary)
    client = csrf_app.test_client()
    log_in(client, stranger)

    response = client.post(f"/reports/{hidden.id}/comments", data={"body": "Hello"})

    assert response.status_code == 404


# ---------------------------------------------------------------- an expired token


def _input_value(page: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', page).group(0)
    found = re.search(r'\bvalue="([^"]*)"', tag)
    return html.unescape(found.group(1)) if found else ""


@pytest.fixture
def short_token_app(app, make_app):
    """CSRF on, with tokens that expire after a minute (the session lasts 30)."""
    return make_app(WTF_CSRF_ENABLED=True, WTF_CSRF_TIME_LIMIT=60)


def test_an_expired_token_on_the_report_form_shows_what_was_typed_and_saves_nothing(
    short_token_app, center, editor, make_report, monkeypatch  # noqa: F811
):
    report = make_report(editor, center)
    client = short_token_app.test_client()
    log_in(client, editor)
    token = _token(client.get(f"/reports/{report.id}/edit").get_data(as_text=True))
    later(monkeypatch, 120)
    typed = {"title": "Trade corridors <b>and</b> “tariffs”", "abstract": "Kept abstract & more\nLine two"}

    response = client.post(
        f"/reports/{report.id}/edit",
        data={"csrf_token": token, "lock_version": report.lock_version, "section_id": report.section_id,
              "authors": "Aigul Serikova", "visibility": "public", **typed},
    )  # fmt: skip

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The CSRF token has expired." in page
    assert "Your input is kept below: check it and send the form again." in page
    assert _input_value(page, "title") == typed["title"]
    assert html.escape(typed["abstract"], quote=False) in page
    assert _token(page) != token, "the form comes back with a fresh token"
    db.session.expire_all()
    assert report.title == "Energy markets of the Turkic states"


def test_an_expired_token_on_the_profile_form_shows_what_was_typed_and_saves_nothing(
    short_token_app, focal_point, monkeypatch
):
    name_before = focal_point.full_name
    client = short_token_app.test_client()
    log_in(client, focal_point)
    token = _token(client.get("/auth/profile").get_data(as_text=True))
    later(monkeypatch, 120)

    response = client.post(
        "/auth/profile",
        data={"csrf_token": token, "full_name": "Aigerim Nurlanovna", "position": "Deputy Director",
              "preferred_language": "en"},
    )  # fmt: skip

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The CSRF token has expired." in page
    assert _input_value(page, "full_name") == "Aigerim Nurlanovna"
    assert _input_value(page, "position") == "Deputy Director"
    assert is_logged_in(client)
    db.session.expire_all()
    assert focal_point.full_name == name_before


# ---------------------------------------------------------------- the gate's order and its guard


def test_a_post_without_a_token_is_counted_by_the_rate_limiter(make_app):
    app = make_app(WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=True, LOGIN_LIMIT_PER_IP="3 per minute")
    client = app.test_client()

    statuses = [client.post("/auth/login", data={"email": "a@example.org"}).status_code for _ in range(4)]

    assert statuses == [400, 400, 400, 429]


def test_a_form_view_that_would_save_without_a_valid_token_is_stopped(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)

    @app.post("/careless")
    @keeps_typed_input
    def careless():
        with unit_of_work(unchecked="a view that forgot to validate its form"):
            pass
        return "saved"

    with pytest.raises(ForgedWrite):
        app.test_client().post("/careless", data={"body": "x"})


def test_a_read_only_view_answers_a_post_without_a_token_but_cannot_save(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)

    @app.post("/reads")
    @reads_only
    def reads():
        return "read"

    @app.post("/writes")
    @reads_only
    def writes():
        with unit_of_work(unchecked="a read-only view that writes after all"):
            pass
        return "saved"

    client = app.test_client()
    assert client.post("/reads", data={"verb": "Identify"}).get_data(as_text=True) == "read"
    with pytest.raises(ForgedWrite):
        client.post("/writes", data={"verb": "Identify"})


def test_every_form_of_the_site_takes_the_gates_verdict(app):
    from flask_wtf import FlaskForm

    from turkicnet.core.forms import Form

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [form for form in subclasses(FlaskForm) if form.__module__.startswith("turkicnet.")]
    assert len(ours) > 20
    assert [form.__qualname__ for form in ours if not issubclass(form, Form)] == []
