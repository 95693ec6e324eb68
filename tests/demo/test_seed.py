"""seed-demo: the demo network made through the services, once, completely, truthfully."""

import re
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import audit_rows
from turkicnet.auth.models import User
from turkicnet.centers.models import Center, CenterStatus, Membership, Role
from turkicnet.demo.content import ADMIN_EMAIL, DEMO_PASSWORD, PEOPLE
from turkicnet.extensions import db
from turkicnet.protocol import services as protocol_services
from turkicnet.protocol.models import LedgerEntry, ProtocolVersion, VersionStatus
from turkicnet.protocol.standing import signatory_slugs
from turkicnet.reports.models import Report, Visibility

README = Path(__file__).resolve().parents[2] / "README.md"
JOINT_STUDY = "Joint study: trade facilitation along the Middle Corridor"


def row_counts() -> dict[str, int]:
    """Rows of every table of the schema."""
    return {
        table.name: db.session.scalar(db.select(db.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def user(email: str) -> User:
    return db.session.scalar(db.select(User).where(User.email == email))


def center(slug: str) -> Center:
    return db.session.scalar(db.select(Center).where(Center.slug == slug))


def seed(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result


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


def test_seed_demo_refuses_in_production(make_app, production):
    app = make_app(**production)
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "refuses" in result.output


def test_the_printed_accounts_and_the_readme_tell_the_truth(runner):
    output = seed(runner).output
    for key, email, _name, _position in PEOPLE:
        assert re.search(rf"^\s+{re.escape(key)}\s+{re.escape(email)}\s+{DEMO_PASSWORD}$", output, re.M)
    section = README.read_text(encoding="utf-8").split("## Demo accounts", 1)[1].split("\n## ", 1)[0]
    assert f"`{DEMO_PASSWORD}`" in section
    named = re.findall(r"`([a-z.]+)@(?:demo\.turkicnet\.org|…)`", section)
    assert sorted(named) == sorted(email.split("@")[0] for _key, email, _n, _p in PEOPLE)

    def staff(email):
        return db.session.scalars(db.select(Membership).join(User).where(User.email == email)).all()

    def place(membership):
        return membership.center.slug, membership.role, membership.is_primary

    assert user(ADMIN_EMAIL).is_admin and not staff(ADMIN_EMAIL)
    assert all(user(email).is_verified and user(email).active for _k, email, _n, _p in PEOPLE)
    for email, slug in [
        ("dilnoza.karimova", "cerr-uz"),
        ("nurlan.bekov", "eri-kz"),
        ("aida.toktogulova", "niss-kg"),
        ("rashad.mammadov", "caerc-az"),
        ("elif.yilmaz", "tepav-tr"),
        ("marat.seitkali", "kaziss-kz"),
    ]:
        (membership,) = staff(f"{email}@demo.turkicnet.org")
        assert place(membership) == (slug, Role.FOCAL_POINT, True)
        assert membership.can_sign and membership.center.status is CenterStatus.APPROVED
    for email, slug in [("eszter.nagy", "iecs-hu"), ("merdan.annayev", "isped-tm")]:
        (membership,) = staff(f"{email}@demo.turkicnet.org")
        assert place(membership) == (slug, Role.FOCAL_POINT, True)
        assert membership.center.status is CenterStatus.PENDING
    for email, slug, role in [
        ("jasur.aliyev", "cerr-uz", Role.EDITOR),
        ("saule.abenova", "eri-kz", Role.VIEWER),
    ]:
        (membership,) = staff(f"{email}@demo.turkicnet.org")
        assert place(membership) == (slug, role, False)
        assert not membership.can_sign
    version = db.session.scalars(db.select(ProtocolVersion)).one()
    assert version.required_centers == 5
    assert protocol_services.rule_progress(version).centers == 3


def test_the_audit_log_tells_how_the_demo_network_was_made(runner):
    seed(runner)
    admin = user(ADMIN_EMAIL)
    focal_points = {m.center.slug: m.user for m in db.session.scalars(db.select(Membership)) if m.is_primary}
    approved = {slug for slug, fp in focal_points.items() if center(slug).status is CenterStatus.APPROVED}

    (made_admin,) = audit_rows("auth.create_admin")
    assert made_admin.target_id == admin.id
    assert len(audit_rows("auth.register")) == len(PEOPLE) - 1
    # The focal points click the link in their mail; the staff's invitations confirm theirs.
    assert {e.actor_id for e in audit_rows("auth.verify_email")} == {u.id for u in focal_points.values()}
    assert {e.actor_id for e in audit_rows("centers.apply")} == {u.id for u in focal_points.values()}

    approvals = audit_rows("centers.approve")
    assert {e.actor_id for e in approvals} == {admin.id}
    assert {e.target_id for e in approvals} == {center(slug).id for slug in approved}

    invitations = audit_rows("centers.invite")
    accepted = audit_rows("centers.accept_invitation")
    assert [(e.actor_id, e.details["email"]) for e in invitations] == [
        (focal_points["cerr-uz"].id, "jasur.aliyev@demo.turkicnet.org"),
        (focal_points["eri-kz"].id, "saule.abenova@demo.turkicnet.org"),
    ]
    assert [(e.actor_id, e.target_id, e.details["role"]) for e in accepted] == [
        (user("jasur.aliyev@demo.turkicnet.org").id, center("cerr-uz").id, "editor"),
        (user("saule.abenova@demo.turkicnet.org").id, center("eri-kz").id, "viewer"),
    ]

    changes = audit_rows("centers.change_staff")
    assert {(e.target_id, e.actor_id, e.details["user_id"]) for e in changes} == {
        (center(slug).id, focal_points[slug].id, focal_points[slug].id) for slug in approved
    }
    assert all(e.details["can_sign"] is True for e in changes)

    assert [e.details["language"] for e in audit_rows("protocol.save_text")] == ["en", "tr", "ru"]
    assert [e.actor_id for e in audit_rows("protocol.create_version") + audit_rows("protocol.open")] == [
        admin.id,
        admin.id,
    ]
    signatures = audit_rows("protocol.sign")
    assert [(e.actor_id, e.target_id) for e in signatures] == [
        (focal_points[slug].id, center(slug).id) for slug in ("cerr-uz", "eri-kz", "niss-kg")
    ]
    assert db.session.scalar(db.select(db.func.count(LedgerEntry.seq))) == 3

    joint_study = db.session.scalar(db.select(Report).where(Report.title == JOINT_STUDY))
    (confirmed,) = audit_rows("reports.confirm_coauthorship")
    assert (confirmed.actor_id, confirmed.target_id) == (focal_points["eri-kz"].id, joint_study.id)
    (published,) = audit_rows("reports.update")
    assert (published.target_id, published.details["visibility"]) == (joint_study.id, "network")
    assert len(audit_rows("reports.create")) == 5


def test_a_second_run_adds_no_row_to_any_table(runner):
    seed(runner)
    before = row_counts()
    seed(runner)
    assert row_counts() == before


def test_a_half_seeded_database_is_completed(runner):
    seed(runner)
    complete = row_counts()
    applications, reports_made = len(audit_rows("centers.apply")), len(audit_rows("reports.create"))
    db.session.execute(text("DELETE FROM reports WHERE title = :title"), {"title": JOINT_STUDY})
    db.session.execute(text("DELETE FROM centers WHERE slug = 'iecs-hu'"))
    db.session.commit()
    assert center("iecs-hu") is None

    seed(runner)

    pending = center("iecs-hu")
    assert pending.status is CenterStatus.PENDING
    assert pending.memberships[0].user.email == "eszter.nagy@demo.turkicnet.org"
    joint_study = db.session.scalar(db.select(Report).where(Report.title == JOINT_STUDY))
    assert joint_study.visibility is Visibility.NETWORK
    assert [c.confirmed_at is not None for c in joint_study.coauthors] == [True]
    # Only what was missing was made again: one application, one report.
    assert len(audit_rows("centers.apply")) == applications + 1
    assert len(audit_rows("reports.create")) == reports_made + 1
    again = row_counts()
    for table in ("users", "memberships", "centers", "reports", "report_files", "ledger_entries"):
        assert again[table] == complete[table], table


def test_a_failed_seed_leaves_nothing_and_the_next_run_makes_everything(runner, monkeypatch):
    before = row_counts()
    sign = protocol_services.sign_protocol
    calls = []

    def sign_twice(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the mail server fell over")
        return sign(*args, **kwargs)

    monkeypatch.setattr(protocol_services, "sign_protocol", sign_twice)
    failed = runner.invoke(args=["seed-demo"])
    assert isinstance(failed.exception, RuntimeError)
    assert len(calls) == 3
    assert row_counts() == before

    monkeypatch.setattr(protocol_services, "sign_protocol", sign)
    seed(runner)
    assert signatory_slugs() == {"cerr-uz", "eri-kz", "niss-kg"}
    assert len(audit_rows("protocol.sign")) == 3


def test_a_database_the_demo_cannot_use_is_refused_and_left_as_it_was(runner, make_center):
    make_center(name="Another Center of Economic Research", acronym="CERR", country_code="UZ")
    assert center("cerr-uz") is not None
    before = row_counts()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "seed-demo changed nothing" in result.output
    assert row_counts() == before


def test_the_demo_accounts_keep_the_published_password_the_form_refuses(runner, client):
    from turkicnet.auth import services as auth_services
    from turkicnet.core.errors import ValidationFailed

    seed(runner)
    response = client.post("/auth/login", data={"email": ADMIN_EMAIL, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    with pytest.raises(ValidationFailed):
        auth_services.register_user(
            email="newcomer@example.org", full_name="New Comer", position="", password=DEMO_PASSWORD
        )
