import pytest
from sqlalchemy import text

from turkicnet.auth.models import User
from turkicnet.centers.models import Center, CenterStatus
from turkicnet.extensions import db
from turkicnet.protocol.models import ProtocolVersion, VersionStatus
from turkicnet.protocol.standing import signatory_slugs
from turkicnet.reports.models import Report, Visibility


def test_seed_demo_loads_the_workshop_network_once(runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "secretariat@demo.turkicnet.org" in first.output
    centers = db.session.scalars(db.select(Center)).all()
    assert {c.status for c in centers} == {CenterStatus.APPROVED, CenterStatus.PENDING}
    assert {c.country_code for c in centers if c.status is CenterStatus.APPROVED} >= {
        "UZ",
        "KZ",
        "KG",
        "AZ",
        "TR",
    }
    users = db.session.scalar(db.select(db.func.count(User.id)))

    version = db.session.scalars(db.select(ProtocolVersion)).one()
    assert (version.number, version.status) == (1, VersionStatus.OPEN)
    assert {t.language for t in version.texts} == {"en", "tr", "ru"}
    assert signatory_slugs() == {"cerr-uz", "eri-kz", "niss-kg"}
    reports = db.session.scalars(db.select(Report)).all()
    assert {r.visibility for r in reports} == set(Visibility)
    coauthorships = [c for r in reports for c in r.coauthors]
    assert coauthorships and all(c.confirmed_at is not None for c in coauthorships)

    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    assert db.session.scalar(db.select(db.func.count(User.id))) == users
    assert len(db.session.scalars(db.select(Center)).all()) == len(centers)


def test_seed_demo_refuses_in_production(make_app):
    app = make_app(PRODUCTION=True, SECRET_KEY="x" * 40)
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "refuses" in result.output


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
