"""The protocol tests' shared fixtures: a small ledger, and what an attacker does to it."""

import pytest
from sqlalchemy import text

from turkicnet.extensions import db


@pytest.fixture
def three_entries(make_center, add_staff, make_version, sign):
    version = make_version()
    for code in ("KZ", "UZ", "KG"):
        center = make_center(country_code=code)
        sign(add_staff(center, can_sign=True), center, version)
    return version


GUARDED_TABLES = ("ledger_entries", "ledger_checkpoints", "protocol_versions", "protocol_texts")


def drop_triggers():
    """What an attacker with database access would do first."""
    for table in GUARDED_TABLES:
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        else:
            names = db.session.scalars(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"), {"t": table}
            ).all()
            for name in names:
                db.session.execute(text(f"DROP TRIGGER {name}"))


@pytest.fixture
def restore_triggers():
    yield
    if db.engine.dialect.name == "postgresql":
        db.session.rollback()
        for table in GUARDED_TABLES:
            db.session.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
        db.session.commit()
