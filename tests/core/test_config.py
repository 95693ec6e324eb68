import pytest

from turkicnet import create_app
from turkicnet.config import normalise_database_url


@pytest.mark.parametrize(
    "url, expected",
    [
        ("postgresql://postgres@127.0.0.1:5432/test", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_postgresql_urls_are_mapped_to_psycopg_3(url, expected):
    assert normalise_database_url(url) == expected


def test_environment_overrides_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("TURKICNET_CENTERS_PER_PAGE", "7")
    monkeypatch.setenv("TURKICNET_BASE_URL", "https://turkicnet.example")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    app = create_app({"SECRET_KEY": "k" * 40, "UPLOAD_DIR": str(tmp_path), "MAIL_DIR": str(tmp_path)})
    assert app.config["CENTERS_PER_PAGE"] == 7
    assert app.config["BASE_URL"] == "https://turkicnet.example"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"


def test_login_counters_live_in_redis_when_it_is_configured(make_app, make_user, redis_url):
    import redis

    url = redis_url
    app = make_app(
        RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=url, LOGIN_LIMIT_PER_ACCOUNT="2 per 10 minutes"
    )
    with app.app_context():
        email = make_user().email
    client = app.test_client()
    codes = [
        client.post("/auth/login", data={"email": email, "password": "wrong password here"}).status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]
    assert redis.Redis.from_url(url).dbsize() > 0


@pytest.mark.parametrize("mode", ["after_response", "carrier-pigeon"])
def test_a_mail_delivery_mode_other_than_the_outbox_is_refused_at_start_with_a_pointer_to_the_worker(
    make_app, mode
):
    with pytest.raises(RuntimeError, match="MAIL_DELIVERY can only be 'outbox'.*flask --app wsgi worker"):
        make_app(MAIL_DELIVERY=mode)


def test_the_outbox_is_the_default_and_only_mail_delivery_mode(make_app, monkeypatch):
    monkeypatch.setenv("TURKICNET_MAIL_DELIVERY", "after_response")
    with pytest.raises(RuntimeError, match="MAIL_DELIVERY can only be 'outbox'"):
        make_app()
    monkeypatch.delenv("TURKICNET_MAIL_DELIVERY")
    assert make_app().config["MAIL_DELIVERY"] == "outbox"
