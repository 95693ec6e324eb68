"""Delivering the outbox: claims with a lease, retries with backoff, giving up, pruning;
and two workers on one outbox sending each message once (PostgreSQL)."""

import threading
import time
from datetime import timedelta

import pytest

from turkicnet.core import outbox
from turkicnet.core.models import OutboxMessage, WorkerJob
from turkicnet.core.worker import run_due_jobs
from turkicnet.extensions import db


def _message(message_id: int) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def _refused(envelope) -> None:
    raise ConnectionRefusedError("connection refused")


def test_the_wait_between_attempts_doubles_from_a_minute_up_to_four_hours(app):
    minutes = [outbox.retry_delay(attempts) / timedelta(minutes=1) for attempts in (1, 2, 3, 4, 8, 9, 12)]
    assert minutes == [1, 2, 4, 8, 128, 240, 240]


def test_a_failing_message_is_retried_ever_later_then_marked_failed_and_left_alone(
    app, clock, queue_messages
):
    app.config["MAIL_MAX_ATTEMPTS"] = 4
    [message_id] = queue_messages()
    waits = []
    for attempt in (1, 2, 3):
        done = outbox.deliver_due(send=_refused)
        assert (done.sent, done.failed, done.given_up) == (0, 1, 0)
        message = _message(message_id)
        assert (message.attempts, message.sent_at, message.failed_at) == (attempt, None, None)
        assert message.last_error == "ConnectionRefusedError: connection refused"
        assert message.claimed_until is None
        waits.append(message.next_attempt_at - clock.now)
        clock.advance(seconds=(message.next_attempt_at - clock.now).total_seconds() - 1)
        assert outbox.deliver_due(send=_refused).attempted == 0, "not tried before its time"
        clock.advance(seconds=1)
    assert waits == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]

    done = outbox.deliver_due(send=_refused)
    assert (done.failed, done.given_up) == (1, 1)
    message = _message(message_id)
    assert (message.attempts, message.failed_at, message.next_attempt_at) == (4, clock.now, None)
    assert message.sent_at is None and "refused" in message.last_error

    clock.advance(days=30)
    assert outbox.deliver_due(send=_refused).attempted == 0, "a failed message is no longer tried"
    status = outbox.outbox_status()
    assert (status.waiting, status.failed, status.sent) == (0, 1, 0)


def test_mail_retry_gives_a_failed_message_its_attempts_back(app, clock, queue_messages):
    app.config["MAIL_MAX_ATTEMPTS"] = 1
    [message_id] = queue_messages()
    assert outbox.deliver_due(send=_refused).given_up == 1
    assert outbox.retry_now() == 1
    message = _message(message_id)
    assert (message.failed_at, message.attempts) == (None, 0)
    sent = []
    assert outbox.deliver_due(send=sent.append).sent == 1
    assert [envelope.id for envelope in sent] == [message_id]
    assert _message(message_id).sent_at == clock.now


def test_a_message_whose_worker_died_is_taken_again_once_its_lease_runs_out(app, clock, queue_messages):
    [message_id] = queue_messages()
    lost = outbox.claim_next()  # this worker dies before it sends
    assert lost.id == message_id
    assert outbox.claim_next() is None, "no other worker takes a message that is held"
    assert outbox.outbox_status().sending == 1

    clock.advance(seconds=app.config["MAIL_CLAIM_SECONDS"] - 1)
    assert outbox.claim_next() is None
    clock.advance(seconds=1)
    sent = []
    assert outbox.deliver_due(send=sent.append).sent == 1
    assert [envelope.id for envelope in sent] == [message_id]
    message = _message(message_id)
    assert (message.attempts, message.sent_at, message.claimed_until) == (2, clock.now, None)

    # The dead worker, back after all, cannot undo what the other one recorded.
    assert outbox.record_failure(lost, "TimeoutError: timed out") is False
    message = _message(message_id)
    assert (message.sent_at, message.last_error) == (clock.now, None)


