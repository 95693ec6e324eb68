"""The page of a person's own API tokens: the token shown once, in that answer only; revoking;
a refused form shown again as typed; CSRF switched back on."""

import re

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, audit_rows, flashes
from turkicnet.auth import services
from turkicnet.auth.models import ApiToken
from turkicnet.centers import services as centers
from turkicnet.extensions import db

TOKEN = re.compile(r"tn_[0-9a-f]{12}_[A-Za-z0-9_-]{40,}")


def tokens_of(user) -> list[ApiToken]:
    db.session.expire_all()
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)))


def make(client, **data):
    return client.post(
        "/auth/tokens", data={"name": "Harvester", "scopes": "read", "expires_in_days": "90"} | data
    )


def test_the_profile_links_to_the_tokens_page(login_as, make_user):
    page = login_as(make_user()).get("/auth/profile").get_data(as_text=True)
    assert 'href="/auth/tokens"' in page


def test_the_page_lists_ones_tokens_with_their_prefix_scopes_and_last_use(login_as, make_user):
    user = make_user()
    token, raw = services.create_personal_token(user, name="Nightly export", scopes="read write")
    services.create_personal_token(make_user(), name="Someone else's")

    response = login_as(user).get("/auth/tokens")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nightly export" in page and f"tn_{token.prefix}_" in page and "read and write" in page
    assert "never" in page and "Revoke" in page
    assert "Someone else" not in page and raw not in page


def test_a_new_token_is_shown_once_in_the_answer_and_nowhere_else(login_as, make_user):
    user = make_user()
    client = login_as(user)

    response = make(client, name="Repository harvester", scopes="write", expires_in_days="30")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    [raw] = set(TOKEN.findall(page))
    assert "Copy it now: it will not be shown again" in page
    assert response.headers["Cache-Control"] == "no-store"
    assert all(raw not in cookie for cookie in response.headers.getlist("Set-Cookie"))
    assert all(raw not in message for _category, message in flashes(page))
    [token] = tokens_of(user)
    assert token.name == "Repository harvester" and token.scopes == "read write"
    assert services.find_token(raw) == token
    again = client.get("/auth/tokens").get_data(as_text=True)
    assert raw not in again and f"tn_{token.prefix}_" in again
    with client.session_transaction() as session:
        assert raw not in repr(dict(session))


def test_a_form_error_shows_the_form_again_with_what_was_typed(login_as, make_user):
    user = make_user()
    response = make(login_as(user), name="", expires_in_days="7")

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'class="error"' in page and "Copy it now" not in page
    assert tokens_of(user) == []


def test_a_name_of_spaces_is_refused_beside_the_field(login_as, make_user):
    user = make_user()
    page = make(login_as(user), name="   \u00a0 ", expires_in_days="180").get_data(as_text=True)
    assert 'class="error"' in page and tokens_of(user) == []
    assert 'value="180" selected' in page or 'selected value="180"' in page


def test_revoking_ones_token_stops_it(login_as, make_user):
    user = make_user()
    token, raw = services.create_personal_token(user, name="Harvester")
    client = login_as(user)

    response = client.post(f"/auth/tokens/{token.id}/revoke")

    assert response.status_code == 302 and response.location == "/auth/tokens"
    assert ("success", f"The token {token.prefix} was revoked.") in flashes(
        client.get("/auth/tokens").get_data(as_text=True)
    )
    assert centers.authenticate_bearer(raw) is None
    assert audit_rows("auth.revoke_token", token)[0].actor_id == user.id
    second = client.post(f"/auth/tokens/{token.id}/revoke", follow_redirects=True)
    assert ("error", "This token was revoked already.") in flashes(second.get_data(as_text=True))


def test_someone_elses_token_is_not_found_and_stays(login_as, make_user):
    owner = make_user()
    token, raw = services.create_personal_token(owner, name="Harvester")
    response = login_as(make_user()).post(f"/auth/tokens/{token.id}/revoke")
    assert response.status_code == 404
    assert centers.authenticate_bearer(raw) == token


def test_a_center_token_cannot_be_revoked_from_the_personal_page(login_as, center, focal_point):
    token, raw = centers.create_center_token(focal_point, center, name="Pipeline")
    assert login_as(focal_point).post(f"/auth/tokens/{token.id}/revoke").status_code == 404
    assert centers.authenticate_bearer(raw) == token


def test_anonymous_is_sent_to_log_in(client):
    assert client.get("/auth/tokens").status_code == 302
    assert client.post("/auth/tokens", data={"name": "x"}).status_code == 302
    assert db.session.scalars(select(ApiToken)).all() == []


# ---------------------------------------------------------------- CSRF on


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


@pytest.fixture
def csrf_client(app, make_app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    return client


def _log_in(client, user):
    token = _csrf(client.get("/auth/login").get_data(as_text=True))
    response = client.post(
        "/auth/login", data={"csrf_token": token, "email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302


def test_making_or_revoking_a_token_needs_the_pages_csrf_token(csrf_client, make_user):
    user = make_user()
    token, raw = services.create_personal_token(user, name="Old one")
    _log_in(csrf_client, user)

    forged = csrf_client.post(
        "/auth/tokens", data={"name": "Forged", "scopes": "write", "expires_in_days": "90"}
    )
    assert forged.status_code == 400
    assert 'value="Forged"' in forged.get_data(as_text=True) and not TOKEN.search(
        forged.get_data(as_text=True)
    )
    assert csrf_client.post(f"/auth/tokens/{token.id}/revoke").status_code == 400
    assert [t.name for t in tokens_of(user)] == ["Old one"]
    assert centers.authenticate_bearer(raw) is not None

    csrf = _csrf(csrf_client.get("/auth/tokens").get_data(as_text=True))
    made = csrf_client.post(
        "/auth/tokens", data={"csrf_token": csrf, "name": "Real", "scopes": "read", "expires_in_days": "90"}
    )
    assert made.status_code == 200 and TOKEN.search(made.get_data(as_text=True))
    assert csrf_client.post(f"/auth/tokens/{token.id}/revoke", data={"csrf_token": csrf}).status_code == 302
    assert centers.authenticate_bearer(raw) is None
