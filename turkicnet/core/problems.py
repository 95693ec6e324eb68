"""Errors as ``application/problem+json`` (RFC 9457), for the paths that speak JSON.

A feature that answers in JSON registers its prefix (:func:`answer_problems_under`); every
error under it — a service's refusal, an unknown address, a rate limit, a busy database —
is then a problem document instead of a page in the site's layout, with the same status.
"""

from flask import current_app, has_request_context, request
from flask_babel import lazy_gettext as _l

MEDIA_TYPE = "application/problem+json"

_prefixes: set[str] = set()

#: The problem titles, one per status: a short summary that does not change between
#: occurrences (RFC 9457 §3.1.4); ``detail`` says what happened this time.
TITLES = {
    400: _l("Bad request"),
    401: _l("Authentication required"),
    403: _l("Forbidden"),
    404: _l("Not found"),
    405: _l("Method not allowed"),
    406: _l("Not acceptable"),
    409: _l("Conflict"),
    410: _l("Gone"),
    412: _l("Precondition failed"),
    413: _l("Content too large"),
    415: _l("Unsupported media type"),
    422: _l("Unprocessable content"),
    428: _l("Precondition required"),
    429: _l("Too many requests"),
    500: _l("Internal server error"),
    503: _l("Service unavailable"),
}


def answer_problems_under(prefix: str) -> None:
    """Answer every error under ``prefix`` (``"/api/"``) as problem+json (from ``init_app``)."""
    _prefixes.add(prefix)


def speaks_problems() -> bool:
    """Whether this request's errors are problem documents."""
    return has_request_context() and any(request.path.startswith(prefix) for prefix in _prefixes)


def problem(status: int, detail: str = "", *, headers: dict | None = None, **members):
    """A problem+json response: ``type`` is ``about:blank`` (the status says it all) unless
    ``members`` gives one; extension members (``errors``, ``parameter``…) are added as given."""
    body = {"type": "about:blank", "title": str(TITLES.get(status, status)), "status": status}
    if detail:
        body["detail"] = str(detail)
    body.update(members)
    response = current_app.json.response(body)
    response.status_code = status
    response.mimetype = MEDIA_TYPE
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


__all__ = ["MEDIA_TYPE", "answer_problems_under", "problem", "speaks_problems"]
