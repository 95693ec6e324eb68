"""What production checks when it starts, and what it sets for itself.

``production`` (tests/conftest.py) is the least a production app needs; each test adds or
breaks one thing.
"""

import pytest

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
