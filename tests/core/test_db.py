"""The unit of work: nested services join one transaction; the outermost scope decides."""

import pytest

from turkicnet.core.db import UncheckedWrite, after_commit, on_rollback, unit_of_work
from turkicnet.core.errors import PermissionDenied, ValidationFailed
from turkicnet.core.models import OutboxMessage
from turkicnet.core.permissions import require
from turkicnet.extensions import db


def _rows() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(OutboxMessage.subject).order_by(OutboxMessage.id)))


def _committed() -> int:
    """Rows another connection sees: only what was committed."""
    with db.engine.connect() as connection:
        return connection.execute(db.select(db.func.count(OutboxMessage.id))).scalar()


def _add(subject="first"):
    db.session.add(OutboxMessage(recipient="someone@example.org", subject=subject, body=""))


def test_a_nested_scope_only_flushes_and_the_outermost_commits(app):
    with unit_of_work():
        require(True)
        with unit_of_work():
            require(True)
            _add()
        assert not db.session.new, "the inner scope flushed"
        assert _committed() == 0, "and did not commit"
    assert _committed() == 1
    assert _rows() == ["first"]


def test_an_error_in_a_nested_service_rolls_back_the_whole_change(app):
    with pytest.raises(ValidationFailed):
        with unit_of_work():
            require(True)
            _add("first")
            with unit_of_work():
                require(True)
                _add("second")
                raise ValidationFailed("title", "No title.")
    assert _rows() == []


def test_after_commit_runs_once_committed_and_on_rollback_only_on_failure(app):
    ran = []
    with unit_of_work():
        require(True)
        _add()
        after_commit(lambda: ran.append("committed"))
        on_rollback(lambda: ran.append("rolled back"))
        assert ran == []
    assert ran == ["committed"]

    with pytest.raises(RuntimeError):
        with unit_of_work():
            require(True)
            after_commit(lambda: ran.append("committed again"))
            on_rollback(lambda: ran.append("rolled back"))
            raise RuntimeError("the database went away")
    assert ran == ["committed", "rolled back"]


def test_a_change_with_no_permission_check_is_refused_in_tests(app):
    with pytest.raises(UncheckedWrite):
        with unit_of_work():
            _add()
    assert _rows() == []


def test_a_check_in_a_nested_service_counts_for_the_whole_change(app):
    with unit_of_work():
        _add()
        with unit_of_work():
            require(True)
    assert _rows() == ["first"]


def test_a_refused_check_raises_and_commits_nothing(app):
    with pytest.raises(PermissionDenied):
        with unit_of_work():
            _add()
            require(False, "No.")
    assert _rows() == []


def test_an_unchecked_change_says_why_and_commits(app):
    with unit_of_work(unchecked="the test writes a notice directly"):
        _add()
    assert _rows() == ["first"]


def test_a_check_made_before_one_change_does_not_cover_the_next(app):
    with unit_of_work():
        require(True)
        _add()
    with pytest.raises(UncheckedWrite):
        with unit_of_work():
            _add("second")
    assert _rows() == ["first"]


def test_production_does_not_run_the_check(make_app):
    app = make_app(TESTING=False)
    with app.app_context():
        with unit_of_work():
            _add()
        assert _rows() == ["first"]
        db.session.remove()


def test_a_nested_unchecked_scope_does_not_excuse_the_change_around_it(app):
    with pytest.raises(UncheckedWrite):
        with unit_of_work():
            _add()
            with unit_of_work(unchecked="a counter that anyone bumps"):
                _add("second")
    assert _rows() == []
