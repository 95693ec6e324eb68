"""What a person gets when the database is busy or unavailable: a calm 503 that keeps their input.

The error handler (``core/setup.py``) rolls the session back, then answers with
:func:`unavailable_response`; the failing view is not run again. A browser gets a page in
the site's layout. For a POST, the page carries the fields that were sent (not passwords,
the CSRF token or files) in a form that posts them again to the same URL with a fresh CSRF
token, the typed text editable, so nothing is lost. A client that asks for JSON gets RFC 9457
``application/problem+json``. Both say when to try again (``Retry-After``).

While that page is drawn nothing reads the database: the layout leaves out the person's
menu, and the locale comes from the browser.
"""

import re
from dataclasses import dataclass

from flask import current_app, g, has_app_context, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from .problems import speaks_problems

RETRY_AFTER_SECONDS = 5
PROBLEM_TYPE = "tag:turkicnet.org,2026:database-unavailable"
_FLAG = "database_unavailable"
_JSON_TYPES = ("application/json", "application/problem+json")
#: Values a form carries for itself (ids, checkboxes, version counters, fingerprints) rather
#: than text a person typed: they ride along hidden.
_CARRIED = re.compile(r"-?\d+|y|on|true|false|[0-9a-f]{32,}", re.IGNORECASE)
_LONG_LINE = 80


@dataclass(frozen=True)
class RetryField:
    name: str
    value: str
    #: "hidden", "line" (an input) or "text" (a textarea)
    kind: str

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").strip().capitalize()


@dataclass(frozen=True)
class RetryForm:
    action: str
    multipart: bool
    csrf_name: str
    csrf_token: str
    fields: list[RetryField]
    #: the request carried files, which cannot be sent again from this page
    files_left_out: bool

    @property
    def visible_fields(self) -> list[RetryField]:
        return [field for field in self.fields if field.kind != "hidden"]


def database_unavailable() -> bool:
    """Whether the response being made is about an unavailable database (read no user then)."""
    return has_app_context() and bool(g.get(_FLAG))


def wants_json() -> bool:
    """A client that sent JSON, or prefers JSON to HTML, is answered in JSON (and every
    request under a path that speaks problem+json)."""
    if request.is_json or speaks_problems():
        return True
    best = request.accept_mimetypes.best_match(("text/html", *_JSON_TYPES))
    return best in _JSON_TYPES


def retry_form() -> RetryForm | None:
    """The fields of the POST that failed, to be sent again; ``None`` for any other request."""
    if request.method != "POST":
        return None
    csrf_name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    fields = []
    for name in request.form:
        if name == csrf_name or "password" in name.lower():
            continue
        values = request.form.getlist(name)
        for value in values:
            fields.append(RetryField(name, value, _kind(name, value, repeated=len(values) > 1)))
    return RetryForm(
        action=_same_url(),
        multipart=(request.mimetype == "multipart/form-data"),
        csrf_name=csrf_name,
        csrf_token=generate_csrf() if current_app.config.get("WTF_CSRF_ENABLED", True) else "",
        fields=fields,
        files_left_out=any(upload.filename for _name, upload in request.files.items(multi=True)),
    )


def _same_url() -> str:
    """This request's path and query, to send it again."""
    url = request.script_root + request.path
    return url + "?" + request.query_string.decode("latin-1") if request.query_string else url


def _kind(name: str, value: str, *, repeated: bool) -> str:
    if repeated or name == "next" or not value.strip() or _CARRIED.fullmatch(value.strip()):
        return "hidden"
    return "text" if "\n" in value or len(value) > _LONG_LINE else "line"


def unavailable_response():
    """The 503 answer, as a page in the site's layout or as problem+json."""
    setattr(g, _FLAG, True)
    detail = _("The database is busy or unavailable; nothing was saved; try again in a moment.")
    if wants_json():
        problem = {
            "type": PROBLEM_TYPE,
            "title": _("The database is busy or unavailable"),
            "status": 503,
            "detail": detail,
        }
        response = jsonify(problem)
        response.mimetype = "application/problem+json"
    else:
        response = current_app.make_response(
            render_template("errors/503.html", retry=retry_form(), again=_same_url())
        )
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
