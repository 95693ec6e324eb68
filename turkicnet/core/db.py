"""The unit of work: one transaction for one change, however many services it calls.

Every service that changes state runs its body in ``with unit_of_work():``. The outermost
scope commits (or rolls back on an exception); a service called from inside another one
only flushes, so the caller's change and its own land together or not at all. Private
helpers raise; they never commit or roll back.

Mail queued in the transaction is an outbox row like any other change: committed with it
(and sent later by the worker), or forgotten on a rollback.

In tests (``TESTING``, or ``STRICT_PERMISSION_CHECKS``) the outermost commit refuses to
run unless a permission was checked with :func:`core.permissions.require` inside the
scope, or the scope says why it needs none: ``unit_of_work(unchecked="…")``.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..extensions import db
from .csrf import check_no_forged_write
from .errors import Conflict

_DEPTH = "turkicnet_uow_depth"
_CHECKED = "turkicnet_uow_checked"
_UNCHECKED = "turkicnet_uow_unchecked"
_AFTER_COMMIT = "turkicnet_uow_after_commit"
_ON_ROLLBACK = "turkicnet_uow_on_rollback"


class UncheckedWrite(RuntimeError):
    """A unit of work tried to commit without any permission check (a programming error)."""


def mark_permission_checked() -> None:
    """Called by ``require()``: the change now running was authorised."""
    db.session.info[_CHECKED] = True


def in_unit_of_work() -> bool:
    """Whether a unit of work is running (a service called now would join it)."""
    return db.session.info.get(_DEPTH, 0) > 0


def after_commit(callback) -> None:
    """Run ``callback()`` once the outermost unit of work has committed (never on rollback)."""
    db.session.info.setdefault(_AFTER_COMMIT, []).append(callback)


def on_rollback(callback) -> None:
    """Run ``callback()`` if the outermost unit of work rolls back (e.g. delete new files)."""
    db.session.info.setdefault(_ON_ROLLBACK, []).append(callback)


@contextmanager
def unit_of_work(*, unchecked: str = "") -> Iterator[Session]:
    """One transaction around a change; nested scopes join the outermost one.

    :param unchecked: why this change needs no permission check (registration, login, a
        download counter, a CLI or worker job). Say it, or call ``require()`` inside.
    :raises UncheckedWrite: in tests, when the scope commits with neither
    """
    session = db.session
    info = session.info
    depth = info.get(_DEPTH, 0)
    if depth == 0:
        info[_CHECKED] = False
        info[_UNCHECKED] = ""
    if unchecked and depth == 0:
        # Only the outermost scope may say a change needs no check: a nested service
        # that needs none does not excuse the change around it.
        info[_UNCHECKED] = unchecked
    info[_DEPTH] = depth + 1
    try:
        yield session
        if depth == 0:
            _check_authorised(info)
            check_no_forged_write()
            session.commit()
        else:
            session.flush()
    except StaleDataError as error:
        # A row with a version counter (a report, a center) was saved by someone else
        # between this change's read and its write: nothing is written, the person is told.
        if depth == 0:
            _roll_back(session)
            raise Conflict(_("Someone else changed this at the same moment. Nothing was saved: "
                             "look at it again and retry.")) from error  # fmt: skip
        raise
    except BaseException:
        if depth == 0:
            _roll_back(session)
        raise
    finally:
        info[_DEPTH] = depth
    if depth == 0:
        callbacks = info.pop(_AFTER_COMMIT, [])
        info.pop(_ON_ROLLBACK, None)
        for callback in callbacks:
            callback()


def _check_authorised(info: dict) -> None:
    strict = current_app.config.get("STRICT_PERMISSION_CHECKS", current_app.testing)
    if strict and not info.get(_CHECKED) and not info.get(_UNCHECKED):
        raise UncheckedWrite(
            "a unit of work committed without require(); check a permission inside it, "
            "or say why none is needed with unit_of_work(unchecked=...)"
        )


def commit_apart(*rows) -> None:
    """Commit ``rows`` on a session of their own, leaving the request's session as it is:
    for a record that must outlive the change it is about, which was rolled back (the audit
    event of a refusal)."""
    with Session(db.engine) as session:
        session.add_all(rows)
        session.commit()


def discard() -> None:
    """Throw away whatever the session holds after an error that no unit of work caught
    (the 500 handler, a failed health check), so the next use starts clean; the worker
    also ends each pass with it, to hold no read transaction while it sleeps."""
    _roll_back(db.session)


def _roll_back(session: Session) -> None:
    info = session.info
    callbacks = info.pop(_ON_ROLLBACK, [])
    info.pop(_AFTER_COMMIT, None)
    session.rollback()
    for callback in callbacks:
        callback()
