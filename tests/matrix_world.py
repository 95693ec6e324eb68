"""One small network, built once per test module, for the route-wide guards (the authorization
matrix and the "a GET changes nothing" snapshot).

:func:`built_world` builds an app on a database of its own (a copy of the session's migrated
template on SQLite; the suite's one test database on PostgreSQL, emptied again at the end),
fills it through the services as real people would, logs every actor in once, and then keeps
a *golden* copy of the database and the upload folder. :meth:`World.request` sends one
request as one actor; whenever a request wrote anything, the database and the uploads are put
back as they were, so every request of the module sees the same world.
"""

import contextlib
import re
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from flask import url_for
from sqlalchemy import event, select, text
from sqlalchemy.engine import Engine

from tests.conftest import (
    PASSWORD,
    POSTGRES_URL,
    IsolatedClient,
    _empty_postgres,
    _fresh_database,
    base_config,
    center_details,
    outbox_links,
    path_of,
    pdf_upload,
)
from turkicnet import create_app
from turkicnet.extensions import db

_DETAIL_FIELDS = ("name", "native_name", "acronym", "country_code", "city", "website", "parent_body",
                  "description", "founded_year")  # fmt: skip

#: The actors of the matrix, in the order the reports list them.
ACTORS = (
    "anonymous",
    "unverified",
    "no_center",
    "viewer_a",
    "editor_a",
    "focal_a",
    "signatory_a",
    "editor_b",
    "suspended",
    "admin",
)
SECTION = "national-development-priorities"
_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


class WriteWatch:
    """Notes whether any statement since the last :meth:`reset` wrote to the database."""

    def __init__(self):
        self.wrote = False

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if _WRITE.match(statement):
            self.wrote = True

    def reset(self) -> bool:
        wrote, self.wrote = self.wrote, False
        return wrote


@dataclass
class World:
    app: object
    #: what the path converters are filled with: name -> value (ids, slugs, tokens)
    values: dict = field(default_factory=dict)
    #: actor -> the Cookie header of its one login ("" for anonymous)
    cookies: dict = field(default_factory=dict)
    golden: object = None
    upload_dir: Path | None = None
    golden_uploads: Path | None = None
    watch: WriteWatch = field(default_factory=WriteWatch)
    restores: int = 0

    def url(self, endpoint: str, args: dict) -> str:
        """The URL of ``endpoint`` with its converters filled from :attr:`values` by name."""
        with self.app.test_request_context():
            return url_for(endpoint, **{name: self.values[key] for name, key in args.items()})

    def form(self, data: dict) -> dict:
        """A declared form, its keys and values formatted with :attr:`values`."""
        return {key.format(**self.values): value.format(**self.values) for key, value in data.items()}

    def send(self, actor: str, method: str, url: str, data: dict | None = None):
        """``method`` on ``url`` as ``actor`` (with ``data`` as its form, empty by default);
        returns the response and whether the request wrote to the database."""
        client = self.app.test_client(use_cookies=False)
        headers = {"Cookie": self.cookies[actor]} if self.cookies[actor] else {}
        self.watch.reset()
        form = (data or {}) if method == "POST" else None
        response = client.open(url, method=method, headers=headers, data=form)
        response.close()
        return response, self.watch.reset()

    def request(self, actor: str, method: str, url: str, data: dict | None = None):
        """:meth:`send`, then the world put back if the request wrote anything."""
        response, wrote = self.send(actor, method, url, data)
        if wrote:
            self.restore()
        return response

    # ------------------------------------------------------------ golden copy

    def keep_golden(self, folder: Path) -> None:
        db.session.remove()
        if POSTGRES_URL:
            with db.engine.connect() as connection:
                self.golden = {
                    table: [dict(row._mapping) for row in connection.execute(select(table))]
                    for table in db.metadata.sorted_tables
                }
        else:
            self.golden = folder / "golden.db"
            db.engine.dispose()
            _sqlite_copy(_sqlite_file(), self.golden)
        self.upload_dir = Path(self.app.config["UPLOAD_DIR"])
        self.golden_uploads = folder / "golden-uploads"
        shutil.copytree(self.upload_dir, self.golden_uploads)
        self.watch.reset()

    def restore(self) -> None:
        """Put the database and the upload folder back as :meth:`keep_golden` found them."""
        self.restores += 1
        db.session.remove()
        if POSTGRES_URL:
            _restore_postgres(self.golden)
        else:
            db.engine.dispose()
            _sqlite_copy(self.golden, _sqlite_file())
        if _listing(self.upload_dir) != _listing(self.golden_uploads):
            shutil.rmtree(self.upload_dir)
            shutil.copytree(self.golden_uploads, self.upload_dir)
        self.watch.reset()


def _listing(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*")}


def _sqlite_file() -> str:
    return db.engine.url.database


def _sqlite_copy(source, target) -> None:
    """SQLite's own backup: a consistent copy, whatever the WAL holds."""
    with (
        contextlib.closing(sqlite3.connect(source)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)


def _restore_postgres(golden: dict) -> None:
    names = ", ".join(f'"{table.name}"' for table in golden)
    with db.engine.begin() as connection:
        # Foreign keys and the ledger's append-only triggers stay out of the way of a restore.
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY"))
        for table, rows in golden.items():
            if rows:
                connection.execute(table.insert(), rows)
            if "id" in table.c and rows:
                connection.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), :n)"),
                    {"n": max(row["id"] for row in rows)},
                )


