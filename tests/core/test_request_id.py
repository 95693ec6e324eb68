"""Each request has an id: the proxy's when it is a short token, else a fresh one; it comes back
as X-Request-ID and every log line written during the request carries it."""

import logging
import re

import pytest

from turkicnet.core.request_id import HEADER

log = logging.getLogger("turkicnet.tests.request_id")


def test_a_request_without_an_id_gets_a_fresh_one_in_the_response_header(client):
    first = client.get("/healthz").headers[HEADER]
    second = client.get("/healthz").headers[HEADER]

    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert re.fullmatch(r"[0-9a-f]{32}", second)
    assert first != second


@pytest.mark.parametrize("incoming", ["3f2b9c1e-7d4a-4e8b-9c0d-1a2b3c4d5e6f", "req.42_a-B", "x" * 64])
def test_a_valid_incoming_id_is_kept(client, incoming):
    assert client.get("/healthz", headers={HEADER: incoming}).headers[HEADER] == incoming


@pytest.mark.parametrize("incoming", ["", "x" * 65, "two words", "a\tb", "id;rm", "<script>", "é", "a/b"])
def test_an_invalid_incoming_id_is_replaced(client, incoming):
    sent = client.get("/healthz", headers={HEADER: incoming}).headers[HEADER]

    assert sent != incoming
    assert re.fullmatch(r"[0-9a-f]{32}", sent)


def test_the_header_is_on_pages_errors_and_redirects(client):
    for path, status in (("/", 200), ("/no-such-page", 404), ("/auth/profile", 302)):
        response = client.get(path)
        assert response.status_code == status, path
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers[HEADER]), path


def test_a_log_record_written_in_a_request_carries_its_id(make_app, caplog):
    app = make_app()

    @app.get("/logs-a-line")
    def logs_a_line():
        log.warning("a line from inside the request")
        return "ok"

    caplog.set_level(logging.WARNING, logger="turkicnet")
    response = app.test_client().get("/logs-a-line", headers={HEADER: "proxy-id-7"})
    log.warning("a line from outside any request")

    inside, outside = (record for record in caplog.records if record.name == log.name)
    assert response.headers[HEADER] == "proxy-id-7"
    assert inside.request_id == "proxy-id-7"
    assert outside.request_id == "-"
    assert "[proxy-id-7]" in logging.Formatter("%(levelname)s [%(request_id)s]: %(message)s").format(inside)


def test_an_unhandled_error_is_logged_and_answered_with_the_same_id(make_app, caplog):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/fails")
    def fails():
        raise RuntimeError("boom")

    caplog.set_level(logging.ERROR)
    response = app.test_client().get("/fails")

    assert response.status_code == 500
    errors = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert errors and all(record.request_id == response.headers[HEADER] for record in errors)
