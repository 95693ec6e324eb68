"""Audit F-04: with a mail server that never answers, a reset or a registration still
answers at once, for a known address as for an unknown one; the worker meets the stalled
server, and its timeout turns into a retry."""

import socket
import threading
import time

import pytest

from tests.conftest import PASSWORD
from turkicnet.auth import services
from turkicnet.core.models import OutboxMessage
from turkicnet.core.outbox import deliver_due
from turkicnet.core.timeutil import utcnow
from turkicnet.extensions import db


@pytest.fixture
def stalled_smtp():
    """A TCP server that accepts connections and never says a word; yields (port, accepted)."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def hold_every_connection():
        while not stop.is_set():
            try:
                connection, _address = server.accept()
            except TimeoutError:
                continue
            accepted.append(connection)

    thread = threading.Thread(target=hold_every_connection, daemon=True)
    thread.start()
    yield server.getsockname()[1], accepted
    stop.set()
    thread.join(timeout=5)
    for connection in accepted:
        connection.close()
    server.close()


def _timed(client, path: str, data: dict) -> float:
    started = time.perf_counter()
    response = client.post(path, data=data)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return elapsed


def _registration(email: str) -> dict:
    return {
        "email": email,
        "full_name": "Aigerim Sultanova",
        "position": "Analyst",
        "preferred_language": "en",
        "password": PASSWORD,
    }


def test_reset_and_registration_answer_at_once_for_known_and_unknown_addresses_with_smtp_stalled(
    make_app, stalled_smtp
):
    port, accepted = stalled_smtp
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False, MAIL_TIMEOUT=0.3)
    with app.app_context():
        services.register_user(
            email="known@example.org", full_name="Known Person", position="", password=PASSWORD
        )
        client = app.test_client()
        timings = {
            "reset, known": _timed(client, "/auth/reset", {"email": "known@example.org"}),
            "reset, unknown": _timed(client, "/auth/reset", {"email": "nobody@example.org"}),
            "register, existing": _timed(client, "/auth/register", _registration("known@example.org")),
            "register, new": _timed(client, "/auth/register", _registration("new@example.org")),
        }
        assert max(timings.values()) < 1.0, timings
        assert accepted == [], "no request spoke to the mail server"

        # The worker meets the stalled server: each attempt times out and is retried later.
        done = deliver_due()
        assert (done.sent, done.failed, done.given_up) == (0, 4, 0)
        deadline = time.monotonic() + 5
        while not accepted and time.monotonic() < deadline:
            time.sleep(0.05)  # the accepting thread may lag behind the kernel's handshake
        assert accepted, "the worker did connect"
        db.session.expire_all()
        messages = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [m.recipient for m in messages] == ["known@example.org"] * 3 + ["new@example.org"]
        now = utcnow()
        for message in messages:
            assert (message.sent_at, message.attempts, message.failed_at) == (None, 1, None)
            assert message.next_attempt_at > now
            assert "timed out" in message.last_error
        db.session.remove()
