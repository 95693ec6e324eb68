"""Fixtures for the outbox and the worker: a clock the test moves, mail queued by hand."""

from datetime import datetime, timedelta

import pytest

from turkicnet.core import mail, outbox, worker
from turkicnet.core.db import unit_of_work
from turkicnet.core.timeutil import utcnow


class Clock:
    """The time the outbox and the worker read; starts a little ahead of the real clock, so
    mail queued during the test (stamped with the real time) is already due."""

    def __init__(self) -> None:
        self.now: datetime = utcnow() + timedelta(minutes=5)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    moved = Clock()
    monkeypatch.setattr(outbox, "utcnow", moved)
    monkeypatch.setattr(worker, "utcnow", moved)
    return moved


@pytest.fixture
def queue_messages(app):
    """Queue ``count`` messages in one change; returns their outbox ids."""

    def queue(count: int = 1, *, to: str = "reader{n}@example.org") -> list[int]:
        with unit_of_work(unchecked="the test queues mail by hand"):
            messages = [
                mail.queue_mail(
                    to.format(n=n),
                    f"Message {n}",
                    "verify_email",
                    category="account",
                    verify_url=f"https://turkicnet.test/auth/verify/{n}",
                )
                for n in range(count)
            ]
        return [message.id for message in messages]

    return queue