# ---------------------------------------------------------------- building it


def _user(email, name, *, verified=True, admin=False, position="Researcher"):
    from turkicnet.auth import services
    from turkicnet.core.timeutil import utcnow

    user = services.register_user(email=email, full_name=name, position=position, password=PASSWORD)
    if verified:
        user.email_verified_at = utcnow()
    user.is_admin = admin
    db.session.commit()
    return user


def _staff(center, focal, user, role, *, can_sign=False):
    from turkicnet.centers import services

    _invitation, token = services.invite_staff(focal, center, email=user.email, role=role)
    membership = services.accept_invitation(user, token)
    if can_sign:
        services.change_staff(focal, membership, role=role, can_sign=True)
    return membership


def _report(author, center, title, visibility, **extra):
    from turkicnet.reports import services
    from turkicnet.reports.models import Section

    section = db.session.scalar(select(Section).where(Section.slug == SECTION))
    data = services.ReportData(
        section_id=section.id, title=title, abstract=f"{title}: the abstract.", authors=["Aigul Serikova"],
        visibility=visibility, **extra,
    )  # fmt: skip
    return services.create_report(author, center, data, files=[pdf_upload(lines=(title,))])


def _sign(user, center, version):
    from turkicnet.protocol import services

    return services.sign_protocol(
        user, center, version, signer_name=user.full_name, signer_title="Director", password=PASSWORD,
        fingerprint=version.text_sha256, confirm_authority=True,
    )  # fmt: skip


def _populate(values: dict) -> dict:
    """The network, through the services; returns actor -> user."""
    from turkicnet.auth import services as auth_services
    from turkicnet.centers import services as centers
    from turkicnet.protocol import services as protocol
    from turkicnet.reports import services as reports

    admin = _user("admin@example.org", "Ada Admin", admin=True)
    people = {
        "admin": admin,
        "unverified": _user("unverified@example.org", "Ulan Unverified", verified=False),
        "no_center": _user("outsider@example.org", "Otto Outsider"),
        "focal_a": _user("focal.a@example.org", "Farida Focal"),
        "viewer_a": _user("viewer.a@example.org", "Vera Viewer"),
        "editor_a": _user("editor.a@example.org", "Erlan Editor"),
        "signatory_a": _user("signatory.a@example.org", "Sanjar Signatory", position="Director"),
        "editor_b": _user("editor.b@example.org", "Bahrom Editor"),
        "suspended": _user("focal.s@example.org", "Selim Suspended"),
    }
    focal_b = _user("focal.b@example.org", "Bekzod Focal")
    applicant = _user("applicant@example.org", "Aru Applicant")
    joiner = _user("joiner@example.org", "Jamila Joiner")

    def apply(user, name, acronym, country, city):
        details = center_details(name=name, acronym=acronym, country_code=country, city=city)
        return centers.apply_center(user, details, letter=pdf_upload())

    center_a = apply(people["focal_a"], "Institute of Economic Studies", "IES", "KZ", "Astana")
    center_b = apply(focal_b, "Center for Strategic Research", "CSR", "UZ", "Tashkent")
    center_s = apply(people["suspended"], "Baku Policy Institute", "BPI", "AZ", "Baku")
    pending = apply(applicant, "Ankara Economic Forum", "AEF", "TR", "Ankara")
    for center in (center_a, center_b, center_s):
        centers.approve_center(admin, center)
    suspended_focal = next(m for m in center_s.memberships if m.is_primary)
    centers.change_staff(admin, suspended_focal, role="focal_point", can_sign=True)

    viewer_membership = _staff(center_a, people["focal_a"], people["viewer_a"], "viewer")
    _staff(center_a, people["focal_a"], people["editor_a"], "editor")
    _staff(center_a, people["focal_a"], people["signatory_a"], "editor", can_sign=True)
    _staff(center_b, focal_b, people["editor_b"], "editor")
    invitation, invitation_token = centers.invite_staff(
        people["focal_a"], center_a, email="invitee@example.org", role="viewer"
    )
    join_request = centers.request_to_join(joiner, center_a, message="May I join?")
    # B's focal point asks the Secretariat to change B's official name, with a new letter.
    b_details = {name: getattr(center_b, name) for name in _DETAIL_FIELDS} | {"kind": center_b.kind.value}
    change_b = centers.update_center(
        focal_b, center_b, center_details(**(b_details | {"name": "Center for Strategic Studies"})),
        letter=pdf_upload("renamed.pdf"), reason="Renamed by decree.", expected_version=center_b.lock_version,
    ).change_request  # fmt: skip

    version = protocol.create_version(
        admin, title="Protocol on Cooperation", required_centers=10, required_states=None
    )
    protocol.save_text(admin, version, language="en", body="# Protocol\n\nArticle 1.\n", authentic=True)
    protocol.save_text(admin, version, language="ru", body="# Протокол\n\nСтатья 1.\n", authentic=False)
    protocol.open_version(admin, version)
    entry = _sign(people["signatory_a"], center_a, version)
    suspended_entry = _sign(people["suspended"], center_s, version)
    # A center that signed and was then suspended is no signatory member while suspended.
    centers.suspend_center(admin, center_s, note="Inactive.")
    draft = protocol.create_version(admin, title="Amendment", required_centers=10, required_states=None)
    protocol.save_text(admin, draft, language="en", body="# Amendment\n\nArticle 1.\n", authentic=True)
    protocol.save_text(admin, draft, language="ru", body="# Поправка\n\nСтатья 1.\n", authentic=False)

    editor = people["editor_a"]
    public = _report(editor, center_a, "Energy markets", "public")
    network = _report(editor, center_a, "Grid integration", "network")
    private = _report(editor, center_a, "Budget notes", "draft")
    shared = _report(editor, center_a, "Trade corridors", "draft")
    reports.share_report(editor, shared, [center_b.id])
    coauthored = _report(editor, center_a, "Joint outlook", "draft", coauthor_center_ids=[center_b.id])
    b_network = _report(people["editor_b"], center_b, "Cotton value chains", "network")
    deleted = _report(editor, center_a, "Withdrawn study", "public")
    deleted_file = deleted.files[0].id
    reports.delete_report(people["focal_a"], deleted)
    reports.add_comment(editor, public, "A first comment.")
    reports.add_comment(editor, network, "A network comment.")

    personal_token, _raw = auth_services.create_personal_token(people["focal_a"], name="Harvester")
    center_token, _raw = centers.create_center_token(people["focal_a"], center_a, name="Pipeline")
    auth_services.request_password_reset(people["no_center"].email)
    reset_link = next(
        link for link in outbox_links(None, people["no_center"].email) if "/auth/reset/" in link
    )
    values.update(
        center_a=center_a.slug, center_b=center_b.slug, center_s=center_s.slug, pending=pending.slug,
        center_b_id=center_b.id, section=SECTION, country="KZ", version=version.number,
        draft_version=draft.number, lang="en", other_lang="ru",
        seq=entry.seq, seq_suspended=suspended_entry.seq,
        report_public=public.id, report_network=network.id, report_draft=private.id,
        report_shared=shared.id, report_coauthored=coauthored.id, report_b_network=b_network.id,
        report_deleted=deleted.id, file_public=public.files[0].id, file_network=network.files[0].id,
        file_draft=private.files[0].id, file_deleted=deleted_file,
        membership=viewer_membership.id, join_request=join_request.id, invitation=invitation.id,
        change_b=change_b.id,
        invitation_token=invitation_token,
        verify_token=auth_services.verification_token(people["unverified"]),
        reset_token=path_of(reset_link).rsplit("/", 1)[1], user=people["no_center"].id,
        section_action="up", bad_token="not-a-token", export_format="bibtex",
        token_personal=personal_token.id, token_center=center_token.id,
        repec_archive="tkn", repec_template="tknseri", repec_series=reports.series_code(center_a),
    )  # fmt: skip
    return people


