"""The production shape: gunicorn.conf.py as gunicorn itself reads it, and ProxyFix only behind
the proxies TURKICNET_PROXY_FIX names."""

import multiprocessing
from pathlib import Path

import pytest
from flask import request
from gunicorn.app.base import Application

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


class _ConfigOnly(Application):
    """gunicorn's own application loading, with the config file and no command line."""

    def init(self, parser, opts, args):
        return None

    def load_config(self):
        self.load_config_from_file(str(CONF))

    def load(self):
        raise AssertionError("only the configuration is read here")


def _gunicorn_config(monkeypatch, **environ):
    for name in ("WEB_CONCURRENCY", "BIND", "PORT", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return _ConfigOnly().cfg


def test_gunicorn_reads_the_file_with_workers_from_the_cpu_count(monkeypatch):
    cfg = _gunicorn_config(monkeypatch)

    assert cfg.workers == multiprocessing.cpu_count() * 2 + 1
    assert cfg.bind == ["127.0.0.1:8000"]
    assert (cfg.timeout, cfg.graceful_timeout, cfg.keepalive) == (30, 30, 5)
    assert cfg.max_requests == 1000 and cfg.max_requests_jitter == 100
    assert cfg.accesslog == "-" and cfg.errorlog == "-"
    assert cfg.control_socket_disable
    assert "%({x-request-id}o)s" in cfg.access_log_format
    assert "%(M)s" in cfg.access_log_format


def test_web_concurrency_sets_the_workers_and_bind_or_port_the_address(monkeypatch):
    assert _gunicorn_config(monkeypatch, WEB_CONCURRENCY="3").workers == 3
    assert _gunicorn_config(monkeypatch, BIND="unix:/run/turkicnet.sock").bind == ["unix:/run/turkicnet.sock"]
    assert _gunicorn_config(monkeypatch, PORT="5000").bind == ["0.0.0.0:5000"]


def test_the_access_line_names_the_request_id_and_the_time(monkeypatch):
    from datetime import timedelta

    from gunicorn.glogging import Logger

    cfg = _gunicorn_config(monkeypatch)
    response = type(
        "R",
        (),
        {
            "status": "200 OK",
            "response_length": 12,
            "sent": 12,
            "headers": [("Content-Type", "text/html"), ("X-Request-ID", "abc123")],
        },
    )()
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/", "SERVER_PROTOCOL": "HTTP/1.1",
               "REMOTE_ADDR": "10.0.0.1"}  # fmt: skip
    atoms = Logger(cfg).atoms(response, [], environ, timedelta(milliseconds=42))

    line = cfg.access_log_format % atoms
    assert "request_id=abc123" in line
    assert "42ms" in line


def _remote_addr_route(app):
    @app.get("/remote-addr")
    def remote_addr():
        return f"{request.remote_addr} {request.scheme}"

    return app.test_client()


def test_without_proxy_hops_forwarded_headers_are_ignored(make_app):
    client = _remote_addr_route(make_app())

    answer = client.get(
        "/remote-addr", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    )

    assert answer.text == "127.0.0.1 http"


# The client 198.51.100.4 reached the first proxy over HTTPS; with two, the first (203.0.113.9)
# reached the second over HTTP, and each proxy appended what it saw.
@pytest.mark.parametrize(
    ("hops", "forwarded_for", "forwarded_proto", "expected"),
    [
        (1, "198.51.100.4", "https", "198.51.100.4"),
        (2, "198.51.100.4, 203.0.113.9", "https, http", "198.51.100.4"),
        (1, "6.6.6.6, 198.51.100.4", "https", "198.51.100.4"),  # a forged first entry is not believed
    ],
)
def test_behind_proxies_the_address_is_the_one_the_trusted_proxy_saw(
    make_app, hops, forwarded_for, forwarded_proto, expected
):
    client = _remote_addr_route(make_app(PROXY_FIX=hops))

    answer = client.get(
        "/remote-addr", headers={"X-Forwarded-For": forwarded_for, "X-Forwarded-Proto": forwarded_proto}
    )

    assert answer.text == f"{expected} https"
