"""Fixtures: a fresh database per test, built through the migrations; personas; factories.

``TEST_DATABASE_URL`` switches the whole suite to PostgreSQL.
"""

import contextvars
import os
import re
import shutil
from io import BytesIO
from pathlib import Path

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, text
from werkzeug.datastructures import FileStorage

from turkicnet import create_app
from turkicnet.config import normalise_database_url
from turkicnet.core.pdf import simple_pdf
from turkicnet.extensions import db

PASSWORD = "quiet orbit lantern 58 meadow"
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
#: The Redis database the tests that need a real Redis may empty (theirs alone).
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
#: Tables the migrations fill with data: restored to that data after every test (PostgreSQL).
SEEDED_TABLES = ("countries", "events", "sections", "topics")


def pytest_configure(config):
    """Compile any catalogue newer than its .mo (bin/_setup.sh does it too; this is for a
    plain ``pytest`` after a catalogue changed)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    translations = Path(__file__).resolve().parent.parent / "turkicnet" / "translations"
    for po in translations.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalogue = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalogue)
_seed_rows: dict[str, list[dict]] = {}

# Property tests: few examples and no deadline on CI (shared, slow machines), a handful locally.
# They run many requests against one test's database: function-scoped fixtures are meant.
_PROPERTY_CHECKS = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile(
    "ci", max_examples=25, deadline=None, database=None, suppress_health_check=_PROPERTY_CHECKS
)
settings.register_profile("dev", max_examples=10, deadline=None, suppress_health_check=_PROPERTY_CHECKS)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def base_config(tmp_path: Path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "ARGON2_PROFILE": "CHEAPEST",
        "MAIL_DIR": str(tmp_path / "mail"),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "MAIL_SERVER": "",
        "BASE_URL": "http://turkicnet.test",
    }


def _upgrade(url: str, tmp_path: Path) -> None:
    from flask_migrate import upgrade

    app = create_app({**base_config(tmp_path), "SQLALCHEMY_DATABASE_URI": url, "LEDGER_KEY_FILE": "unused"})
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Build the schema once through the migrations; each test then starts from a copy."""
    folder = tmp_path_factory.mktemp("schema")
    if POSTGRES_URL:
        engine = create_engine(normalise_database_url(POSTGRES_URL))
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        _upgrade(POSTGRES_URL, folder)
        engine = create_engine(normalise_database_url(POSTGRES_URL))
        with engine.connect() as connection:
            for table in SEEDED_TABLES:
                _seed_rows[table] = [
                    dict(row._mapping) for row in connection.execute(text(f"SELECT * FROM {table}"))
                ]
        engine.dispose()
        return POSTGRES_URL
    template = folder / "template.db"
    _upgrade(f"sqlite:///{template}", folder)
    return template


def _fresh_database(template, tmp_path: Path) -> str:
    if POSTGRES_URL:
        return POSTGRES_URL
    target = tmp_path / "test.db"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


def _empty_postgres() -> None:
    """Empty every table, then put back what the migrations seeded; sequences start again.

    ``DELETE`` rather than ``TRUNCATE``: on tables this small it takes a few milliseconds
    where ``TRUNCATE`` of every table takes hundreds (it swaps each table's files). The
    append-only guards are triggers that refuse a ``DELETE``, so they and the foreign keys'
    triggers are off for this one transaction (``session_replication_role``; the test
    database's role is a superuser, as CI's is)."""
    db.session.rollback()
    db.session.execute(text("SET LOCAL session_replication_role = replica"))
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(text(f'DELETE FROM "{table.name}"'))
    used = db.session.execute(
        text("SELECT schemaname || '.' || sequencename FROM pg_sequences"
             " WHERE schemaname = current_schema() AND last_value IS NOT NULL")
    ).scalars().all()  # fmt: skip
    for sequence in used:
        db.session.execute(text("SELECT setval(:sequence, 1, false)"), {"sequence": sequence})
    for table in SEEDED_TABLES:
        rows = _seed_rows[table]
        if rows:
            columns = list(rows[0])
            # Through the table's own types: a JSON column (sections' translations) takes a dict.
            db.session.execute(db.metadata.tables[table].insert(), rows)
            if "id" in columns:
                sequence = f"pg_get_serial_sequence('{table}', 'id')"
                db.session.execute(text(f"SELECT setval({sequence}, (SELECT max(id) FROM {table}))"))
    db.session.commit()


