"""A database that fails while a signature is being recorded — after its ledger entry was
written, before the commit — leaves no entry, no checkpoint, no mail, and a ledger that verifies."""

import pytest
from sqlalchemy.exc import OperationalError

from tests.conftest import row_counts
from turkicnet.extensions import db
from turkicnet.protocol.models import LedgerEntry
from turkicnet.protocol.services import verify_ledger
from turkicnet.protocol.standing import standing_entry


@pytest.mark.parametrize(
    "statement",
    [r"^INSERT INTO ledger_checkpoints", r"^INSERT INTO audit_events", r"^INSERT INTO outbox_messages"],
)
def test_a_database_error_while_signing_leaves_no_entry_and_a_ledger_that_verifies(
    make_center, add_staff, make_version, sign, count_queries, database_fault, statement
):
    version = make_version(required_centers=5)
    first = make_center(country_code="UZ")
    sign(add_staff(first, can_sign=True), first, version)
    center = make_center(country_code="KZ")
    signatory = add_staff(center, can_sign=True)
    before = row_counts()
    with count_queries() as sent, database_fault(statement) as refused, pytest.raises(OperationalError):
        sign(signatory, center, version)
    assert refused
    assert any(s.startswith("INSERT INTO ledger_entries") for s in sent.statements), "failed before the entry"
    db.session.expire_all()
    assert row_counts() == before
    assert standing_entry(center.slug, version.number) is None
    assert verify_ledger().ok
    # The database is back: the signature lands as the next entry, with no gap.
    entry = sign(signatory, center, version)
    assert [e.seq for e in db.session.scalars(db.select(LedgerEntry).order_by(LedgerEntry.seq))] == [1, 2]
    assert entry.seq == 2
    assert verify_ledger().ok
