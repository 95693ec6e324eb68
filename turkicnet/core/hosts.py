"""The answer to a request for a host the site does not serve (Flask's ``TRUSTED_HOSTS``).

Werkzeug refuses such a request before Flask can bind its URL adapter, so the site's 400
page could not build a link; this handler binds one to ``BASE_URL`` first, so the page is
the usual one and names no host but the site's own.
"""

from urllib.parse import urlsplit

from flask import Flask, current_app, render_template
from flask.globals import request_ctx
from werkzeug.exceptions import SecurityError


def _bind_to_base_url() -> None:
    base = urlsplit(current_app.config["BASE_URL"])
    request_ctx.url_adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )


def untrusted_host(error: SecurityError):
    if request_ctx.url_adapter is None:
        _bind_to_base_url()
    return render_template("errors/400.html", message=""), 400


def init_app(app: Flask) -> None:
    """Answer a refused Host with the site's 400 page."""
    app.register_error_handler(SecurityError, untrusted_host)