class IsolatedClient(FlaskClient):
    """Runs each request in a context of its own, as a real server would, so the request
    gets its own app context, ``g`` and database session; then refreshes the test's session."""

    def open(self, *args, **kwargs):
        # Buffered, so the response is closed as a server closes it once sent.
        kwargs.setdefault("buffered", True)
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.commit()
        return response


@pytest.fixture(scope="session")
def ledger_key_file(tmp_path_factory):
    """One Ed25519 ledger key for the session, outside the database and outside instance/."""
    from turkicnet.protocol.keys import generate_key_file

    path = tmp_path_factory.mktemp("keys") / "ledger_key.pem"
    generate_key_file(path)
    return path


@pytest.fixture
def make_app(database_template, tmp_path, ledger_key_file):
    """Build an app on this test's database with extra config (the app is not pushed)."""
    url = _fresh_database(database_template, tmp_path)
    built = []

    def build(**overrides):
        config = {
            **base_config(tmp_path),
            "SQLALCHEMY_DATABASE_URI": url,
            "LEDGER_KEY_FILE": str(ledger_key_file),
        }
        app = create_app({**config, **overrides})
        app.test_client_class = IsolatedClient
        built.append(app)
        return app

    yield build
    for app in built:
        with app.app_context():
            db.session.remove()
    if POSTGRES_URL and built:
        # Whatever app the test used, the next test starts from the migrations' data.
        with built[0].app_context():
            _empty_postgres()
            db.session.remove()
    for app in built:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


#: A key as ``secrets.token_urlsafe(32)`` makes one: what production accepts.
PRODUCTION_SECRET_KEY = "Qm4Xc1v-9TzR2kLp0sWbN7yHd3fJ6gAe8uKiVoZt5Cw"


@pytest.fixture
def production() -> dict:
    """What production needs besides ``PRODUCTION``: a strong key (``make_app`` gives every app
    the session's ledger key file), and the test client's host among the trusted ones, as an
    operator names an extra host."""
    return {"PRODUCTION": True, "SECRET_KEY": PRODUCTION_SECRET_KEY, "TRUSTED_HOSTS": ["localhost"]}


@pytest.fixture
def redis_url():
    """``TEST_REDIS_URL``, emptied before and after the test; the test is skipped without Redis."""
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    yield REDIS_URL
    client.flushdb()
    client.close()


# ---------------------------------------------------------------- factories


def pdf_upload(name: str = "letter.pdf", lines=("Nomination letter",)) -> FileStorage:
    return FileStorage(stream=BytesIO(simple_pdf(list(lines))), filename=name, content_type="application/pdf")


def center_details(**overrides):
    from turkicnet.centers.services import CenterDetails

    values = dict(
        name="Institute of Economic Studies",
        native_name="",
        acronym="",
        country_code="KZ",
        city="Astana",
        website="",
        kind="government_agency",
        parent_body="Ministry of National Economy",
        description="Research on economic policy.",
        founded_year=2001,
    )
    values.update(overrides)
    return CenterDetails(**values)


_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


@pytest.fixture
def make_user(app):
    """Register a user through the service, confirmed unless ``verified=False``."""
    from turkicnet.auth import services
    from turkicnet.core.timeutil import utcnow

    def make(email=None, *, full_name=None, verified=True, is_admin=False, position="Researcher"):
        n = _next()
        email = email or f"person{n}@example.org"
        user = services.register_user(
            email=email, full_name=full_name or f"Person Number{n}", position=position, password=PASSWORD
        )
        if verified:
            user.email_verified_at = utcnow()
        user.is_admin = is_admin
        db.session.commit()
        return user

    return make


@pytest.fixture
def admin(make_user):
    return make_user("admin@example.org", full_name="Ada Admin", is_admin=True)


