"""How long a login lasts, enforced on the server: idle and absolute timeouts, remember-me.

A session records when its login happened and when it was last used (seconds since the
epoch). Flask-Login asks :func:`load_user` for the user behind a session on each request;
past ``SESSION_IDLE_TIMEOUT`` without a request, or ``SESSION_ABSOLUTE_TIMEOUT`` after the
login, the session is emptied and the person is sent to log in again
(:func:`send_ended_sessions_to_login`). The cookie's own lifetime (Flask's
``PERMANENT_SESSION_LIFETIME``) is the idle timeout too, but a cookie can be copied: this
check is the boundary.

A remember-me cookie (``REMEMBER_COOKIE_DURATION``) starts a new session when the old one
has ended, so for the people who have one the absolute timeout is the cookie's lifetime. It
is never given to admins, nor to anyone a feature says may not keep one (the centers
feature: people who may sign for a center), and such a person's cookie is refused and
deleted if one reaches the app.
"""

import time
from collections.abc import Callable

from flask import current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login.utils import decode_cookie

from . import services
from .models import User

LOGIN_AT, SEEN_AT = "_login_at", "_seen_at"
_ENDED = "turkicnet_session_ended"
#: Pages a person whose session ended may still reach without being sent to log in.
_OPEN_ENDPOINTS = {"static", "auth.login", "auth.logout", "core.healthz", "core.asset"}

_remember_refusals: set[Callable[[User], bool]] = set()


def refuse_remember_me_for(predicate: Callable[[User], bool]) -> None:
    """Register a rule that says a user must log in each time (called from ``init_app``)."""
    _remember_refusals.add(predicate)


def may_be_remembered(user: User) -> bool:
    """Whether ``user`` may stay logged in with a remember-me cookie."""
    return not user.is_admin and not any(refuses(user) for refuses in _remember_refusals)


def now() -> int:
    return int(time.time())


def start() -> None:
    """Stamp a session that a login has just begun (after ``login_user``)."""
    session[LOGIN_AT] = session[SEEN_AT] = now()
    session.permanent = True


def _ended_because(stamps: tuple[int, int], moment: int) -> str | None:
    login_at, seen_at = stamps
    config = current_app.config
    if moment - seen_at > config["SESSION_IDLE_TIMEOUT"]:
        return "idle"
    if moment - login_at > config["SESSION_ABSOLUTE_TIMEOUT"]:
        return "absolute"
    return None


def _from_remember_cookie(session_id: str) -> bool:
    """Whether Flask-Login is restoring ``session_id`` from the request's remember-me cookie."""
    cookie = request.cookies.get(current_app.config["REMEMBER_COOKIE_NAME"])
    return cookie is not None and decode_cookie(cookie) == session_id


def _restore(session_id: str) -> User | None:
    user = services.load_session_user(session_id)
    if user is None or not may_be_remembered(user):
        session.pop("_user_id", None)
        session.pop("_fresh", None)
        session["_remember"] = "clear"  # Flask-Login deletes the cookie with the response
        return None
    start()
    return user


def load_user(session_id: str) -> User | None:
    """Flask-Login's user loader: the user of a standing, timely session, or ``None``."""
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if login_at is None or seen_at is None:
        # Not a session a login started here: only a remember-me cookie may begin one.
        return _restore(session_id) if _from_remember_cookie(session_id) else None
    moment = now()
    reason = _ended_because((login_at, seen_at), moment)
    if reason is not None:
        session.clear()  # Flask-Login tries the remember-me cookie next, if there is one
        g.setdefault(_ENDED, reason)
        return None
    user = services.load_session_user(session_id)
    if user is not None:
        session[SEEN_AT] = moment
    return user


def _ended_message(reason: str) -> str:
    if reason == "idle":
        minutes = current_app.config["SESSION_IDLE_TIMEOUT"] // 60
        return _(
            "Your session ended after %(minutes)d minutes without activity. Please log in again.",
            minutes=minutes,
        )
    hours = current_app.config["SESSION_ABSOLUTE_TIMEOUT"] // 3600
    return _("Your session ended: a login lasts at most %(hours)d hours. Please log in again.", hours=hours)


def send_ended_sessions_to_login():
    """A ``before_request`` hook: whoever's session just ended is told so and sent to log in."""
    if current_user.is_authenticated or _ENDED not in g:
        return None
    flash(_ended_message(g.pop(_ENDED)), "info")
    if request.endpoint in _OPEN_ENDPOINTS:
        return None
    query = request.query_string.decode("utf-8", "replace")
    return redirect(url_for("auth.login", next=request.path + (f"?{query}" if query else "")))
