"""A request id: one per request, in ``g.request_id``, sent back as ``X-Request-ID`` and carried
by every log record written while the request runs (``%(request_id)s``; ``-`` outside one).

The proxy's id is kept when it is a short token, so one id follows a request from the proxy's
log through gunicorn's access log (``gunicorn.conf.py``) to the app's own lines; anything else
is replaced: a header is what anyone may send, and a log must not carry it raw.
"""

import logging
import re
import uuid

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler

HEADER = "X-Request-ID"
#: what an incoming id may be: a proxy's uuid, hex or dotted token, never spaces or line breaks
VALID_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
#: Flask's own handler (used when nothing else handles the app's loggers) names the id too
LOG_FORMAT = "[%(asctime)s] %(levelname)s %(name)s [%(request_id)s]: %(message)s"


def current_request_id() -> str:
    """This request's id, made on first use; ``-`` outside a request."""
    if not has_request_context():
        return "-"
    if "request_id" not in g:
        incoming = request.headers.get(HEADER, "")
        g.request_id = incoming if VALID_ID.fullmatch(incoming) else uuid.uuid4().hex
    return g.request_id


class RequestIdFilter(logging.Filter):
    """Sets ``record.request_id``; passes every record. For a handler an operator adds."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


def _install_record_factory() -> None:
    # A filter on a logger misses its children's records, and one on a handler misses the
    # handlers added later (gunicorn's, a test's): the record factory stamps every record.
    previous = logging.getLogRecordFactory()
    if getattr(previous, "stamps_request_id", False):
        return

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        record.request_id = current_request_id()
        return record

    factory.stamps_request_id = True
    logging.setLogRecordFactory(factory)


def install(app: Flask) -> None:
    """Give each request an id before any other hook, and send it back on every response."""
    _install_record_factory()
    default_handler.setFormatter(logging.Formatter(LOG_FORMAT))

    @app.before_request
    def assign_request_id():
        current_request_id()

    @app.after_request
    def send_request_id(response):
        response.headers[HEADER] = current_request_id()
        return response
