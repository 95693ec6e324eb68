"""``/api/v1/openapi.json`` and ``/api/docs``: the API's document, and the same document
rendered on the server as a page people read (no script, the site's strict CSP kept)."""

import re

from flask import Blueprint, current_app, render_template
from markupsafe import Markup, escape

from . import openapi
from .http import bp as api_bp

docs_bp = Blueprint("api_docs", __name__, url_prefix="/api")


@api_bp.get("/openapi.json")
def openapi_document():
    response = current_app.json.response(openapi.build_document())
    response.add_etag()
    return response


_TICKS = re.compile(r"`([^`]+)`")


def _prose(text: str | None) -> Markup:
    """A description from the document, its `code` spans as code (everything else escaped)."""
    parts = _TICKS.split(text or "")  # odd places hold what was between backticks
    code = Markup("<code>{}</code>")
    return Markup("").join(code.format(part) if odd % 2 else escape(part) for odd, part in enumerate(parts))


def _schema_name(reference: str) -> str:
    return reference.rsplit("/", 1)[-1]


@docs_bp.get("/docs")
def docs():
    document = openapi.build_document()
    return render_template(
        "api/docs.html",
        document=document,
        schemas=document.get("components", {}).get("schemas", {}),
        schema_name=_schema_name,
        prose=_prose,
    )
