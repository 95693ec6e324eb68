"""Absolute links — in e-mails, feeds, exports, JSON — built from the configured base URL,
never from the request's Host header (which anyone can set, and a cache may keep)."""

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    """The absolute URL of ``endpoint`` under ``BASE_URL`` (also a template global)."""
    adapter = current_app.url_map.bind("localhost")
    path = adapter.build(endpoint, values)
    return current_app.config["BASE_URL"].rstrip("/") + path