@pytest.fixture
def make_center(app, make_user, admin):
    """A center applied for through the service by a new focal point, then taken to ``status``."""
    from turkicnet.centers import services
    from turkicnet.centers.models import CenterStatus

    def make(status=CenterStatus.APPROVED, *, focal_point=None, **details):
        n = _next()
        focal_point = focal_point or make_user(full_name=f"Focal Point{n}")
        details.setdefault("name", f"Economic Research Center {n}")
        details.setdefault("acronym", f"ERC{n}")
        center = services.apply_center(focal_point, center_details(**details), letter=pdf_upload())
        status = CenterStatus(status)
        if status in (CenterStatus.APPROVED, CenterStatus.SUSPENDED, CenterStatus.WITHDRAWN):
            services.approve_center(admin, center)
        if status is CenterStatus.CHANGES_REQUESTED:
            services.request_changes(admin, center, note="Please attach the signed letter.")
        if status is CenterStatus.REJECTED:
            services.reject_center(admin, center, note="Not an official center.")
        if status is CenterStatus.SUSPENDED:
            services.suspend_center(admin, center, note="Inactive.")
        if status is CenterStatus.WITHDRAWN:
            services.withdraw_center(admin, center, note="Left the network.")
        return center

    return make


@pytest.fixture
def add_staff(app, make_user):
    """Put a new user on a center's staff with ``role`` (through an invitation)."""
    from turkicnet.centers import services

    def add(center, role="editor", *, can_sign=False, user=None):
        user = user or make_user()
        inviter = next(m.user for m in center.memberships if m.is_primary)
        _invitation, token = services.invite_staff(inviter, center, email=user.email, role=role)
        membership = services.accept_invitation(user, token)
        if can_sign:
            services.change_staff(inviter, membership, role=role, can_sign=True)
        return user

    return add


@pytest.fixture
def center(make_center):
    return make_center()


@pytest.fixture
def focal_point(center):
    return next(m.user for m in center.memberships if m.is_primary)


@pytest.fixture
def editor(center, add_staff):
    return add_staff(center, "editor")


@pytest.fixture
def viewer(center, add_staff):
    return add_staff(center, "viewer")


@pytest.fixture
def signatory(center, add_staff):
    return add_staff(center, "editor", can_sign=True)


@pytest.fixture
def make_version(app, admin):
    """A protocol version through the services: English and Turkish authentic, Russian not;
    opened unless ``status="draft"``."""
    from turkicnet.protocol import services

    def make(status="open", *, required_centers=3, required_states=None, english=None):
        version = services.create_version(
            admin, title="Protocol on Cooperation", required_centers=required_centers,
            required_states=required_states,
        )  # fmt: skip
        english = english or "# Protocol\n\nArticle 1. The Parties cooperate.\n"
        services.save_text(admin, version, language="en", body=english, authentic=True)
        services.save_text(
            admin, version, language="tr", body="# Protokol\n\nMadde 1. İşbirliği.\n", authentic=True
        )
        services.save_text(admin, version, language="ru", body="# Протокол\n\nСтатья 1.\n", authentic=False)
        if status != "draft":
            services.open_version(admin, version)
        return version

    return make


@pytest.fixture
def sign(app):
    """Sign ``version`` for ``center`` as ``user`` through the service."""
    from turkicnet.protocol import services

    def do_sign(user, center, version):
        return services.sign_protocol(
            user, center, version, signer_name=user.full_name, signer_title="Director", password=PASSWORD,
            fingerprint=version.text_sha256, confirm_authority=True,
        )  # fmt: skip

    return do_sign


@pytest.fixture
def outsider(make_user):
    return make_user(full_name="Otto Outsider")


@pytest.fixture
def login_as(client):
    def login(user, password=PASSWORD, remember=False):
        client.post("/auth/logout")
        response = client.post(
            "/auth/login",
            data={"email": user.email, "password": password, "remember": "y" if remember else ""},
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return login


# ---------------------------------------------------------------- helpers


def outbox_links(app, recipient: str) -> list[str]:
    """Links in the mail written for ``recipient``."""
    from turkicnet.core.models import OutboxMessage

    messages = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.recipient == recipient)).all()
    return [link for message in messages for link in re.findall(r"https?://\S+", message.body)]