def test_a_lease_that_runs_out_after_the_last_attempt_marks_the_message_failed(app, clock, queue_messages):
    app.config["MAIL_MAX_ATTEMPTS"] = 1
    [message_id] = queue_messages()
    assert outbox.claim_next().id == message_id
    clock.advance(seconds=app.config["MAIL_CLAIM_SECONDS"])
    assert outbox.claim_next() is None
    message = _message(message_id)
    assert (message.failed_at, message.last_error) == (clock.now, "the last attempt never finished")


def test_the_prune_job_deletes_mail_sent_long_ago_and_keeps_the_rest(app, clock, queue_messages):
    app.config["MAIL_MAX_ATTEMPTS"] = 1
    [old] = queue_messages()
    outbox.deliver_due(send=lambda envelope: None)
    clock.advance(days=app.config["MAIL_KEEP_SENT_DAYS"], seconds=1)
    [recent] = queue_messages()
    outbox.deliver_due(send=lambda envelope: None)
    [failed] = queue_messages()
    outbox.deliver_due(send=_refused)
    [waiting] = queue_messages()

    assert "mail.prune_sent" in run_due_jobs()
    db.session.expire_all()
    assert set(db.session.scalars(db.select(OutboxMessage.id))) == {recent, failed, waiting}
    assert old not in set(db.session.scalars(db.select(OutboxMessage.id)))
    job = db.session.get(WorkerJob, "mail.prune_sent")
    assert (job.last_run_at, job.next_run_at) == (clock.now, clock.now + timedelta(hours=6))


def test_two_workers_delivering_one_outbox_send_each_message_exactly_once(app, queue_messages):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("workers race only on PostgreSQL (SQLite has a single writer: run one worker)")
    message_ids = queue_messages(40)
    sends: list[tuple[str, int]] = []
    done = {}
    barrier = threading.Barrier(2)

    def deliver(worker_name: str) -> None:
        def slow_send(envelope) -> None:
            time.sleep(0.02)  # a mail server taking its time, so the workers overlap
            sends.append((worker_name, envelope.id))

        with app.app_context():
            try:
                barrier.wait()
                done[worker_name] = outbox.deliver_due(send=slow_send)
            finally:
                db.session.remove()

    workers = [threading.Thread(target=deliver, args=(name,)) for name in ("first", "second")]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=60)
    assert sorted(message_id for _, message_id in sends) == sorted(message_ids), "each message exactly once"
    assert {name: report.sent for name, report in done.items()} == {
        name: sum(1 for sender, _ in sends if sender == name) for name in ("first", "second")
    }
    assert all(report.sent for report in done.values()), "both workers took part"
    db.session.expire_all()
    rows = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.id.in_(message_ids))).all()
    assert {(row.attempts, row.sent_at is not None, row.claimed_until) for row in rows} == {(1, True, None)}


def test_a_send_is_noted_even_when_the_database_is_busy_for_a_moment(app, queue_messages, monkeypatch):
    """The mail server has the message: losing the note would send it again after the claim."""
    from sqlalchemy.exc import OperationalError

    [message_id] = queue_messages()
    real_record_sent, calls = outbox.record_sent, []

    def busy_once(envelope):
        calls.append(envelope.id)
        if len(calls) == 1:
            raise OperationalError("UPDATE outbox_messages", {}, Exception("database is locked"))
        real_record_sent(envelope)

    monkeypatch.setattr(outbox, "record_sent", busy_once)
    monkeypatch.setattr(outbox.time, "sleep", lambda seconds: None)
    sent = []
    done = outbox.deliver_due(send=sent.append)
    assert (done.sent, len(sent), calls) == (1, 1, [message_id, message_id])
    assert _message(message_id).sent_at is not None


def test_an_app_whose_claim_would_not_outlast_a_send_refuses_to_start(make_app):
    with pytest.raises(RuntimeError, match="MAIL_CLAIM_SECONDS must be at least 8"):
        make_app(MAIL_TIMEOUT=60, MAIL_CLAIM_SECONDS=300)
