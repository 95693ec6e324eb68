"""Small helpers for views: safe redirects, CSV downloads, JSON in a page and putting service errors
on forms."""

import csv
import io
import json
from collections.abc import Iterable
from urllib.parse import urlsplit

from flask import Response, redirect, request, stream_with_context, url_for
from markupsafe import Markup

from .errors import ValidationFailed
from .forms import note_failed_form


def is_safe_next(target: str | None) -> bool:
    """Only a path on this site: one leading slash, no scheme, host or backslash."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def redirect_next(default_endpoint: str, **values):
    target = request.form.get("next") or request.args.get("next")
    if is_safe_next(target):
        return redirect(target)
    return redirect(url_for(default_endpoint, **values))


#: What a spreadsheet program may take as the start of a formula (OWASP, CSV injection).
_FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """A CSV cell that spreadsheet programs will not read as a formula: a leading quote makes
    a cell that starts with one of ``_FORMULA_LEADS`` text."""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_LEADS) else text


def csv_stream(header: list[str], rows: Iterable[Iterable], filename: str, *, chunk: int = 16384) -> Response:
    """The CSV download, sent as it is written: UTF-8 with a byte-order mark (so spreadsheet
    programs read it as UTF-8), CRLF line ends, every cell of ``rows`` through
    :func:`spreadsheet_safe`, in chunks of about ``chunk`` characters; ``rows`` is read inside
    the request's context."""

    def generate():
        out = io.StringIO()
        writer = csv.writer(out)
        out.write("\ufeff")
        writer.writerow(header)
        for row in rows:
            writer.writerow([spreadsheet_safe(value) for value in row])
            if out.tell() >= chunk:
                yield out.getvalue().encode("utf-8")
                out.seek(0)
                out.truncate()
        yield out.getvalue().encode("utf-8")

    return Response(
        stream_with_context(generate()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def attach_error(form, error: ValidationFailed) -> None:
    """Show a service's ``ValidationFailed`` next to its field (or at the form's top)."""
    note_failed_form()
    field = getattr(form, error.field, None)
    if field is not None:
        field.errors = [*(field.errors or []), error.message]
    else:
        form.form_errors.append(error.message)


_SCRIPT_UNSAFE = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def script_json(data) -> Markup:
    """``data`` as JSON to put inside a ``<script type="application/ld+json">``: ``<``, ``>`` and
    ``&`` become ``\\u003c``… (the same string to a JSON reader), so no value can close the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True).translate(_SCRIPT_UNSAFE)
    return Markup(text)  # noqa: S704 - nothing left in it can end the script element
