"""How every API request is met: who asks (a bearer token, never a cookie), its limits,
its parameters, and the JSON it gets back (ETag, caching, CORS, keyset links).

Each endpoint is declared with :func:`operation`, which validates the query string and
the body with the endpoint's schemas before the view runs and records what
``openapi.py`` needs to document it.
"""

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import wraps

from flask import Blueprint, current_app, g, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from marshmallow import Schema, ValidationError

from ..centers.services import authenticate_bearer
from ..core.pagination import Slice
from ..core.permissions import ANONYMOUS, current_viewer, use_viewer_for_request
from ..core.problems import problem
from ..core.urls import external_url
from ..extensions import limiter
from ..protocol.standing import viewer_for_token

bp = Blueprint("api", __name__, url_prefix="/api/v1")

_GRANT = "turkicnet_api_grant"
_REFUSED = "turkicnet_api_refused"


# ---------------------------------------------------------------- who asks


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, credential = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return credential.strip()


def identify_caller() -> None:
    """Before anything else reads a user: the API's caller is the bearer token's viewer, or
    no one. The session cookie is never read, so a browser's login means nothing here."""
    if request.blueprint != bp.name:
        return
    raw = _bearer()
    token = authenticate_bearer(raw) if raw else None
    if raw is not None and token is None:
        g.setdefault(_REFUSED, True)
    setattr(g, _GRANT, token)
    use_viewer_for_request(viewer_for_token(token) if token is not None else ANONYMOUS)


def rate_key() -> str:
    """Each valid token counts on its own (no one else can send it); every other caller,
    made-up tokens included, counts by address (:func:`identify_caller` ran first)."""
    granted = token()
    if granted is not None:
        return f"api-token:{granted.id}"
    return "api-address:" + get_remote_address()


def _rate_limit() -> str:
    config = current_app.config
    return config["API_RATE_LIMIT_TOKEN"] if token() is not None else config["API_RATE_LIMIT_ANONYMOUS"]


def token():
    """The token of this request, when a valid one came."""
    return g.get(_GRANT)


def unauthorized(detail):
    return problem(401, detail, headers={"WWW-Authenticate": 'Bearer realm="TurkicNet API"'})


@bp.before_request
def refuse_bad_tokens():
    # A token that does not work is said so, even on a public read: a pipeline whose token
    # expired should learn it now, not after reading less than it thinks.
    if g.get(_REFUSED):
        return unauthorized(_("The bearer token is unknown, revoked or expired."))
    return None


# ---------------------------------------------------------------- declaring endpoints


@dataclass
class Operation:
    """What the OpenAPI document says of one endpoint."""

    summary: str
    tag: str
    args: type[Schema] | None = None  # the query string's
    body: type[Schema] | None = None
    body_media: str = "application/json"
    response: type[Schema] | None = None
    media: str = "application/json"  # what a success answers with
    status: int = 200
    scope: str = ""  # "", or "write": a token with that scope is required
    errors: tuple[int, ...] = ()
    headers: dict = field(default_factory=dict)
    idempotent: bool = False  # a retry with the same Idempotency-Key answers 200


def _errors_of(error: ValidationError, place: str) -> list[dict]:
    messages = error.normalized_messages()
    found = []
    for name, problems_of in messages.items():
        text = "; ".join(_flatten(problems_of))
        found.append({place: name, "message": text})
    return found


def _flatten(messages) -> list[str]:
    if isinstance(messages, dict):
        return [f"{key}: {m}" for key, value in messages.items() for m in _flatten(value)]
    if isinstance(messages, list):
        return [m for item in messages for m in _flatten(item)]
    return [str(messages)]


def _load_query(schema: type[Schema]):
    try:
        return schema().load(request.args.to_dict(flat=True))
    except ValidationError as error:
        return problem(400, _("A query parameter is not valid."), errors=_errors_of(error, "parameter"))


def _load_body(op: Operation):
    if op.body_media == "multipart/form-data":
        sent = [part for part in request.files.getlist("file") if part.filename]
        try:
            op.body().load({"file": sent[0]} if sent else {})
        except ValidationError as error:
            return problem(422, _("Some fields are not valid."), errors=_errors_of(error, "field"))
        return {"files": sent}
    try:
        payload = request.get_json(silent=True)
    except RecursionError:  # nested deeper than any report is
        payload = None
    if not isinstance(payload, dict):
        return problem(400, _("Send a JSON object as the request body (Content-Type: application/json)."))
    try:
        return op.body().load(payload)
    except ValidationError as error:
        return problem(422, _("Some fields are not valid."), errors=_errors_of(error, "field"))


#: Each endpoint's declaration, by view name (the endpoint is ``api.<view name>``).
OPERATIONS: dict[str, Operation] = {}


