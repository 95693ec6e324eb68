"""The controls most tests switch off, switched back on: CSRF, rate limits, Argon2's cost,
cookie attributes and the production secret key.

These tests build their own app with ``make_app`` (and never the ``app`` fixture): the rate
limiter is one object that each new app re-configures.
"""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD, PRODUCTION_SECRET_KEY, base_config, is_logged_in
from turkicnet import create_app
from turkicnet.auth import passwords, services
from turkicnet.auth.models import User
from turkicnet.config import Defaults
from turkicnet.core.models import AuditEvent
from turkicnet.extensions import db


def text(response) -> str:
    return response.get_data(as_text=True)


def csrf_token(page: str) -> str:
    found = re.search(r'<input name="csrf_token" type="hidden" value="([^"]+)">', page)
    assert found, "the form has no CSRF token"
    return found.group(1)


def input_value(page: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', page).group(0)
    found = re.search(r'\bvalue="([^"]*)"', tag)
    return html.unescape(found.group(1)) if found else ""


def set_cookies(response) -> dict[str, dict[str, str | bool]]:
    """``Set-Cookie`` headers by cookie name: attribute names lower-cased, flags as ``True``."""
    cookies = {}
    for header in response.headers.getlist("Set-Cookie"):
        first, *attributes = [part.strip() for part in header.split(";")]
        name, _sep, value = first.partition("=")
        parsed: dict[str, str | bool] = {"value": value}
        for attribute in attributes:
            key, sep, attribute_value = attribute.partition("=")
            parsed[key.lower()] = attribute_value if sep else True
        cookies[name] = parsed
    return cookies


def expires_in(cookie: dict) -> timedelta:
    expires = datetime.strptime(cookie["expires"], "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=UTC)
    return expires - datetime.now(UTC)


def add_user(email="gulnara@example.kz", password=PASSWORD) -> User:
    user = services.register_user(
        email=email, full_name="Gulnara Abdrakhmanova", position="", password=password
    )
    return user


# ---------------------------------------------------------------- CSRF


@pytest.fixture
def csrf_app(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        yield app
        db.session.remove()


def test_a_login_without_a_csrf_token_is_refused(csrf_app):
    add_user()
    client = csrf_app.test_client()

    response = client.post("/auth/login", data={"email": "gulnara@example.kz", "password": PASSWORD})

    assert response.status_code == 400
    assert "The CSRF token is missing." in text(response)
    assert not is_logged_in(client)
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "auth.login")) == 0


def test_a_registration_without_a_csrf_token_is_refused_and_keeps_what_was_typed(csrf_app):
    client = csrf_app.test_client()

    response = client.post(
        "/auth/register",
        data={"email": "gulnara@example.kz", "full_name": "Gulnara Abdrakhmanova", "password": PASSWORD},
    )

    assert response.status_code == 400
    page = text(response)
    assert "The CSRF token is missing." in page
    assert "Your input is kept below: check it and send the form again." in page
    assert input_value(page, "email") == "gulnara@example.kz"
    assert input_value(page, "full_name") == "Gulnara Abdrakhmanova"
    assert PASSWORD not in page
    assert csrf_token(page), "the re-shown form carries a fresh token to send it again"
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_a_registration_with_the_token_from_the_form_goes_through(csrf_app):
    client = csrf_app.test_client()
    token = csrf_token(text(client.get("/auth/register")))

    response = client.post(
        "/auth/register",
        data={
            "csrf_token": token,
            "email": "gulnara@example.kz",
            "full_name": "Gulnara Abdrakhmanova",
            "password": PASSWORD,
        },
    )

    assert response.status_code == 200
    assert "<h1>Check your e-mail</h1>" in text(response)
    assert services.get_user_by_email("gulnara@example.kz") is not None


def test_a_login_with_the_token_from_the_form_goes_through(csrf_app):
    add_user()
    client = csrf_app.test_client()
    token = csrf_token(text(client.get("/auth/login")))

    response = client.post(
        "/auth/login", data={"csrf_token": token, "email": "gulnara@example.kz", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert is_logged_in(client)


def test_a_token_from_another_browser_is_refused(csrf_app):
    add_user()
    attacker, victim = csrf_app.test_client(), csrf_app.test_client()
    attackers_token = csrf_token(text(attacker.get("/auth/login")))
    victim.get("/auth/login")  # the victim has a session of their own

    response = victim.post(
        "/auth/login",
        data={"csrf_token": attackers_token, "email": "gulnara@example.kz", "password": PASSWORD},
    )

    assert response.status_code == 400
    assert not is_logged_in(victim)


def test_logout_and_password_change_without_a_token_change_nothing(csrf_app):
    user = add_user()
    hash_before = user.password_hash
    client = csrf_app.test_client()
    token = csrf_token(text(client.get("/auth/login")))
    client.post("/auth/login", data={"csrf_token": token, "email": user.email, "password": PASSWORD})

    logout = client.post("/auth/logout")
    change = client.post(
        "/auth/profile/password",
        data={"current_password": PASSWORD, "new_password": "copper kettle harbour 91 willow"},
    )

    assert logout.status_code == 400 and change.status_code == 400
    assert is_logged_in(client)
    db.session.expire_all()
    assert user.password_hash == hash_before


# ---------------------------------------------------------------- rate limits


@pytest.fixture
def limited_app(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        yield app
        db.session.remove()


def failed_login(client, email="gulnara@example.kz", **kwargs):
    return client.post("/auth/login", data={"email": email, "password": "not the password 00"}, **kwargs)


def test_repeated_failed_logins_for_one_account_get_the_429_page_with_retry_after(limited_app):
    add_user()
    client = limited_app.test_client()
    allowed = int(limited_app.config["LOGIN_LIMIT_PER_ACCOUNT"].split()[0])

    statuses = [failed_login(client).status_code for _ in range(allowed)]
    blocked = failed_login(client)

    assert statuses == [200] * allowed
    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["Retry-After"]) <= 600
    page = text(blocked)
    assert "<h1>Too many attempts</h1>" in page
    assert "please wait a few minutes before trying again" in page
    assert '<a class="brand" href="/">TurkicNet</a>' in page and '<footer class="site-footer">' in page


def test_the_account_limit_does_not_block_other_accounts(limited_app):
    add_user()
    add_user("aliya@example.kz")
    client = limited_app.test_client()
    allowed = int(limited_app.config["LOGIN_LIMIT_PER_ACCOUNT"].split()[0])
    for _ in range(allowed + 1):
        failed_login(client)

    response = client.post("/auth/login", data={"email": "aliya@example.kz", "password": PASSWORD})

    assert response.status_code == 302


def test_successful_logins_do_not_count_toward_the_account_limit(limited_app):
    add_user()
    allowed = int(limited_app.config["LOGIN_LIMIT_PER_ACCOUNT"].split()[0])

    for _ in range(allowed + 2):
        fresh = limited_app.test_client()
        response = fresh.post("/auth/login", data={"email": "gulnara@example.kz", "password": PASSWORD})
        assert response.status_code == 302

    client = limited_app.test_client()
    assert [failed_login(client).status_code for _ in range(allowed)] == [200] * allowed
    assert failed_login(client).status_code == 429


def test_the_per_address_limit_stops_guessing_across_many_accounts_even_with_forged_forwarding(limited_app):
    allowed = int(limited_app.config["LOGIN_LIMIT_PER_IP"].split()[0])
    client = limited_app.test_client()

    statuses = [
        failed_login(
            client, f"ghost{n}@example.kz", headers={"X-Forwarded-For": f"203.0.113.{n}"}
        ).status_code
        for n in range(allowed + 1)
    ]

    assert statuses == [200] * allowed + [429]


# ---------------------------------------------------------------- Argon2


def test_production_uses_the_rfc_9106_low_memory_profile_and_tests_the_cheapest(make_app):
    assert Defaults.ARGON2_PROFILE == "RFC_9106_LOW_MEMORY"
    app = make_app()
    assert app.config["ARGON2_PROFILE"] == "CHEAPEST"
    with app.app_context():
        assert passwords.hash_password(PASSWORD).startswith("$argon2id$v=19$m=8,t=1,p=1$")


def test_an_app_with_the_default_profile_hashes_with_64_mib_and_three_passes(tmp_path):
    config = {key: value for key, value in base_config(tmp_path).items() if key != "ARGON2_PROFILE"}
    app = create_app({**config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'unused.db'}"})

    with app.app_context():
        assert app.config["ARGON2_PROFILE"] == "RFC_9106_LOW_MEMORY"
        password_hash = passwords.hash_password(PASSWORD)
        assert password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
        assert passwords.verify_password(password_hash, PASSWORD)
        cheap_hash = "$argon2id$v=19$m=8,t=1,p=1$" + password_hash.split("$", 4)[4]
        assert passwords.needs_rehash(cheap_hash), "a test-strength hash would be upgraded"


def test_logging_in_upgrades_a_hash_made_with_weaker_parameters(make_app):
    cheap = make_app()
    with cheap.app_context():
        user_id = add_user().id
        assert db.session.get(User, user_id).password_hash.startswith("$argon2id$v=19$m=8,t=1,p=1$")
        db.session.remove()

    strong = make_app(ARGON2_PROFILE="RFC_9106_LOW_MEMORY")
    response = strong.test_client().post(
        "/auth/login", data={"email": "gulnara@example.kz", "password": PASSWORD}
    )

    assert response.status_code == 302
    with strong.app_context():
        upgraded = db.session.get(User, user_id).password_hash
        assert upgraded.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
        assert passwords.verify_password(upgraded, PASSWORD)
        db.session.remove()


# ---------------------------------------------------------------- cookies


def log_in_for_cookies(app, remember: bool):
    with app.app_context():
        add_user()
        db.session.remove()
    client = app.test_client()
    return client.post(
        "/auth/login",
        data={"email": "gulnara@example.kz", "password": PASSWORD, "remember": "y" if remember else ""},
    )


def test_the_session_cookie_is_httponly_samesite_lax_and_lasts_thirty_minutes(make_app):
    response = log_in_for_cookies(make_app(), remember=False)

    cookies = set_cookies(response)
    assert "remember_token" not in cookies
    session_cookie = cookies["session"]
    assert session_cookie["httponly"] is True
    assert session_cookie["samesite"] == "Lax"
    assert session_cookie["path"] == "/" and "domain" not in session_cookie
    assert timedelta(minutes=29) < expires_in(session_cookie) <= timedelta(minutes=30)


def test_the_remember_me_cookie_is_httponly_samesite_lax_and_lasts_fourteen_days(make_app):
    response = log_in_for_cookies(make_app(), remember=True)

    remember = set_cookies(response)["remember_token"]
    assert remember["httponly"] is True
    assert remember["samesite"] == "Lax"
    assert remember["path"] == "/" and "domain" not in remember
    assert timedelta(days=13, hours=23) < expires_in(remember) <= timedelta(days=14)


def test_outside_production_the_cookies_are_not_marked_secure(make_app):
    """The development server speaks plain HTTP; the flag appears with PRODUCTION."""
    cookies = set_cookies(log_in_for_cookies(make_app(), remember=True))
    assert "secure" not in cookies["session"] and "secure" not in cookies["remember_token"]


def test_in_production_both_cookies_are_secure(make_app, production):
    app = make_app(**production)

    cookies = set_cookies(log_in_for_cookies(app, remember=True))

    for name in ("__Host-session", "__Host-remember"):
        assert cookies[name]["secure"] is True, name
        assert cookies[name]["httponly"] is True and cookies[name]["samesite"] == "Lax", name


# ---------------------------------------------------------------- the production secret key


@pytest.mark.parametrize(
    "key", ["", "dev", "changeme", "secret", "x" * 31], ids=["empty", "dev", "changeme", "secret", "short"]
)
def test_production_refuses_to_start_with_a_missing_or_weak_secret_key(make_app, production, key):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        make_app(**{**production, "SECRET_KEY": key})


def test_production_refuses_to_start_without_the_ledger_key_file(make_app, production):
    with pytest.raises(RuntimeError, match="TURKICNET_LEDGER_KEY_FILE"):
        make_app(**{**production, "LEDGER_KEY_FILE": ""})


def test_production_starts_with_a_strong_secret_key(make_app, production):
    app = make_app(**production)
    assert app.config["SECRET_KEY"] == PRODUCTION_SECRET_KEY
    assert app.config["SESSION_COOKIE_SECURE"] is True and app.config["REMEMBER_COOKIE_SECURE"] is True
