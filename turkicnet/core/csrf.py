"""CSRF protection as the last gate of every request (audit F-03).

Flask-WTF's own check (``WTF_CSRF_CHECK_DEFAULT``) runs before everything else, so a
request without a token never met the gates a blueprint or a view applies, and the old
error handler re-ran the view without them. Here the check runs after the app's hooks (the
rate limiter, the session timeouts), after the blueprint's gates (the admin area's) and
after a view's login gate: whoever may not use a route gets that route's answer (to log in,
403), token or not, and no view ever runs outside the normal request flow.

A POST whose token is missing, expired or foreign is refused with 400 and never reaches
its view, except in a view marked :func:`keeps_typed_input`: that view runs, its form
fails on the token (:class:`~turkicnet.core.forms.Form` makes sure of it) and shows the
person what they typed with the reason next to it; the answer is 400 all the same, and a
unit of work that tries to commit in such a request raises :class:`ForgedWrite`.
"""

from collections.abc import Callable

from flask import Flask, current_app, g, request
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError

from ..extensions import csrf, login_manager

_REFUSED = "turkicnet_csrf_refused"
_READS_ONLY = "turkicnet_csrf_reads_only"
_LOGIN_GATE = login_required(lambda: None).__code__


class ForgedWrite(RuntimeError):
    """A request whose CSRF token was refused tried to commit a change (a programming error)."""


def keeps_typed_input(view: Callable) -> Callable:
    """Mark a view whose forms show what was typed again when the token is refused.

    Put it right under the route decorator, on a view that changes nothing unless its
    form validates.
    """
    view.keeps_typed_input = True
    return view


def reads_only(view: Callable) -> Callable:
    """Mark a view that answers POST as it answers GET, changing nothing: OAI-PMH lets a
    harvester send its request as a form, and a harvester has no token to send.

    Put it right under the route decorator. The POST is taken without its token, so a unit of
    work that tries to commit in it raises :class:`ForgedWrite`, as for a refused token.
    """
    view.reads_only = True
    return view


def refusal() -> str | None:
    """Why this request's CSRF token was refused; ``None`` when it was not."""
    return g.get(_REFUSED)


def check_no_forged_write() -> None:
    """Called before a unit of work commits: nothing is saved for a refused token."""
    if refusal() is not None:
        raise ForgedWrite(f"a change was about to be saved for a request without a valid token: {refusal()}")
    if g.get(_READS_ONLY):
        raise ForgedWrite("a change was about to be saved by a read-only view, whose POST has no token")


def _behind_login_gate(view: Callable) -> bool:
    while view is not None:
        if getattr(view, "__code__", None) is _LOGIN_GATE:
            return True
        view = getattr(view, "__wrapped__", None)
    return False


#: Blueprints that read no cookie at all (a bearer token says who asks): a forged
#: cross-site request carries no credential to them, so they need no CSRF token.
_BEARER_ONLY: set[str] = set()


def bearer_only(blueprint_name: str) -> None:
    """Exempt a blueprint that authenticates by bearer token only and ignores cookies."""
    _BEARER_ONLY.add(blueprint_name)


def _gate(scope: str | None) -> Callable[[], object]:
    def csrf_gate():
        if request.blueprint != scope or not current_app.config["WTF_CSRF_ENABLED"]:
            return None
        if scope in _BEARER_ONLY:
            return None
        if request.method not in current_app.config["WTF_CSRF_METHODS"] or request.endpoint is None:
            return None
        view = current_app.view_functions.get(request.endpoint)
        if getattr(view, "reads_only", False):
            # No token was checked, so nothing may be saved: a commit raises ForgedWrite.
            g.setdefault(_READS_ONLY, True)
            return None
        if view is not None and _behind_login_gate(view) and not current_user.is_authenticated:
            return login_manager.unauthorized()
        try:
            csrf.protect()
        except CSRFError as error:
            if not getattr(view, "keeps_typed_input", False):
                raise
            g.setdefault(_REFUSED, error.description)
        return None

    csrf_gate.__name__ = f"csrf_gate_{scope or 'app'}"
    return csrf_gate


def install(app: Flask) -> None:
    """Make the CSRF check the last ``before_request`` hook of every blueprint and of the
    app's own routes (call it once every feature has registered its blueprints)."""
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    scopes = {None, *(name for name in app.blueprints)}
    for scope in scopes:
        app.before_request_funcs.setdefault(scope, []).append(_gate(scope))

    @app.after_request
    def refused_forms_answer_400(response):
        if refusal() is not None and response.status_code < 300:
            response.status_code = 400
        return response
