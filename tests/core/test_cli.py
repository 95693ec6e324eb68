import pytest
from sqlalchemy import text

from turkicnet.extensions import db


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_countries_are_seeded_by_the_migrations_with_their_ots_standing(app):
    from turkicnet.centers.models import Country

    standing = {c.code: c.ots_standing.value for c in db.session.scalars(db.select(Country))}
    assert standing == {
        "AZ": "member",
        "KZ": "member",
        "KG": "member",
        "TR": "member",
        "UZ": "member",
        "HU": "observer",
        "TM": "observer",
        "TRNC": "observer",
    }
