"""The login limits slow guessing without letting anyone lock another person out (F-02).

The failure limit of an account counts per (account, client address); a separate, higher
limit counts every login attempt from one address. These tests switch rate limits on, so
they build their own app with ``make_app`` (never the ``app`` fixture).
"""

import pytest
from limits import parse

from tests.conftest import PASSWORD, is_logged_in
from turkicnet.auth import services
from turkicnet.extensions import db

ATTACKER = {"REMOTE_ADDR": "203.0.113.9"}
OWNER = {"REMOTE_ADDR": "198.51.100.7"}
EMAIL = "gulnara@example.kz"


@pytest.fixture
def limited_app(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        services.register_user(email=EMAIL, full_name="Gulnara Abdrakhmanova", position="", password=PASSWORD)
        db.session.remove()
        yield app
        db.session.remove()


def allowed_failures(app) -> int:
    return parse(app.config["LOGIN_LIMIT_PER_ACCOUNT"]).amount


def log_in(client, password, address, email=EMAIL):
    return client.post("/auth/login", data={"email": email, "password": password}, environ_base=address)


def test_an_attacker_tripping_the_account_limit_does_not_lock_out_the_owner_from_another_address(
    limited_app,
):
    attacker, owner = limited_app.test_client(), limited_app.test_client()
    allowed = allowed_failures(limited_app)

    attempts = [log_in(attacker, "not the password 00", ATTACKER).status_code for _ in range(allowed + 1)]
    owners_login = log_in(owner, PASSWORD, OWNER)

    assert attempts == [200] * allowed + [429]
    assert owners_login.status_code == 302
    assert is_logged_in(owner)


def test_the_attacker_stays_refused_for_that_account_from_their_address(limited_app):
    attacker = limited_app.test_client()
    for _ in range(allowed_failures(limited_app)):
        log_in(attacker, "not the password 00", ATTACKER)

    blocked = log_in(attacker, "not the password 00", ATTACKER)
    with_the_right_password = log_in(attacker, PASSWORD, ATTACKER)

    assert blocked.status_code == 429
    assert with_the_right_password.status_code == 429, "the limit holds whatever password is sent"
    assert not is_logged_in(attacker)


def test_the_owner_from_another_address_can_still_fail_a_few_times_of_their_own(limited_app):
    attacker, owner = limited_app.test_client(), limited_app.test_client()
    allowed = allowed_failures(limited_app)
    for _ in range(allowed + 1):
        log_in(attacker, "not the password 00", ATTACKER)

    typos = [log_in(owner, "a typo in my password", OWNER).status_code for _ in range(allowed - 1)]

    assert typos == [200] * (allowed - 1)
    assert log_in(owner, PASSWORD, OWNER).status_code == 302


def test_the_per_address_limit_is_higher_than_the_per_account_limit():
    from turkicnet.config import Defaults

    per_account, per_address = parse(Defaults.LOGIN_LIMIT_PER_ACCOUNT), parse(Defaults.LOGIN_LIMIT_PER_IP)
    assert per_account.get_expiry() == per_address.get_expiry()
    assert per_address.amount > per_account.amount


# ---------------------------------------------------------------- several processes (F-11)


def fail_from_the_attackers_address(app, times: int) -> list[int]:
    client = app.test_client()
    return [log_in(client, "not the password 00", ATTACKER).status_code for _ in range(times)]


def test_two_app_processes_on_one_redis_share_the_login_counter(make_app, redis_url):
    import redis

    first = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=redis_url)
    with first.app_context():
        services.register_user(email=EMAIL, full_name="Gulnara Abdrakhmanova", position="", password=PASSWORD)
        db.session.remove()
    allowed = allowed_failures(first)
    assert fail_from_the_attackers_address(first, allowed) == [200] * allowed

    # A second worker: its own app and limiter storage, the same Redis.
    second = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=redis_url)

    assert fail_from_the_attackers_address(second, 1) == [429]
    assert log_in(second.test_client(), PASSWORD, OWNER).status_code == 302
    keys = [key.decode() for key in redis.Redis.from_url(redis_url).keys("*")]
    assert any("login-account:" in key for key in keys)
    assert not any(EMAIL in key for key in keys), "the counter store holds no e-mail addresses"


def test_with_counters_in_memory_a_second_process_starts_from_zero(make_app):
    """Why production refuses ``memory://`` unless one process serves the site."""
    first = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    allowed = allowed_failures(first)
    assert fail_from_the_attackers_address(first, allowed + 1)[-1] == 429

    second = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")

    assert fail_from_the_attackers_address(second, 1) == [200]
