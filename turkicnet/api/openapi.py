"""The OpenAPI 3.1 document of the API, built by apispec from the endpoints' declarations
(``http.operation``) and the very marshmallow schemas that validate their requests."""

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app
from flask_babel import gettext as _

from . import schemas
from .http import OPERATIONS, Operation, bp

_CONVERTER = re.compile(r"<(?:[a-z_]+:)?([a-z_]+)>")
_DESCRIPTIONS = {
    200: "OK",
    201: "Created",
    304: "Not modified (the ETag matched)",
    400: "A bad query parameter",
    401: "No valid bearer token",
    403: "Not allowed",
    404: "No such thing (or not for you)",
    409: "A conflict: someone saved it since, or it is not in a state for this",
    410: "Withdrawn",
    413: "Too large",
    422: "Invalid fields",
    429: "Too many requests: see Retry-After",
}
_ALWAYS = (401, 429)  # a bad token, a limit: any endpoint


def _path(rule: str) -> str:
    return _CONVERTER.sub(r"{\1}", rule)


def _parameters(rule) -> list[dict]:
    found = []
    for name in rule.arguments:
        converter = rule._converters[name]
        if "Integer" in type(converter).__name__:
            kind = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
        else:
            kind = {"type": "string", "maxLength": 200}
        found.append({"in": "path", "name": name, "required": True, "schema": kind})
    return found


def _operation(method: str, rule, op: Operation) -> dict:
    parameters = _parameters(rule)
    if op.args is not None:
        parameters.append({"in": "query", "schema": op.args})
    for name, description in op.headers.items():
        parameters.append(
            {"in": "header", "name": name, "schema": {"type": "string"}, "description": str(description)}
        )
    body = {"schema": op.response if op.response is not None else {"type": "string", "format": "binary"}}
    responses = {str(op.status): {"description": _DESCRIPTIONS[op.status], "content": {op.media: body}}}
    if method == "get":
        responses["304"] = {"description": _DESCRIPTIONS[304]}
    for status in sorted({*op.errors, *_ALWAYS}):
        responses[str(status)] = {
            "description": _DESCRIPTIONS[status],
            "content": {"application/problem+json": {"schema": "Problem"}},
        }
    if op.idempotent:
        responses["200"] = {
            "description": "Already posted with this Idempotency-Key",
            "content": {"application/json": {"schema": op.response}},
        }
    document = {
        "summary": str(op.summary),
        "tags": [op.tag],
        "operationId": rule.endpoint.split(".", 1)[1],
        "parameters": parameters,
        "responses": responses,
    }
    if op.body is not None:
        document["requestBody"] = {"required": True, "content": {op.body_media: {"schema": op.body}}}
    if op.scope == "write":
        document["security"] = [{"bearer": ["write"]}]
    else:
        document["security"] = [{}, {"bearer": ["read"]}]
    return document


def build_document() -> dict:
    """The API's OpenAPI document, as a dict (served at ``/api/v1/openapi.json``)."""
    spec = APISpec(
        title="TurkicNet API",
        version="1",
        openapi_version="3.1.0",
        plugins=[MarshmallowPlugin()],
        info={
            "description": _(
                "The directory of member centers, the thematic sections and reports, the cooperation "
                "protocol and its signature ledger. Public data needs no token; a bearer token sees "
                "what its holder may see, and a token with the “write” scope may post and change "
                "its center's reports. Lists are paged by a cursor: follow the “next” link."
            )
        },
        servers=[{"url": current_app.config["BASE_URL"].rstrip("/") + bp.url_prefix}],
    )
    spec.components.security_scheme(
        "bearer",
        {"type": "http", "scheme": "bearer", "description": _("A personal or a center's API token.")},
    )
    spec.components.schema("Problem", schema=schemas.Problem)
    rules = sorted(
        (rule for rule in current_app.url_map.iter_rules() if rule.endpoint.startswith(f"{bp.name}.")),
        key=lambda rule: rule.rule,
    )
    paths: dict[str, dict] = {}
    for rule in rules:
        op = OPERATIONS.get(rule.endpoint.split(".", 1)[1])
        if op is None:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(rule.rule, {})[method.lower()] = _operation(method.lower(), rule, op)
    for rule_path, operations in paths.items():
        spec.path(path=_path(rule_path.removeprefix(bp.url_prefix)), operations=operations)
    return spec.to_dict()