def path_of(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def audit_rows(action: str, target=None) -> list:
    """The audit events of ``action`` (on ``target`` when given), oldest first."""
    from turkicnet.core.models import AuditEvent

    query = db.select(AuditEvent).where(AuditEvent.action == action)
    if target is not None:
        query = query.where(AuditEvent.target_id == target.id)
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def sent_mail() -> dict[int, bytes]:
    """Deliver what is due as the worker does (one pass, the configured transport), then
    read the files the development transport has written, by outbox id."""
    from flask import current_app

    from turkicnet.core.outbox import deliver_due

    deliver_due()
    folder = Path(current_app.config["MAIL_DIR"])
    return {int(path.stem): path.read_bytes() for path in folder.glob("*.eml")}


def mails_to(address: str, after: int = 0) -> list:
    """The mail written for ``address`` after the message numbered ``after``, oldest first."""
    from turkicnet.core.models import OutboxMessage

    query = db.select(OutboxMessage).where(OutboxMessage.recipient == address, OutboxMessage.id > after)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def flashes(page: str) -> list[tuple[str, str]]:
    """The flash messages a page shows, as (category, text)."""
    import html

    found = re.findall(r'<div class="flash flash-(\w+)" role="status">(.*?)</div>', page, re.S)
    return [(category, html.unescape(text.strip())) for category, text in found]


def followed(client, response, location: str) -> str:
    """Check ``response`` redirects to ``location``, then read the page it leads to."""
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert response.location == location
    return client.get(location.split("#")[0]).get_data(as_text=True)


def user_count() -> int:
    from turkicnet.auth.models import User

    return db.session.scalar(db.select(db.func.count()).select_from(User))


def later(monkeypatch, seconds: int) -> None:
    """Move itsdangerous' clock forward: tokens made before now look ``seconds`` old."""
    import time

    from itsdangerous import TimestampSigner

    now = int(time.time())
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now + seconds)


def is_logged_in(client) -> bool:
    """Whether ``client`` is logged in: its profile page answers, or it is sent to log in."""
    response = client.get("/auth/profile")
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response.location.startswith("/auth/login")
    return response.status_code == 200


def row_counts() -> dict[str, int]:
    """Rows of every table of the schema, SQLite's search index included."""
    from turkicnet.migrations.unmanaged import FTS5_TABLES

    names = [table.name for table in db.metadata.sorted_tables]
    if db.engine.dialect.name == "sqlite":
        names += FTS5_TABLES
    return {name: db.session.scalar(text(f'SELECT count(*) FROM "{name}"')) for name in names}


def stored_uploads(app) -> set[str]:
    """The names of the files in the upload folder."""
    root = Path(app.config["UPLOAD_DIR"])
    return {path.name for path in root.iterdir()} if root.exists() else set()


@pytest.fixture
def database_fault():
    """Make the database refuse the statements matching ``pattern`` as a locked or lost one
    does: the driver's own OperationalError, raised as the statement is sent, in the middle of
    whatever transaction is running. Yields the statements it refused."""
    import contextlib

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @contextlib.contextmanager
    def failing(pattern: str, message: str = "database is locked"):
        wanted = re.compile(pattern, re.IGNORECASE)
        refused: list[str] = []

        def refuse(conn, cursor, statement, parameters, context, executemany):
            if wanted.search(statement):
                refused.append(statement)
                raise conn.dialect.loaded_dbapi.OperationalError(message)

        # Every engine: the test's app and any other app the test built on the same database.
        event.listen(Engine, "before_cursor_execute", refuse)
        try:
            yield refused
        finally:
            event.remove(Engine, "before_cursor_execute", refuse)

    return failing


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)


@pytest.fixture
def count_queries():
    """Count SQL statements run inside the ``with`` block (any engine)."""
    import contextlib

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @contextlib.contextmanager
    def counting():
        counter = QueryCounter()
        event.listen(Engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(Engine, "before_cursor_execute", counter)

    return counting