def operation(**declared) -> Callable:
    """Declare an endpoint: its query and body schemas are applied before the view runs
    (the view gets them as ``query=`` and ``body=``), and the OpenAPI document describes it."""
    op = Operation(**declared)

    def wrap(view):
        @wraps(view)
        def run(**values):
            if op.scope == "write":
                refused = _refuse_without_write()
                if refused is not None:
                    return refused
            if op.args is not None:
                loaded = _load_query(op.args)
                if not isinstance(loaded, dict):
                    return loaded
                values["query"] = loaded
            if op.body is not None:
                loaded = _load_body(op)
                if not isinstance(loaded, dict):
                    return loaded
                values["body"] = loaded
            return view(**values)

        OPERATIONS[view.__name__] = op
        return run

    return wrap


def _refuse_without_write():
    granted = token()
    if granted is None:
        return unauthorized(_("This endpoint needs a bearer token with the “write” scope."))
    if "write" not in getattr(caller(), "token_scopes", ()):
        return problem(403, _("This token may only read: make one with the “write” scope to change reports."))
    return None


# ---------------------------------------------------------------- answers


def respond(schema: type[Schema], obj, *, status: int = 200, headers: dict | None = None):
    """``obj`` dumped by ``schema`` as JSON, with an ETag (and a 304 for a match)."""
    response = current_app.json.response(schema().dump(obj))
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    if request.method in ("GET", "HEAD") and status == 200:
        response.add_etag()
        response.make_conditional(request)
    return response


def encode_cursor(key: tuple) -> str:
    parts = [part.isoformat() if isinstance(part, date) else part for part in key]
    raw = json.dumps(parts, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _storable(text: str) -> bool:
    """Text a database column can hold: no NUL, no lone surrogate."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


class BadCursor(Exception):
    """A ``cursor`` parameter this API never gave (answered by :func:`bad_cursor`)."""


def decode_cursor(cursor: str | None, kinds: tuple[type, ...]) -> tuple | None:
    """The key a ``cursor`` stands for, checked against the list's key ``kinds``
    (``(date, int)``): ``None`` for no cursor, :class:`BadCursor` for one this API never made."""
    if not cursor:
        return None
    try:
        parts = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(parts, list) or len(parts) != len(kinds):
            raise BadCursor
        key = []
        for part, kind in zip(parts, kinds, strict=True):
            if kind is date:
                key.append(date.fromisoformat(part))
            elif kind is int and type(part) is int and abs(part) < 2**62:
                key.append(part)
            elif kind is str and isinstance(part, str) and _storable(part):
                key.append(part)
            else:
                raise BadCursor
        return tuple(key)
    except (BadCursor, ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise BadCursor from None


@bp.errorhandler(BadCursor)
def bad_cursor(_error=None):
    return problem(
        400,
        _("The cursor is not one this API gave: start again from the first page."),
        errors=[{"parameter": "cursor", "message": str(_l("Not a cursor of this list."))}],
    )


def respond_all(schema: type[Schema], items: list):
    """A list short enough to give whole (countries, sections, a report's shares)."""
    return respond(schema, {"items": items, "total": len(items), "total_exact": True, "next": None})


def respond_list(schema: type[Schema], page: Slice, *, endpoint: str, query: dict, **values):
    """A page of a list, with its capped total and the next page's URL in the body and in
    the ``Link`` header."""
    next_url = None
    if page.next_key is not None:
        args = {k: v for k, v in query.items() if k != "cursor" and v not in (None, "")}
        next_url = external_url(endpoint, **values, **args, cursor=encode_cursor(page.next_key))
    body = {"items": page.items, "total": page.total, "total_exact": page.total_exact, "next": next_url}
    headers = {"Link": f'<{next_url}>; rel="next"'} if next_url else {}
    return respond(schema, body, headers=headers)


@bp.after_request
def api_headers(response):
    response.vary.add("Authorization")
    if request.method in ("GET", "HEAD", "OPTIONS"):
        # Reads may come from any site's scripts: no cookie is read here, so a page elsewhere
        # gets only what its own token (or no token) may see. Writes allow no other origin.
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = "ETag, Link, Retry-After"
        if token() is None:
            response.headers.setdefault("Cache-Control", "public, max-age=60")
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Authorization, If-None-Match"
        response.headers["Access-Control-Max-Age"] = "600"
    return response


def install(app) -> None:
    """Register the blueprint with its caller hook first of all, and its rate limit."""
    limiter.limit(_rate_limit, key_func=rate_key)(bp)
    app.register_blueprint(bp)
    # First of the app's hooks: the session hooks must find the caller already decided.
    app.before_request_funcs.setdefault(None, []).insert(0, identify_caller)


def caller():
    """Who asks (the token's viewer, or anonymous)."""
    return current_viewer()
