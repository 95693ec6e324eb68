"""Sessions really end: copied cookies, other devices, password changes, deactivation.

Each test first shows that the cookie or the second client *did* work, so that a refusal
afterwards proves the session was ended rather than never started.
"""

import time

import pytest

from tests.conftest import PASSWORD, is_logged_in, outbox_links, path_of
from turkicnet.auth import services

NEW_PASSWORD = "copper kettle harbour 91 willow"


def log_in(client, user, password=PASSWORD, remember=False):
    response = client.post(
        "/auth/login", data={"email": user.email, "password": password, "remember": "y" if remember else ""}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def copy_cookie(source, target, name: str) -> None:
    cookie = source.get_cookie(name)
    assert cookie is not None, f"{name} cookie was not set"
    target.set_cookie(name, cookie.value)


@pytest.fixture
def user(make_user):
    return make_user()


def test_a_copied_session_cookie_no_longer_works_after_logout(app, user):
    browser, thief = app.test_client(), app.test_client()
    log_in(browser, user)
    copy_cookie(browser, thief, "session")
    assert is_logged_in(thief), "the copied cookie works while the session stands"

    browser.post("/auth/logout")

    assert not is_logged_in(browser)
    fresh_thief = app.test_client()
    copy_cookie(thief, fresh_thief, "session")
    assert not is_logged_in(fresh_thief)


def test_a_copied_remember_me_cookie_no_longer_works_after_logout(app, user):
    browser = log_in(app.test_client(), user, remember=True)
    stolen = browser.get_cookie("remember_token").value
    before = app.test_client()
    before.set_cookie("remember_token", stolen)
    assert is_logged_in(before), "the remember-me cookie alone logs in while the session stands"

    browser.post("/auth/logout")

    assert browser.get_cookie("remember_token") is None, "logout deletes the remember-me cookie"
    after = app.test_client()
    after.set_cookie("remember_token", stolen)
    assert not is_logged_in(after)


def test_replaying_both_cookies_together_after_logout_does_not_authenticate(app, user):
    browser = log_in(app.test_client(), user, remember=True)
    session_cookie = browser.get_cookie("session").value
    remember_cookie = browser.get_cookie("remember_token").value

    browser.post("/auth/logout")

    replay = app.test_client()
    replay.set_cookie("session", session_cookie)
    replay.set_cookie("remember_token", remember_cookie)
    assert not is_logged_in(replay)


def test_logging_out_ends_the_users_sessions_on_other_devices_too(app, user):
    laptop, phone = log_in(app.test_client(), user), log_in(app.test_client(), user)

    laptop.post("/auth/logout")

    assert not is_logged_in(phone)
    assert is_logged_in(log_in(phone, user)), "logging in again works"


def test_logout_by_one_user_does_not_touch_another_users_session(app, user, make_user):
    other = make_user()
    mine, theirs = log_in(app.test_client(), user), log_in(app.test_client(), other)

    mine.post("/auth/logout")

    assert is_logged_in(theirs)


def test_changing_the_password_ends_other_sessions_and_keeps_the_current_one(app, user):
    current, other = log_in(app.test_client(), user), log_in(app.test_client(), user, remember=True)
    assert is_logged_in(other)
    remember_cookie = other.get_cookie("remember_token").value

    response = current.post(
        "/auth/profile/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert is_logged_in(current)
    assert not is_logged_in(other)
    replay = app.test_client()
    replay.set_cookie("remember_token", remember_cookie)
    assert not is_logged_in(replay)


def test_a_password_reset_ends_every_session(app, user):
    logged_in = log_in(app.test_client(), user, remember=True)
    resetter = app.test_client()
    resetter.post("/auth/reset", data={"email": user.email})
    [link] = [link for link in outbox_links(app, user.email) if "/auth/reset/" in link]

    assert resetter.post(path_of(link), data={"password": NEW_PASSWORD}).status_code == 302

    assert not is_logged_in(logged_in)


def test_a_password_reset_from_a_logged_in_browser_logs_that_browser_out(app, user):
    browser = log_in(app.test_client(), user, remember=True)
    browser.post("/auth/reset", data={"email": user.email})
    [link] = [link for link in outbox_links(app, user.email) if "/auth/reset/" in link]

    browser.post(path_of(link), data={"password": NEW_PASSWORD})

    assert browser.get_cookie("remember_token") is None, "the stale remember-me cookie is deleted"
    assert not is_logged_in(browser)
    assert is_logged_in(log_in(browser, user, password=NEW_PASSWORD))


def test_deactivation_by_an_admin_ends_the_users_sessions_at_once(app, user, admin):
    browser = log_in(app.test_client(), user, remember=True)
    remember_cookie = browser.get_cookie("remember_token").value
    assert is_logged_in(browser)

    services.set_user_active(admin, user, active=False, reason="Left the institute.")

    assert not is_logged_in(browser)
    replay = app.test_client()
    replay.set_cookie("remember_token", remember_cookie)
    assert not is_logged_in(replay)


def test_reactivation_does_not_bring_old_sessions_back(app, user, admin):
    browser = log_in(app.test_client(), user)
    services.set_user_active(admin, user, active=False)
    services.set_user_active(admin, user, active=True)

    assert not is_logged_in(browser)
    assert is_logged_in(log_in(browser, user))


def test_login_starts_a_fresh_session_without_anything_planted_before(app, user):
    browser = app.test_client()
    with browser.session_transaction() as planted:
        planted["planted"] = "by someone else"
        planted["_user_id"] = "999:1"

    log_in(browser, user)

    with browser.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == user.get_id()


def test_a_session_for_a_stale_generation_is_refused(app, user):
    browser = app.test_client()
    with browser.session_transaction() as forged:
        forged["_user_id"] = f"{user.id}:{user.session_generation + 1}"
        forged["_fresh"] = True
        forged["_login_at"] = forged["_seen_at"] = int(time.time())  # as a login stamps it
    assert not is_logged_in(browser), "a generation that was never issued"

    with browser.session_transaction() as session:
        session["_user_id"] = user.get_id()
    assert is_logged_in(browser), "the standing generation works (the cookie is signed by the app)"


def test_a_replayed_cookie_with_a_forged_forwarding_header_is_refused_by_the_apps_own_checks(app, user):
    """Flask-Login's session protection reads X-Forwarded-For, so it is no boundary: the
    generation and the login stamps are (checklist 13)."""
    browser = log_in(app.test_client(), user)
    stolen = browser.get_cookie("session").value
    browser.post("/auth/logout")

    replay = app.test_client()
    replay.set_cookie("session", stolen)
    response = replay.get("/auth/profile", headers={"X-Forwarded-For": "127.0.0.1"})

    assert response.status_code == 302 and response.location.startswith("/auth/login")
