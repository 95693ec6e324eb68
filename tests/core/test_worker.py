"""The worker: periodic jobs run when due, once across workers; ``flask worker`` through the
CLI; a signal lets the message being sent finish."""

import logging
import os
import signal
import threading
import time
from datetime import timedelta

import pytest

from turkicnet.core import mail, worker
from turkicnet.core.db import unit_of_work
from turkicnet.core.models import OutboxMessage, WorkerJob
from turkicnet.extensions import db


@pytest.fixture
def jobs(monkeypatch) -> dict:
    """A job registry of the test's own (the app's jobs are not run)."""
    monkeypatch.setattr(worker, "JOBS", {})
    return worker.JOBS


def _unsent() -> list[int]:
    db.session.expire_all()
    query = db.select(OutboxMessage.id).where(OutboxMessage.sent_at.is_(None)).order_by(OutboxMessage.id)
    return list(db.session.scalars(query))


def test_the_app_registers_the_prune_job_once_however_often_it_is_built(app, make_app):
    make_app()
    assert worker.JOBS["mail.prune_sent"].every == timedelta(hours=6)
    with pytest.raises(ValueError, match="registered twice"):
        worker.register_job("mail.prune_sent", every=timedelta(hours=1), function=lambda: None)


def test_a_job_runs_at_the_first_pass_then_when_due_and_not_before(app, clock, jobs):
    runs = []
    worker.register_job("test.count", every=timedelta(hours=1), function=lambda: runs.append(clock.now))
    start = clock.now
    assert worker.run_due_jobs() == ["test.count"]
    assert worker.run_due_jobs() == []
    clock.advance(minutes=59, seconds=59)
    assert worker.run_due_jobs() == []
    clock.advance(seconds=1)
    assert worker.run_due_jobs() == ["test.count"]
    assert runs == [start, start + timedelta(hours=1)]
    job = db.session.get(WorkerJob, "test.count")
    assert (job.last_run_at, job.next_run_at, job.last_error) == (
        runs[-1],
        runs[-1] + timedelta(hours=1),
        None,
    )


def test_a_failing_job_changes_nothing_records_why_and_is_tried_again_ten_minutes_later(
    app, clock, jobs, caplog
):
    calls = []

    def flaky():
        calls.append(clock.now)
        with unit_of_work(unchecked="the test's job"):
            mail.queue_mail(
                "digest@example.org", "Digest", "verify_email", category="account", verify_url="x"
            )
            if len(calls) == 1:
                raise RuntimeError("the digest could not be built")

    worker.register_job("test.flaky", every=timedelta(days=1), function=flaky)
    assert worker.run_due_jobs() == []
    assert "job test.flaky failed" in caplog.text
    assert _unsent() == [], "the failed run's mail was rolled back with it"
    job = db.session.get(WorkerJob, "test.flaky")
    assert job.last_error == "RuntimeError: the digest could not be built"
    assert (job.last_run_at, job.next_run_at) == (None, clock.now + timedelta(minutes=10))

    clock.advance(minutes=10)
    assert worker.run_due_jobs() == ["test.flaky"]
    assert len(_unsent()) == 1
    db.session.expire_all()
    job = db.session.get(WorkerJob, "test.flaky")
    assert (job.last_error, job.next_run_at) == (None, clock.now + timedelta(days=1))


def test_two_workers_run_a_due_job_only_once(app, jobs):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("workers race only on PostgreSQL (SQLite has a single writer: run one worker)")
    runs = []

    def slow_job():
        runs.append(threading.get_ident())
        time.sleep(0.5)  # still running while the other worker looks

    worker.register_job("test.once", every=timedelta(hours=1), function=slow_job)
    barrier = threading.Barrier(2)
    ran = []

    def one_worker():
        with app.app_context():
            try:
                barrier.wait()
                ran.append(worker.run_due_jobs())  # both also add the job's row at once
            finally:
                db.session.remove()

    threads = [threading.Thread(target=one_worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(runs) == 1
    assert sorted(ran) == [[], ["test.once"]]


def test_worker_once_sends_the_due_mail_runs_the_due_jobs_and_exits(
    app, runner, queue_messages, caplog, tmp_path
):
    caplog.set_level(logging.INFO, logger="turkicnet")
    message_ids = queue_messages(2)
    result = runner.invoke(args=["worker", "--once"])
    assert (result.exit_code, result.output.strip()) == (0, "The worker stopped.")
    assert _unsent() == []
    assert sorted(int(path.stem) for path in (tmp_path / "mail").glob("*.eml")) == message_ids
    assert db.session.get(WorkerJob, "mail.prune_sent").last_run_at is not None
    assert "mail: 2 sent, 0 failed (0 given up)" in caplog.text
    assert "job mail.prune_sent done" in caplog.text


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_lets_the_message_being_sent_finish_and_the_worker_exits_cleanly(
    app, runner, queue_messages, monkeypatch, signal_number
):
    first, *rest = queue_messages(3)
    write_file = mail.transport()
    sent = []

    def signalled_while_sending(envelope):
        if sent:
            raise KeyboardInterrupt("the worker went on after the signal")
        os.kill(os.getpid(), signal_number)
        time.sleep(0.05)  # the handler has run; the send goes on
        write_file(envelope)
        sent.append(envelope.id)

    monkeypatch.setattr(mail, "transport", lambda: signalled_while_sending)
    before = signal.getsignal(signal_number)
    result = runner.invoke(args=["worker", "--interval", "60"])
    assert (result.exit_code, result.output.strip()) == (0, "The worker stopped."), result.exception
    assert sent == [first]
    assert _unsent() == rest
    assert signal.getsignal(signal_number) is before, "the handlers it installed are gone again"


def test_mail_status_counts_the_outbox_and_names_the_failed_messages(app, clock, runner, queue_messages):
    app.config["MAIL_MAX_ATTEMPTS"] = 1
    queue_messages()
    from turkicnet.core.outbox import deliver_due

    deliver_due(send=lambda envelope: None)
    [failed] = queue_messages(to="gone{n}@example.org")

    def refused(envelope):
        raise ConnectionRefusedError("refused")

    deliver_due(send=refused)
    queue_messages(2)
    result = runner.invoke(args=["mail", "status"])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "Waiting 2 (retrying 0, being sent 0), failed 1, sent 1.",
        f"  failed: #{failed} to gone0@example.org after 1 attempt: ConnectionRefusedError: refused",
    ]
