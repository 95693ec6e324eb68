"""The worker (``flask --app wsgi worker``): delivers the outbox and runs periodic jobs.

Each pass runs the registered jobs that are due, then sends the mail that is due
(:mod:`core.outbox`); when a pass found nothing to do the worker sleeps ``interval``
seconds. SIGTERM or SIGINT lets the message being sent finish, then the worker exits.

A job is registered by the feature that owns it (``register_job(name, every=…,
function=…)`` from its ``init_app``); ``worker_jobs`` holds one row per job with its next
run. A worker claims a due row with ``SELECT … FOR UPDATE SKIP LOCKED`` and runs the job
in that same transaction: rivals on other hosts skip the row while it runs, and the job's
changes and its new ``next_run_at`` commit together, or neither does. On SQLite (a single
writer) run one worker.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from .db import discard, unit_of_work
from .models import WorkerJob
from .outbox import deliver_due
from .timeutil import utcnow

log = logging.getLogger(__name__)

#: How soon a job that raised is tried again, unless its period is shorter.
RETRY_FAILED_JOB = timedelta(minutes=10)
#: Messages sent in one pass before the worker looks at its jobs again.
MAIL_PER_PASS = 200


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    function: Callable[[], object]


#: name → job; filled by the features' ``init_app``.
JOBS: dict[str, Job] = {}


def register_job(name: str, every: timedelta, function: Callable[[], object]) -> None:
    """Have the worker run ``function()`` every ``every``, on one worker at a time.

    The function changes state through the unit of work as a service does; it runs inside
    the worker's claim of the job, so its changes commit with the job's next run.
    """
    job = Job(name, every, function)
    if JOBS.get(name, job) != job:
        raise ValueError(f"worker job {name!r} is registered twice")
    JOBS[name] = job


class Stop:
    """Set by a signal handler, read by the loop; a flag, so a handler never takes a lock."""

    def __init__(self) -> None:
        self.requested = False

    def request(self, *_signal) -> None:
        self.requested = True

    def sleep(self, seconds: float) -> None:
        """Sleep up to ``seconds``, waking soon after a stop is requested."""
        end = time.monotonic() + seconds
        while not self.requested and (left := end - time.monotonic()) > 0:
            time.sleep(min(left, 0.2))


def _add_missing_job_rows() -> None:
    with unit_of_work(unchecked="the worker's own job bookkeeping"):
        known = set(db.session.scalars(select(WorkerJob.name)))
        missing = [{"name": name, "next_run_at": utcnow()} for name in JOBS if name not in known]
        if missing:
            dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
            # Two workers starting at once may both add a row: the second insert is ignored.
            db.session.execute(dialect.insert(WorkerJob).values(missing).on_conflict_do_nothing())


def _claim(name: str, now):
    query = select(WorkerJob).where(WorkerJob.name == name, WorkerJob.next_run_at <= now)
    return db.session.scalars(query.with_for_update(skip_locked=True)).first()


def run_job_if_due(job: Job) -> bool:
    """Run ``job`` if its row is due and no other worker holds it.

    :returns: whether it ran (and succeeded)
    """
    now = utcnow()
    try:
        with unit_of_work(unchecked="a periodic job of the worker"):
            row = _claim(job.name, now)
            if row is None:
                return False
            result = job.function()
            row.last_run_at = now
            row.next_run_at = now + job.every
            row.last_error = None
    except Exception as exc:
        log.exception("job %s failed", job.name)
        with unit_of_work(unchecked="the worker's own job bookkeeping"):
            row = _claim(job.name, utcnow())
            if row is not None:
                row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                row.next_run_at = utcnow() + min(job.every, RETRY_FAILED_JOB)
        return False
    log.info("job %s done (%s); next at %s", job.name, result, now + job.every)
    return True


def run_due_jobs() -> list[str]:
    """Run every registered job that is due; returns the names of those that ran."""
    _add_missing_job_rows()
    return [name for name, job in list(JOBS.items()) if run_job_if_due(job)]


def run_pass(stop: Stop, send=None) -> int:
    """One pass: due jobs, then due mail. Returns how much it did (jobs run, mail tried)."""
    ran = run_due_jobs()
    delivery = deliver_due(send=send, limit=MAIL_PER_PASS, should_stop=lambda: stop.requested)
    if delivery.attempted:
        log.info("mail: %s sent, %s failed (%s given up)", delivery.sent, delivery.failed, delivery.given_up)
    return len(ran) + delivery.attempted


def work(*, once: bool = False, interval: float = 5.0, stop: Stop | None = None, send=None) -> None:
    """Run passes until ``stop`` is requested (or once). A failed pass (the database away)
    is logged and tried again after ``interval``; with ``once`` it raises."""
    stop = stop or Stop()
    log.info("worker started%s", " for one pass" if once else f", idle interval {interval}s")
    while not stop.requested:
        try:
            busy = run_pass(stop, send)
        except Exception:
            if once:
                raise
            log.exception("worker pass failed; trying again in %ss", interval)
            busy = 0
        finally:
            discard()  # no transaction or connection held while idle
        if once:
            break
        if not busy:
            stop.sleep(interval)
    log.info("worker stopped")
