"""Absolute links for e-mails, built from the configured base URL, never the Host header."""

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    adapter = current_app.url_map.bind("localhost")
    path = adapter.build(endpoint, values)
    return current_app.config["BASE_URL"].rstrip("/") + path
