"""Staff invitations, join requests and application messages are limited per signed-in
account (F-18): the request over the allowance is a 429 and changes nothing, and another
person behind the same address keeps their own allowance.

The data is made through the ``app`` fixture (limits off); the requests go to a second app
on the same database with the limits switched on and a small allowance.
"""

import pytest
from limits import parse
from sqlalchemy import func, select

from tests.conftest import PASSWORD, mails_to
from turkicnet.centers.models import ApplicationMessage, Invitation, JoinRequest
from turkicnet.config import Defaults
from turkicnet.extensions import db

from .conftest import primary_of

SHARED_ADDRESS = {"REMOTE_ADDR": "203.0.113.42"}
ALLOWED = 2


@pytest.fixture
def limited(make_app, app):
    return make_app(
        RATELIMIT_ENABLED=True,
        INVITE_LIMIT_PER_USER=f"{ALLOWED} per hour",
        JOIN_REQUEST_LIMIT_PER_USER=f"{ALLOWED} per hour",
        APPLICATION_MESSAGE_LIMIT_PER_USER=f"{ALLOWED} per hour",
    )


def logged_in(limited_app, user):
    client = limited_app.test_client()
    response = client.post(
        "/auth/login", data={"email": user.email, "password": PASSWORD}, environ_base=SHARED_ADDRESS
    )
    assert response.status_code == 302
    return client


def post(client, path, data):
    return client.post(path, data=data, environ_base=SHARED_ADDRESS)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def assert_the_429_page(response):
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    page = response.get_data(as_text=True)
    assert "<h1>Too many attempts</h1>" in page and '<footer class="site-footer">' in page


def test_the_invitation_over_the_limit_is_refused_and_sends_nothing(
    limited, center, focal_point, other_focal_point, other_center
):
    client = logged_in(limited, focal_point)
    invite = f"/centers/{center.slug}/staff/invite"

    statuses = [
        post(client, invite, {"email": f"colleague{n}@example.org", "role": "editor"}).status_code
        for n in range(ALLOWED)
    ]
    refused = post(client, invite, {"email": "one.too.many@example.org", "role": "editor"})
    others = post(
        logged_in(limited, other_focal_point), f"/centers/{other_center.slug}/staff/invite",
        {"email": "their.colleague@example.org", "role": "editor"},
    )  # fmt: skip

    assert statuses == [302] * ALLOWED
    assert_the_429_page(refused)
    assert mails_to("one.too.many@example.org") == []
    assert others.status_code == 302
    assert count(Invitation) == ALLOWED + 1


def test_the_join_request_over_the_limit_is_refused_and_asks_no_one(
    limited, make_center, outsider, make_user
):
    centers = [make_center(country_code=code) for code in ("KZ", "UZ", "TR")]
    client = logged_in(limited, outsider)

    statuses = [
        post(client, f"/centers/{c.slug}/join", {"message": "I study trade."}).status_code
        for c in centers[:ALLOWED]
    ]
    asked = primary_of(centers[ALLOWED]).user.email
    refused = post(client, f"/centers/{centers[ALLOWED].slug}/join", {"message": "One more."})
    mailed_after_the_refusal = mails_to(asked)
    someone_else = logged_in(limited, make_user())
    others = post(someone_else, f"/centers/{centers[ALLOWED].slug}/join", {"message": "Hi"})

    assert statuses == [302] * ALLOWED
    assert_the_429_page(refused)
    assert [m for m in mailed_after_the_refusal if outsider.full_name in m.body] == []
    assert others.status_code == 302
    assert count(JoinRequest) == ALLOWED + 1
    assert db.session.scalar(select(func.count()).where(JoinRequest.user_id == outsider.id)) == ALLOWED


def test_the_application_message_over_the_limit_is_refused_and_the_other_applicant_still_writes(
    limited, make_center
):
    first, second = make_center(status="pending"), make_center(status="pending")
    before = count(ApplicationMessage)
    client = logged_in(limited, primary_of(first).user)
    thread = f"/centers/{first.slug}/application/message"

    statuses = [post(client, thread, {"body": f"Answer {n}"}).status_code for n in range(ALLOWED)]
    refused = post(client, thread, {"body": "One too many"})
    others = post(
        logged_in(limited, primary_of(second).user), f"/centers/{second.slug}/application/message",
        {"body": "Our ministry signed."},
    )  # fmt: skip

    assert statuses == [302] * ALLOWED
    assert_the_429_page(refused)
    assert others.status_code == 302
    assert count(ApplicationMessage) == before + ALLOWED + 1


@pytest.mark.parametrize(
    "setting", ["INVITE_LIMIT_PER_USER", "JOIN_REQUEST_LIMIT_PER_USER", "APPLICATION_MESSAGE_LIMIT_PER_USER"]
)
def test_the_default_limits_are_counts_per_hour(setting):
    limit = parse(getattr(Defaults, setting))
    assert limit.get_expiry() == 3600 and 5 <= limit.amount <= 100