def _asset_name(app) -> str:
    from turkicnet.core.assets import asset_url

    with app.test_request_context():
        return asset_url("css/site.css").removeprefix("/assets/")


def _log_in(app, user) -> str:
    client = app.test_client(use_cookies=False)
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, f"{user.email} could not log in: {response.status_code}"
    cookies = [header.split(";", 1)[0] for header in response.headers.getlist("Set-Cookie")]
    return "; ".join(cookie for cookie in cookies if not cookie.endswith("="))


@contextlib.contextmanager
def built_world(database_template, folder: Path, ledger_key_file):
    """The world of this module, in a pushed app context; the database emptied afterwards
    (PostgreSQL) so that the next test starts from the migrations' data."""
    url = _fresh_database(database_template, folder)
    config = {
        **base_config(folder),
        "SQLALCHEMY_DATABASE_URI": url,
        "LEDGER_KEY_FILE": str(ledger_key_file),
        # One login per actor, and the stored cookies must outlast a slow run.
        "LOGIN_LIMIT_PER_IP": "1000 per minute",
        "LOGIN_LIMIT_PER_ACCOUNT": "1000 per minute",
        "SESSION_IDLE_TIMEOUT": 6 * 3600,
    }
    app = create_app(config)
    app.test_client_class = IsolatedClient
    world = World(app=app)
    event.listen(Engine, "before_cursor_execute", world.watch)
    try:
        with app.app_context():
            try:
                people = _populate(world.values)
                world.values["asset"] = _asset_name(app)
                world.cookies = {"anonymous": ""} | {
                    actor: _log_in(app, people[actor]) for actor in ACTORS[1:]
                }
                world.keep_golden(folder)
                yield world
            finally:
                db.session.remove()
                if POSTGRES_URL:
                    _empty_postgres()
                    db.session.remove()
                db.engine.dispose()
    finally:
        event.remove(Engine, "before_cursor_execute", world.watch)
