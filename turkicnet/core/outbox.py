"""Delivering the outbox: claim a due message, send it outside any transaction, record how
it went.

Several workers on several hosts may deliver at once on PostgreSQL. Each claims one message
with ``SELECT … FOR UPDATE SKIP LOCKED`` in a short transaction that counts the attempt and
sets a lease (``claimed_until``); rivals skip the locked row and, once the claim commits,
no longer see it as due. The worker sends with no transaction open, then records the
outcome in another one. A worker that dies mid-send loses the message when its lease runs
out, and another takes it (so a message can be sent twice only when a worker dies after the
mail server took it and before the worker wrote that down). SQLite has a single writer: run
one worker there; the claim is the same.

A failure is retried after ``MAIL_RETRY_FIRST_SECONDS``, doubling each time up to
``MAIL_RETRY_MAX_SECONDS``; after ``MAIL_MAX_ATTEMPTS`` the message is marked failed
(``failed_at``), is no longer tried, and shows in ``flask mail status`` until
``flask mail retry`` puts it back.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, delete, func, or_, select, update
from sqlalchemy.exc import OperationalError

from ..extensions import db
from . import mail
from .db import unit_of_work
from .mail import Envelope
from .models import OutboxMessage
from .timeutil import utcnow

log = logging.getLogger(__name__)

_BOOKKEEPING = "the outbox's own delivery bookkeeping"


@dataclass
class Delivery:
    """What one delivery run did."""

    sent: int = 0
    failed: int = 0  # attempts that failed, retried later or given up
    given_up: int = 0  # of those, messages now marked failed

    @property
    def attempted(self) -> int:
        return self.sent + self.failed


@dataclass(frozen=True)
class OutboxStatus:
    waiting: int  # not sent and still to be tried
    retrying: int  # of those, tried before and failed
    sending: int  # of those, claimed by a worker right now
    failed: int  # given up: tried MAIL_MAX_ATTEMPTS times
    sent: int


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: 1, 2, 4 … minutes, capped."""
    config = current_app.config
    seconds = config["MAIL_RETRY_FIRST_SECONDS"] * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, config["MAIL_RETRY_MAX_SECONDS"]))


def _due(now: datetime):
    return (
        select(OutboxMessage)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )


def _give_up(message: OutboxMessage, now: datetime) -> None:
    message.failed_at = now
    message.next_attempt_at = None
    message.claimed_until = None
    log.error("mail %s: gave up after %s attempts: %s", message.id, message.attempts, message.last_error)


def claim_next() -> Envelope | None:
    """Take the oldest due message for this worker (lease set, attempt counted), or ``None``.

    A message whose lease ran out after its last allowed attempt (its worker died while
    sending) is marked failed instead of claimed.
    """
    config = current_app.config
    while True:
        now = utcnow()
        with unit_of_work(unchecked=_BOOKKEEPING):
            message = db.session.scalars(_due(now)).first()
            if message is None:
                return None
            if message.attempts >= config["MAIL_MAX_ATTEMPTS"]:
                message.last_error = message.last_error or "the last attempt never finished"
                _give_up(message, now)
                continue
            message.attempts += 1
            message.claimed_until = now + timedelta(seconds=config["MAIL_CLAIM_SECONDS"])
            return Envelope.of(message)


def _claimed(envelope: Envelope) -> OutboxMessage | None:
    return db.session.get(OutboxMessage, envelope.id, with_for_update=True, populate_existing=True)


def record_sent(envelope: Envelope) -> None:
    """Note that the mail server took ``envelope``."""
    with unit_of_work(unchecked=_BOOKKEEPING):
        message = _claimed(envelope)
        if message is None:
            return
        message.sent_at = message.sent_at or utcnow()
        message.last_error = None
        message.claimed_until = None
        message.next_attempt_at = None


def _note_sent(envelope: Envelope, tries: int = 5) -> None:
    """:func:`record_sent`, tried again while the database is busy: the mail server has the
    message, and a note lost here would have it sent again once the claim runs out."""
    for attempt in range(tries):
        try:
            record_sent(envelope)
            return
        except OperationalError:
            if attempt == tries - 1:
                raise
            log.warning("mail %s was sent but could not be noted yet; trying again", envelope.id)
            time.sleep(2**attempt)


def record_failure(envelope: Envelope, error: str) -> bool:
    """Note a failed attempt: schedule the retry, or give up after the last attempt.

    :returns: whether the message was given up
    """
    with unit_of_work(unchecked=_BOOKKEEPING):
        message = _claimed(envelope)
        if message is None or message.sent_at is not None:
            return False  # another worker sent it once this one's lease had run out
        now = utcnow()
        message.last_error = error[:2000]
        message.claimed_until = None
        if message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
            _give_up(message, now)
            return True
        message.next_attempt_at = now + retry_delay(message.attempts)
        log.warning(
            "mail %s: attempt %s failed (%s), next at %s",
            message.id,
            message.attempts,
            error,
            message.next_attempt_at,
        )
        return False


def deliver_due(
    *, send: Callable[[Envelope], None] | None = None, limit: int | None = None, should_stop=lambda: False
) -> Delivery:
    """Claim and send due messages one by one until none is due, ``limit`` were tried, or
    ``should_stop()`` says so; the message being sent is always finished first."""
    send = send or mail.transport()
    done = Delivery()
    while (limit is None or done.attempted < limit) and not should_stop():
        envelope = claim_next()
        if envelope is None:
            break
        try:
            send(envelope)
        except Exception as exc:  # noqa: BLE001 - any transport failure is retried later
            done.failed += 1
            done.given_up += record_failure(envelope, f"{type(exc).__name__}: {exc}")
        else:
            _note_sent(envelope)
            done.sent += 1
            log.info("mail %s sent", envelope.id)
    return done


def outbox_status() -> OutboxStatus:
    """Count the outbox's messages by state."""
    now = utcnow()
    unsent = OutboxMessage.sent_at.is_(None)
    waiting = unsent & OutboxMessage.failed_at.is_(None)
    held = OutboxMessage.claimed_until > now
    not_held = or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now)

    def count(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    row = db.session.execute(
        select(
            count(waiting),
            count(waiting & (OutboxMessage.attempts > 0) & not_held),
            count(waiting & held),
            count(unsent & OutboxMessage.failed_at.is_not(None)),
            count(OutboxMessage.sent_at.is_not(None)),
        )
    ).one()
    return OutboxStatus(*(int(value) for value in row))


def failed_messages(limit: int = 20) -> list[OutboxMessage]:
    """The messages given up on, newest first."""
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_not(None))
        .order_by(OutboxMessage.failed_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def retry_now() -> int:
    """Make every unsent message due at once; failed ones start their attempts again
    (after the mail server is fixed).

    :returns: how many messages are due now
    """
    with unit_of_work(unchecked="a command-line job of the operator"):
        result = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None))
            .values(
                next_attempt_at=utcnow(),
                failed_at=None,
                attempts=case((OutboxMessage.failed_at.is_not(None), 0), else_=OutboxMessage.attempts),
            )
            .execution_options(synchronize_session=False)
        )
        return result.rowcount


def prune_sent() -> int:
    """Delete messages sent more than ``MAIL_KEEP_SENT_DAYS`` ago (a worker job).

    :returns: how many were deleted
    """
    cutoff = utcnow() - timedelta(days=current_app.config["MAIL_KEEP_SENT_DAYS"])
    with unit_of_work(unchecked="a periodic job of the worker"):
        result = db.session.execute(
            delete(OutboxMessage)
            .where(OutboxMessage.sent_at < cutoff)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount
