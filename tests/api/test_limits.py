"""Each token has its own rate limit: one pipeline that runs away cannot use up another's
allowance, nor that of callers without a token (counted by address)."""

from tests.api.conftest import bearer
from turkicnet.auth import services as auth_services
from turkicnet.auth.models import User
from turkicnet.extensions import db


def test_each_token_counts_on_its_own_and_a_429_says_when_to_retry(make_app, editor, viewer):
    app = make_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT_TOKEN="3 per minute",
                   API_RATE_LIMIT_ANONYMOUS="4 per minute")  # fmt: skip
    with app.app_context():
        runaway = auth_services.create_personal_token(db.session.get(User, editor.id), name="a")[1]
        other = auth_services.create_personal_token(db.session.get(User, viewer.id), name="b")[1]
    client = app.test_client()
    answers = [client.get("/api/v1/sections", headers=bearer(runaway)).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = client.get("/api/v1/sections", headers=bearer(runaway))
    assert refused.mimetype == "application/problem+json"
    assert int(refused.headers["Retry-After"]) > 0
    assert client.get("/api/v1/sections", headers=bearer(other)).status_code == 200
    assert [client.get("/api/v1/sections").status_code for _ in range(5)] == [200, 200, 200, 200, 429]
    assert client.get("/api/v1/sections", headers=bearer(other)).status_code == 200


def test_made_up_tokens_count_against_the_address_not_a_bucket_each(make_app):
    app = make_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT_ANONYMOUS="3 per minute")
    client = app.test_client()
    answers = [
        client.get("/api/v1/sections", headers=bearer(f"tn_{n:012x}_{'x' * 43}")).status_code
        for n in range(5)
    ]
    assert answers[:3] == [401, 401, 401]
    assert answers[3:] == [429, 429]


def test_a_person_can_hold_only_so_many_active_tokens(app, editor):
    from turkicnet.auth.services.tokens import MAX_ACTIVE_TOKENS
    from turkicnet.core.errors import ValidationFailed

    for n in range(MAX_ACTIVE_TOKENS):
        auth_services.create_personal_token(editor, name=f"t{n}")
    try:
        auth_services.create_personal_token(editor, name="one too many")
    except ValidationFailed as refused:
        assert refused.field == "name"
    else:
        raise AssertionError("a token past the cap was made")
