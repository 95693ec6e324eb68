"""Sessions end after 30 idle minutes and 8 hours after login, on the server (F-12).

The session records when its login happened and when it was last used; the tests move
those two stamps back through ``session_transaction`` (the cookie stays freshly signed, so
only the app's own check can end it). Remember-me lasts 14 days and is never given to
admins or to people who may sign for a center.
"""

import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.auth.test_security_controls import expires_in, set_cookies
from tests.conftest import PASSWORD, flashes, is_logged_in
from turkicnet.extensions import db

#: The session's stamps, in seconds since the epoch: the login, the last request.
LOGIN_AT, SEEN_AT = "_login_at", "_seen_at"
MINUTE, HOUR = 60, 3600


def log_in(client, user, remember=False):
    return client.post(
        "/auth/login", data={"email": user.email, "password": PASSWORD, "remember": "y" if remember else ""}
    )


def move_back(client, *, login_by=0, seen_by=0) -> None:
    """Make the session's login ``login_by`` seconds older and its last use ``seen_by``."""
    with client.session_transaction() as session:
        assert LOGIN_AT in session and SEEN_AT in session, "the login stamps the session"
        session[LOGIN_AT] -= login_by
        session[SEEN_AT] -= seen_by


def session_ended_on_the_way_to_login(client, path="/auth/profile") -> list[tuple[str, str]]:
    response = client.get(path)
    assert response.status_code == 302
    target = urlsplit(response.location)
    assert target.path == "/auth/login" and parse_qs(target.query) == {"next": [path]}
    return flashes(client.get(response.location).get_data(as_text=True))


@pytest.fixture
def user(make_user):
    return make_user()


def test_a_session_idle_for_31_minutes_ends_and_asks_to_log_in_again(app, user):
    client = app.test_client()
    log_in(client, user)
    move_back(client, login_by=31 * MINUTE, seen_by=31 * MINUTE)

    messages = session_ended_on_the_way_to_login(client)

    assert any("Your session ended" in message for _category, message in messages)
    assert not is_logged_in(client)


def test_a_session_used_within_30_minutes_stays_and_each_request_counts_as_use(app, user):
    client = app.test_client()
    log_in(client, user)
    move_back(client, login_by=29 * MINUTE, seen_by=29 * MINUTE)
    assert is_logged_in(client)

    move_back(client, login_by=29 * MINUTE, seen_by=29 * MINUTE)

    assert is_logged_in(client), "the request before reset the idle clock"


def test_an_active_session_ends_eight_hours_after_login(app, user):
    client = app.test_client()
    log_in(client, user)
    move_back(client, login_by=8 * HOUR + MINUTE, seen_by=MINUTE)

    messages = session_ended_on_the_way_to_login(client, "/notifications")

    assert any("Your session ended" in message for _category, message in messages)
    assert not is_logged_in(client)


def test_an_active_session_still_stands_just_before_eight_hours(app, user):
    client = app.test_client()
    log_in(client, user)
    move_back(client, login_by=8 * HOUR - MINUTE, seen_by=MINUTE)

    assert is_logged_in(client)


def test_a_session_without_a_login_time_is_not_honoured(app, user):
    client = app.test_client()
    with client.session_transaction() as forged:
        forged["_user_id"] = user.get_id()
        forged["_fresh"] = True

    assert not is_logged_in(client)


def test_the_session_cookie_lives_as_long_as_the_idle_timeout(app, user):
    cookie = set_cookies(log_in(app.test_client(), user))["session"]

    assert app.permanent_session_lifetime == timedelta(minutes=30)
    assert timedelta(minutes=29) < expires_in(cookie) <= timedelta(minutes=30)


# ---------------------------------------------------------------- remember-me


def test_remember_me_lasts_fourteen_days_and_renews_an_ordinary_users_session(app, user):
    client = app.test_client()
    cookie = set_cookies(log_in(client, user, remember=True))["remember_token"]
    assert timedelta(days=13, hours=23) < expires_in(cookie) <= timedelta(days=14)
    move_back(client, login_by=9 * HOUR, seen_by=9 * HOUR)

    assert is_logged_in(client), "the remember-me cookie starts a new session"
    with client.session_transaction() as session:
        assert time.time() - session[LOGIN_AT] < MINUTE


@pytest.mark.parametrize("who", ["admin", "signatory"])
def test_admins_and_signatories_are_not_remembered_even_with_the_box_ticked(app, request, who):
    person = request.getfixturevalue(who)
    client = app.test_client()

    response = log_in(client, person, remember=True)

    assert response.status_code == 302
    assert "remember_token" not in set_cookies(response)
    messages = flashes(client.get(response.location).get_data(as_text=True))
    assert ("info", "You were not kept logged in: administrators and people who may sign for a "
            "center log in each time.") in messages  # fmt: skip


def test_a_remember_me_cookie_stops_working_once_its_owner_may_sign(app, center, add_staff):
    from turkicnet.centers import services as centers
    from turkicnet.centers.models import Membership

    person = add_staff(center, "editor")
    client = app.test_client()
    stolen = set_cookies(log_in(client, person, remember=True))["remember_token"]["value"]
    membership = db.session.scalar(db.select(Membership).filter_by(user_id=person.id, center_id=center.id))
    inviter = next(m.user for m in center.memberships if m.is_primary)
    centers.change_staff(inviter, membership, role="editor", can_sign=True)
    db.session.commit()

    replay = app.test_client()
    replay.set_cookie("remember_token", stolen)
    answer = replay.get("/auth/profile")

    assert answer.status_code == 302
    assert "remember_token" in set_cookies(answer), "the app deletes the cookie it no longer honours"
    assert not is_logged_in(replay)


def test_the_login_page_says_who_is_not_kept_logged_in(client):
    page = client.get("/auth/login").get_data(as_text=True)

    assert "Keep me logged in on this computer for 14 days" in page
    assert "Not offered to administrators and to people who may sign for a center" in page


# ---------------------------------------------------------------- cookie names


def test_in_production_the_cookies_carry_the_host_prefix(make_app, production, user):
    production_app = make_app(**production)

    cookies = set_cookies(log_in(production_app.test_client(), user, remember=True))

    assert set(cookies) >= {"__Host-session", "__Host-remember"}
    for name in ("__Host-session", "__Host-remember"):
        assert cookies[name]["secure"] is True, name
        assert cookies[name]["path"] == "/" and "domain" not in cookies[name], name


def test_outside_production_the_cookies_keep_plain_names(app, user):
    assert set(set_cookies(log_in(app.test_client(), user, remember=True))) == {"session", "remember_token"}
