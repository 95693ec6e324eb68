"""A database that fails in the middle of a decision on an application leaves it undecided."""

import pytest
from sqlalchemy.exc import OperationalError

from tests.conftest import row_counts, stored_uploads
from turkicnet.centers import services
from turkicnet.centers.models import Center, CenterStatus
from turkicnet.extensions import db
from turkicnet.protocol.services import verify_ledger


@pytest.mark.parametrize(
    "statement",
    [
        r"^UPDATE centers",
        r"^INSERT INTO application_messages",
        r"^INSERT INTO notifications",
        r"^INSERT INTO outbox_messages",
        r"^INSERT INTO audit_events",
    ],
)
def test_a_database_error_while_approving_leaves_the_application_pending(
    app, admin, make_center, database_fault, statement
):
    center = make_center(status="pending")
    before, uploads = row_counts(), stored_uploads(app)
    with database_fault(statement) as refused, pytest.raises(OperationalError):
        services.approve_center(admin, center, note="Welcome.")
    assert refused
    db.session.expire_all()
    assert row_counts() == before
    assert stored_uploads(app) == uploads
    assert verify_ledger().ok
    assert db.session.get(Center, center.id).status is CenterStatus.PENDING
    # The database is back: the same decision goes through, once.
    services.approve_center(admin, db.session.get(Center, center.id), note="Welcome.")
    assert db.session.get(Center, center.id).status is CenterStatus.APPROVED


def test_a_decision_meeting_a_save_made_at_the_same_moment_is_a_conflict_not_a_500(app, admin, center):
    from sqlalchemy import text

    from turkicnet.core.errors import Conflict

    # The focal point's save lands between the admin's read of the center and the write.
    bump = text("UPDATE centers SET lock_version = lock_version + 1 WHERE id = :id")
    db.session.execute(bump, {"id": center.id})
    with pytest.raises(Conflict, match="at the same moment"):
        services.suspend_center(admin, center, note="Inactive.")
    db.session.expire_all()
    assert center.status == CenterStatus.APPROVED
