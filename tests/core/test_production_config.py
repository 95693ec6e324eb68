"""What production checks when it starts, and what it sets for itself.

``production`` (tests/conftest.py) is the least a production app needs; each test adds or
breaks one thing.
"""

import os
import secrets

import pytest

from turkicnet.core.errors import InvalidState
from turkicnet.extensions import limiter

# ---------------------------------------------------------------- rate-limit counters (F-11)


def test_production_refuses_rate_limit_counters_in_each_processs_memory(make_app, production):
    with pytest.raises(RuntimeError, match=r"REDIS_URL.*TURKICNET_SINGLE_PROCESS"):
        make_app(**production, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")


def test_production_counts_in_memory_when_the_operator_declares_a_single_process(
    make_app, production, monkeypatch
):
    monkeypatch.setenv("TURKICNET_SINGLE_PROCESS", "1")

    app = make_app(**production, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")

    assert app.config["SINGLE_PROCESS"] is True
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_with_redis_url_in_the_environment_production_counts_in_redis(make_app, production, monkeypatch):
    from limits.storage import RedisStorage

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/5")

    # "" stands for a storage left unset (the tests' base config names memory://).
    app = make_app(**production, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="")

    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/5"
    assert isinstance(limiter.storage, RedisStorage)


def test_redis_url_from_the_instance_file_is_used_for_the_counters_too(make_app, production):
    app = make_app(
        **production, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="", REDIS_URL="redis://h:6379/2"
    )

    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://h:6379/2"


def test_an_explicit_storage_uri_wins_over_redis_url(make_app, monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/5")

    app = make_app(RATELIMIT_STORAGE_URI="memory://")

    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


# ---------------------------------------------------------------- the secret key (F-14)


@pytest.mark.parametrize(
    "key",
    ["a" * 36, "x" * 40, "0123456789abcdef" * 4, "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF", "ab" * 32],
    ids=["36-a", "40-x", "repeated-hex-run", "alphabet", "two-letters"],
)
def test_production_refuses_a_long_secret_key_with_little_entropy(make_app, production, key):
    with pytest.raises(RuntimeError, match="TURKICNET_SECRET_KEY"):
        make_app(**{**production, "SECRET_KEY": key})


@pytest.mark.parametrize("make_key", [lambda: secrets.token_hex(32), lambda: secrets.token_urlsafe(32)],
                         ids=["token_hex", "token_urlsafe"])  # fmt: skip
def test_production_accepts_a_key_made_by_the_secrets_module(make_app, production, make_key):
    key = make_key()

    app = make_app(**{**production, "SECRET_KEY": key})

    assert app.config["SECRET_KEY"] == key


@pytest.mark.parametrize("make_key", [secrets.token_hex, secrets.token_urlsafe], ids=["hex", "urlsafe"])
def test_the_estimate_gives_every_32_byte_random_key_at_least_128_bits(make_key):
    from turkicnet.config import secret_key_bits

    assert min(secret_key_bits(make_key(32)) for _ in range(200)) >= 128


def test_production_refuses_a_weak_fallback_key_as_it_would_a_weak_key(make_app, production):
    with pytest.raises(RuntimeError, match="TURKICNET_SECRET_KEY_FALLBACKS"):
        make_app(**production, SECRET_KEY_FALLBACKS=[secrets.token_urlsafe(32), "changeme" * 5])


def test_fallback_keys_are_read_comma_separated_from_the_environment(make_app, monkeypatch):
    old, older = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    monkeypatch.setenv("TURKICNET_SECRET_KEY_FALLBACKS", f"{old}, {older}")

    app = make_app()

    assert app.config["SECRET_KEY_FALLBACKS"] == [old, older]


def test_after_a_rotation_sessions_and_links_made_with_the_old_key_still_work(make_app, make_user):
    from tests.conftest import PASSWORD, is_logged_in
    from turkicnet.auth import services

    old_key, new_key = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    before = make_app(SECRET_KEY=old_key)
    user = make_user(verified=False)
    browser = before.test_client()
    assert browser.post("/auth/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    cookie = browser.get_cookie("session").value
    with before.test_request_context():
        token = services.verification_token(user)

    def visitor(app):
        client = app.test_client()
        client.set_cookie("session", cookie)
        return client

    rotated = make_app(SECRET_KEY=new_key, SECRET_KEY_FALLBACKS=[old_key])
    assert is_logged_in(visitor(rotated)), "the session cookie signed with the old key"
    with rotated.test_request_context():
        assert services.user_for_verification_token(token).id == user.id

    forgotten = make_app(SECRET_KEY=new_key)
    assert not is_logged_in(visitor(forgotten)), "without the fallback the old cookie is refused"
    with forgotten.test_request_context(), pytest.raises(InvalidState):
        services.user_for_verification_token(token)


# ---------------------------------------------------------------- the ledger key (F-14)


def test_production_refuses_to_start_when_the_ledger_key_file_is_missing(make_app, production, tmp_path):
    missing = tmp_path / "nowhere" / "ledger_key.pem"

    with pytest.raises(RuntimeError, match=r"TURKICNET_LEDGER_KEY_FILE.*nowhere/ledger_key\.pem"):
        make_app(**production, LEDGER_KEY_FILE=str(missing))


def test_production_refuses_to_start_when_the_ledger_key_file_holds_no_key(make_app, production, tmp_path):
    garbage = tmp_path / "ledger_key.pem"
    garbage.write_text("not a key\n")

    with pytest.raises(RuntimeError, match="TURKICNET_LEDGER_KEY_FILE"):
        make_app(**production, LEDGER_KEY_FILE=str(garbage))


def test_production_refuses_to_start_when_the_ledger_key_file_cannot_be_read(
    make_app, production, tmp_path, ledger_key_file
):
    if os.geteuid() == 0:
        pytest.skip("root reads any file")
    unreadable = tmp_path / "ledger_key.pem"
    unreadable.write_bytes(ledger_key_file.read_bytes())
    unreadable.chmod(0)

    with pytest.raises(RuntimeError, match="TURKICNET_LEDGER_KEY_FILE"):
        make_app(**production, LEDGER_KEY_FILE=str(unreadable))


def test_production_loads_the_ledger_key_once_at_start(make_app, production, ledger_key_file):
    from turkicnet.protocol.keys import key_id, signing_key

    app = make_app(**production)

    loaded = app.extensions["turkicnet_ledger_key"]
    with app.app_context():
        assert signing_key() is loaded
        assert len(key_id(loaded)) == 16


# ---------------------------------------------------------------- trusted hosts (F-10)


def test_production_trusts_the_base_urls_host_and_the_extra_names(make_app, production, monkeypatch):
    monkeypatch.setenv("TURKICNET_TRUSTED_HOSTS", "www.turkicnet.example, turkicnet.internal")
    del production["TRUSTED_HOSTS"]  # read from the environment this time

    app = make_app(**{**production, "BASE_URL": "https://turkicnet.example:8443/"})

    assert app.config["TRUSTED_HOSTS"] == ["turkicnet.example", "www.turkicnet.example", "turkicnet.internal"]


def test_in_production_an_unknown_host_gets_the_sites_400_page(make_app, production):
    app = make_app(**{**production, "BASE_URL": "https://turkicnet.example"})
    client = app.test_client()

    refused = client.get("/centers", headers={"Host": "evil.example"})
    answered = client.get("/centers", headers={"Host": "turkicnet.example"})

    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "<h1>The request could not be handled</h1>" in page
    assert '<a class="brand" href="/">TurkicNet</a>' in page and '<footer class="site-footer">' in page
    assert "evil.example" not in page
    assert answered.status_code == 200


def test_outside_production_any_host_is_answered(make_app):
    app = make_app()

    assert app.config["TRUSTED_HOSTS"] is None
    assert app.test_client().get("/centers", headers={"Host": "evil.example"}).status_code == 200
