"""Who may reach what: the one table of the authorization matrix (tests/test_authorization_matrix.py).

Each key is an endpoint of ``app.url_map`` (``"reports.report"``), or an endpoint and a
variant after ``@`` (``"reports.report@draft"``) when the same rule is asked about another
object of the world (tests/matrix_world.py). Each entry may give

- ``args``: converter name -> name of a world value, over :data:`ARG_DEFAULTS`;
- ``data``: a minimal form for its POST, where an empty one would be refused before anyone
  asks who is posting (keys and values are formatted with the world's values);
- ``GET`` / ``POST``: the answer per actor, as ``{"default": answer, actor: answer, …}``.

An answer is a status code, or :data:`LOGIN` (a 302 to the login page). A cell whose right
answer (DESIGN.md) is not what the app gives today is a :class:`Finding`: the matrix skips it
and ``test_findings`` expects the right answer, marked ``xfail(strict=True)``.

A POST by someone who may act answers 400 (the empty form shown again) or 302 (done: the
world puts back the database and the uploads after every request that wrote).

To declare a new route: add its endpoint with the answers DESIGN.md intends for each actor.
"""

from dataclasses import dataclass

from tests.matrix_world import ACTORS

LOGIN = "login"


@dataclass(frozen=True)
class Finding:
    """The right answer for a cell where the app answers otherwise today."""

    expected: int | str
    reason: str


A_STAFF = ("viewer_a", "editor_a", "focal_a", "signatory_a")
A_WRITERS = ("editor_a", "focal_a", "signatory_a")
SIGNED_IN = ACTORS[1:]

#: Converter name -> world value, unless an entry says otherwise.
ARG_DEFAULTS = {
    "slug": "center_a",
    "code": "country",
    "report_id": "report_public",
    "file_id": "file_public",
    "center_id": "center_b_id",
    "number": "version",
    "lang": "lang",
    "seq": "seq",
    "membership_id": "membership",
    "request_id": "join_request",
    "invitation_id": "invitation",
    "user_id": "user",
    "action": "section_action",
    "name": "asset",
    "token_id": "token_personal",
}


def everyone(answer, **exceptions) -> dict:
    return {"default": answer, **exceptions}


def signed_in(answer, **exceptions) -> dict:
    """``answer`` for every account; anonymous is sent to log in."""
    return {"default": answer, "anonymous": LOGIN, **exceptions}


def only(allowed: dict, refused=403) -> dict:
    """``refused`` for every account but those in ``allowed``; anonymous is sent to log in."""
    return {"default": refused, "anonymous": LOGIN, **allowed}


def each(actors, answer) -> dict:
    return dict.fromkeys(actors, answer)


ADMIN_GET = only({"admin": 200})

PUBLIC = {
    "site.home": {"GET": everyone(200)},
    "site.center": {"GET": everyone(200)},
    "site.center@suspended": {
        "args": {"slug": "center_s"},
        "GET": everyone(404, suspended=200, admin=200),
    },
    "site.center@pending": {"args": {"slug": "pending"}, "GET": everyone(404, admin=200)},
    "site.country": {"GET": everyone(200)},
    "centers.directory": {"GET": everyone(200)},
    "centers.directory_csv": {"GET": everyone(200)},
    "core.healthz": {"GET": everyone(200)},
    "core.asset": {"GET": everyone(200)},
    "protocol.index": {"GET": everyone(200)},
    "protocol.version": {"GET": everyone(200)},
    "protocol.version@draft": {"args": {"number": "draft_version"}, "GET": everyone(404, admin=200)},
    "protocol.text": {"GET": everyone(200)},
    "protocol.text@draft": {"args": {"number": "draft_version"}, "GET": everyone(404, admin=200)},
    "protocol.diff": {"GET": everyone(200)},
    "protocol.diff@draft": {"args": {"number": "draft_version"}, "GET": everyone(404, admin=200)},
    "protocol.ledger_json": {"GET": everyone(200)},
    "protocol.checkpoints_json": {"GET": everyone(200)},
    "protocol.versions_json": {"GET": everyone(200)},
    "protocol.certificate": {"GET": everyone(200)},
    # The ledger is public whatever became of the center since (here: suspended after signing).
    "protocol.certificate@suspended": {"args": {"seq": "seq_suspended"}, "GET": everyone(200)},
    "protocol.notices": {"GET": everyone(200)},
    "protocol.status_csv": {"GET": everyone(200)},
    "protocol.notices_atom": {"GET": everyone(200)},
    "protocol.registry": {"GET": everyone(200)},
    "protocol.verifier_script": {"GET": everyone(200)},
    "reports.sections": {"GET": everyone(200)},
    "reports.section": {"args": {"slug": "section"}, "GET": everyone(200)},
    "reports.section_csv": {"args": {"slug": "section"}, "GET": everyone(200)},
    "reports.section_feed": {"args": {"slug": "section"}, "GET": everyone(200)},
    "reports.feed": {"GET": everyone(200)},
    "reports.search": {"GET": everyone(200)},
    "reports.reports_csv": {"GET": everyone(200)},
}

#: DESIGN §1's access table, on the report page and its files: A's reports in each tier, a
#: draft shared with B, and B's network report (A is a signatory member, B is not, and the
#: suspended center signed before it was suspended: suspended, it is no signatory member).
NETWORK_READERS = each(A_STAFF, 200) | {"admin": 200}
DRAFT_READERS = each(A_STAFF, 200) | {"admin": 200}
REPORTS = {
    "reports.report": {"GET": everyone(200)},
    "reports.report@network": {
        "args": {"report_id": "report_network"},
        "GET": everyone(404, **NETWORK_READERS),
    },
    "reports.report@draft": {"args": {"report_id": "report_draft"}, "GET": everyone(404, **DRAFT_READERS)},
    "reports.report@shared": {
        "args": {"report_id": "report_shared"},
        "GET": everyone(404, **DRAFT_READERS, editor_b=200),
    },
    "reports.report@b_network": {
        "args": {"report_id": "report_b_network"},
        "GET": everyone(404, **NETWORK_READERS, editor_b=200),
    },
    "reports.report@deleted": {"args": {"report_id": "report_deleted"}, "GET": everyone(410)},
    # Citation exports are for public reports only: a network or draft one is a 404 even to its readers.
    "reports.export": {"args": {"export_format": "export_format"}, "GET": everyone(200)},
    "reports.export@network": {
        "args": {"report_id": "report_network", "export_format": "export_format"},
        "GET": everyone(404),
    },
    "reports.export@draft": {
        "args": {"report_id": "report_draft", "export_format": "export_format"},
        "GET": everyone(404),
    },
    "reports.export@deleted": {
        "args": {"report_id": "report_deleted", "export_format": "export_format"},
        "GET": everyone(410),
    },
    # Harvesting shows only what anonymous sees, the same to everyone; POST /oai reads as GET does.
    "oai.endpoint": {"GET": everyone(200), "POST": everyone(200)},
    "repec.root": {"GET": everyone(200)},
    "repec.archive_folder": {"args": {"archive": "repec_archive"}, "GET": everyone(200)},
    "repec.archive_template": {
        "args": {"archive": "repec_archive", "name": "repec_template"},
        "GET": everyone(200),
    },
    "repec.series_folder": {
        "args": {"archive": "repec_archive", "series": "repec_series"},
        "GET": everyone(200),
    },
    "repec.paper": {"args": {"archive": "repec_archive", "series": "repec_series"}, "GET": everyone(200)},
    "repec.paper@network": {
        "args": {"archive": "repec_archive", "series": "repec_series", "report_id": "report_network"},
        "GET": everyone(404),
    },
    "reports.download": {"GET": everyone(200)},
    "reports.download@network": {
        "args": {"report_id": "report_network", "file_id": "file_network"},
        "GET": everyone(404, **NETWORK_READERS),
    },
    "reports.download@draft": {
        "args": {"report_id": "report_draft", "file_id": "file_draft"},
        "GET": everyone(404, **DRAFT_READERS),
    },
    "reports.download@deleted": {
        "args": {"report_id": "report_deleted", "file_id": "file_deleted"},
        "GET": everyone(410),
    },
    "reports.new_report": {
        "GET": only(each(A_WRITERS, 200) | {"editor_b": 200}),
        "POST": only(each(A_WRITERS, 400) | {"editor_b": 400}),
    },
    "reports.edit_report": {
        "GET": only(each(A_WRITERS, 200)),
        "POST": only(each(A_WRITERS, 400)),
    },
    "reports.edit_report@draft": {
        "args": {"report_id": "report_draft"},
        "GET": only(each(A_WRITERS, 200) | {"viewer_a": 403, "admin": 403}, refused=404),
        "POST": only(each(A_WRITERS, 400) | {"viewer_a": 403, "admin": 403}, refused=404),
    },
    "reports.delete_report": {"POST": only({"focal_a": 302, "admin": 302})},
    "reports.confirm_delete_report": {"GET": only({"focal_a": 200, "admin": 200})},
    "reports.delete_file": {"POST": only(each(A_WRITERS, 302))},
    "reports.share": {
        "data": {"center_ids": "{center_b_id}"},
        "POST": only(each(A_WRITERS, 302)),
    },
    "reports.unshare": {
        "args": {"report_id": "report_shared"},
        "POST": only(each(A_WRITERS, 302) | each(("viewer_a", "editor_b", "admin"), 403), refused=404),
    },
    "reports.confirm_coauthorship": {
        "args": {"report_id": "report_coauthored"},
        "POST": only({"editor_b": 302} | each(("viewer_a", "admin") + A_WRITERS, 403), refused=404),
    },
    # The conversation: signatory members' staff, the report's own centers and admins (DESIGN §1).
    "reports.comment": {
        "data": {"body": "A comment."},
        "POST": only(each(A_STAFF, 302) | {"admin": 302}),
    },
    "reports.comment@network": {
        "args": {"report_id": "report_network"},
        "data": {"body": "A comment."},
        "POST": only(each(A_STAFF, 302) | {"admin": 302}, refused=404),
    },
    "reports.comment@b_network": {
        "args": {"report_id": "report_b_network"},
        "data": {"body": "A comment."},
        "POST": only(each(A_STAFF, 302) | {"admin": 302, "editor_b": 302}, refused=404),
    },
}

ACCOUNTS = {
    "auth.login": {"GET": everyone(302, anonymous=200), "POST": everyone(302, anonymous=200)},
    "auth.logout": {"POST": everyone(302)},
    "auth.register": {"GET": everyone(302, anonymous=200), "POST": everyone(302, anonymous=200)},
    "auth.profile": {"GET": signed_in(200)},
    # The switcher: anyone's link sets a cookie; a signed-in person's button saves it too.
    "auth.language": {"args": {"code": "lang"}, "GET": everyone(302), "POST": signed_in(302)},
    "auth.update_profile": {"POST": signed_in(400)},
    "auth.change_password": {"POST": signed_in(400)},
    "auth.mail_preferences": {"POST": signed_in(302)},
    "auth.resend_verification": {"POST": signed_in(302)},
    "auth.reset_request": {"GET": everyone(200), "POST": everyone(200)},
    # A token in the link is the credential: whoever holds it uses it.
    "auth.reset_password": {"args": {"token": "reset_token"}, "GET": everyone(200), "POST": everyone(200)},
    "auth.reset_password@bad_token": {
        "args": {"token": "bad_token"},
        "GET": everyone(400),
        "POST": everyone(400),
    },
    # Confirming sends whoever is not logged in to log in, and the others to their profile.
    "auth.verify_email": {"args": {"token": "verify_token"}, "GET": everyone(200), "POST": signed_in(302)},
    "auth.verify_email@bad_token": {
        "args": {"token": "bad_token"},
        "GET": everyone(400),
        "POST": everyone(400),
    },
    # API tokens: everyone signed in has their own; a token is revoked by its maker and admins,
    # and is, to anyone else, no token at all.
    "auth.tokens": {"GET": signed_in(200)},
    "auth.create_token": {"POST": signed_in(400)},
    "auth.revoke_token": {"POST": only({"focal_a": 302, "admin": 302}, refused=404)},
    "auth.revoke_token@center_token": {"args": {"token_id": "token_center"}, "POST": only({}, refused=404)},
    "core.notifications": {"GET": signed_in(200)},
    "core.notifications_read": {"POST": signed_in(302)},
}

CENTERS = {
    # The form tells an unverified person to confirm their address first; the service refuses them.
    "centers.apply": {"GET": signed_in(200), "POST": signed_in(400)},
    # A's application thread and letter: the Secretariat and the center's focal points.
    "centers.application": {"GET": only({"focal_a": 200, "admin": 200})},
    "centers.application@pending": {"args": {"slug": "pending"}, "GET": only({"admin": 200}, refused=404)},
    # Focal points write on the thread only while the application is open; A is approved.
    "centers.application_message": {"data": {"body": "A question."}, "POST": only({"admin": 302})},
    "centers.resubmit": {"GET": only({}), "POST": only({})},
    "centers.edit": {
        "GET": only({"focal_a": 200, "admin": 200}),
        "POST": only({"focal_a": 302, "admin": 302}),
    },
    "centers.edit@suspended": {
        "args": {"slug": "center_s"},
        "GET": only({"admin": 200, "suspended": 403}, refused=404),
        "POST": only({"admin": 302, "suspended": 403}, refused=404),
    },
    "centers.letter": {"GET": only({"focal_a": 200, "admin": 200})},
    # The letter proposed with B's change request: B's focal point (not an actor) and admins.
    "centers.change_letter": {
        "args": {"slug": "center_b", "request_id": "change_b"},
        "GET": only({"admin": 200}),
    },
    "centers.staff": {"GET": only(each(A_STAFF, 200) | {"admin": 200})},
    # A center's API tokens are its focal points' (and the Secretariat's); a token of the center
    # is, to anyone else, no token at all.
    "centers.tokens": {"GET": only({"focal_a": 200, "admin": 200})},
    "centers.create_token": {"POST": only({"focal_a": 400, "admin": 400})},
    "centers.revoke_token": {
        "args": {"token_id": "token_center"},
        "POST": only({"focal_a": 302, "admin": 302}, refused=404),
    },
    "centers.revoke_token@personal_token": {
        "args": {"token_id": "token_personal"},
        "POST": only({}, refused=404),
    },
    "centers.tokens@suspended": {
        "args": {"slug": "center_s"},
        "GET": only({"admin": 200, "suspended": 403}, refused=404),
    },
    # A verified person who is not on the staff asks to join; A's own staff are refused.
    "centers.join": {"POST": only({"no_center": 302, "editor_b": 302, "suspended": 302, "admin": 302})},
    "centers.leave": {"POST": only(each(A_STAFF, 302), refused=404)},
    "centers.invite": {"POST": only({"focal_a": 400, "admin": 400})},
    "centers.change_staff": {
        "data": {"m{membership}-role": "viewer"},
        "POST": only({"focal_a": 302, "admin": 302}),
    },
    "centers.make_primary": {"POST": only({"focal_a": 302, "admin": 302})},
    "centers.remove_staff": {"POST": only({"focal_a": 302, "admin": 302})},
    "centers.confirm_remove_staff": {"GET": only({"focal_a": 200, "admin": 200})},
    "centers.accept_join": {"POST": only({"focal_a": 302, "admin": 302})},
    "centers.decline_join": {"POST": only({"focal_a": 400, "admin": 400})},
    "centers.revoke_invitation": {"POST": only({"focal_a": 302, "admin": 302})},
    "centers.confirm_revoke_invitation": {"GET": only({"focal_a": 200, "admin": 200})},
    # The invitation's token is the credential; only the invited address accepts it.
    "centers.invitation": {
        "args": {"token": "invitation_token"},
        "GET": everyone(200),
        "POST": signed_in(403, anonymous=200),
    },
}

DRAFT = {"number": "draft_version"}
PROTOCOL_SIGNING = {
    # Only a signatory (can_sign) of an approved center reaches the signing pages (DESIGN §4).
    "protocol.sign": {"GET": only({"signatory_a": 200}), "POST": only({"signatory_a": 400})},
    "protocol.sign@draft": {
        "args": DRAFT,
        "GET": only({"admin": 403}, refused=404),
        "POST": only({"admin": 403}, refused=404),
    },
    "protocol.withdraw": {"GET": only({"signatory_a": 200}), "POST": only({"signatory_a": 400})},
}

#: The admin area is the Secretariat's: everyone else is refused, before any form is read.
ADMIN = {
    "admin.index": {"GET": only({"admin": 302})},
    "admin.applications": {"GET": ADMIN_GET},
    "admin.centers": {"GET": ADMIN_GET},
    "admin.center": {"GET": ADMIN_GET},
    "admin.center@pending": {"args": {"slug": "pending"}, "GET": ADMIN_GET},
    "admin.decide": {"args": {"slug": "pending"}, "POST": only({"admin": 400})},
    "admin.confirm_reject": {"args": {"slug": "pending"}, "GET": ADMIN_GET},
    # B's waiting change of its official details: only the Secretariat decides (an empty form
    # is shown again).
    "admin.decide_change": {
        "args": {"slug": "center_b", "request_id": "change_b"},
        "POST": only({"admin": 400}),
    },
    "admin.message": {
        "args": {"slug": "pending"},
        "data": {"body": "Please explain."},
        "POST": only({"admin": 302}),
    },
    "admin.create_event": {"POST": only({"admin": 400})},
    "admin.users": {"GET": ADMIN_GET},
    "admin.set_active": {"POST": only({"admin": 302})},
    "admin.audit": {"GET": ADMIN_GET},
    "admin.protocol_versions": {"GET": ADMIN_GET, "POST": only({"admin": 400})},
    "admin.protocol_version": {"args": DRAFT, "GET": ADMIN_GET, "POST": only({"admin": 400})},
    "admin.protocol_text": {"args": DRAFT, "GET": ADMIN_GET, "POST": only({"admin": 400})},
    "admin.protocol_text_delete": {"args": DRAFT | {"lang": "other_lang"}, "POST": only({"admin": 302})},
    "admin.protocol_open": {"args": DRAFT, "POST": only({"admin": 302})},
    "admin.sections": {"GET": ADMIN_GET, "POST": only({"admin": 400})},
    "admin.section": {"args": {"slug": "section"}, "GET": ADMIN_GET, "POST": only({"admin": 302})},
    "admin.section_action": {"args": {"slug": "section"}, "POST": only({"admin": 302})},
    "admin.confirm_retire_section": {"args": {"slug": "section"}, "GET": ADMIN_GET},
}

#: Endpoints the matrix does not ask about, each with its reason.
#: The API reads no cookie: each signed-in actor of the matrix (a browser session) gets what
#: anyone gets, and a write without a bearer token is a 401. Tokens: tests/api.
API = {
    "api.countries": {"GET": everyone(200)},
    "api.centers_list": {"GET": everyone(200)},
    "api.center": {"GET": everyone(200)},
    "api.center@pending": {"args": {"slug": "pending"}, "GET": everyone(404)},
    "api.sections": {"GET": everyone(200)},
    "api.reports_list": {"GET": everyone(200)},
    "api.report": {"GET": everyone(200)},
    "api.report@draft": {"args": {"report_id": "report_draft"}, "GET": everyone(404)},
    "api.report@network": {"args": {"report_id": "report_network"}, "GET": everyone(404)},
    "api.report@deleted": {"args": {"report_id": "report_deleted"}, "GET": everyone(410)},
    "api.report_file": {"GET": everyone(200)},
    "api.report_file@draft": {
        "args": {"report_id": "report_draft", "file_id": "file_draft"},
        "GET": everyone(404),
    },
    "api.protocol_status": {"GET": everyone(200)},
    "api.protocol_version": {"GET": everyone(200)},
    "api.protocol_version@draft": {"args": {"number": "draft_version"}, "GET": everyone(404)},
    "api.ledger": {"GET": everyone(200)},
    "api.openapi_document": {"GET": everyone(200)},
    "api.create_report": {"POST": everyone(401)},
    "api.update_report": {},  # PATCH only
    "api.add_files": {"POST": everyone(401)},
    "api.share_report": {"POST": everyone(401)},
    "api.unshare_report": {},  # DELETE only
    "api_docs.docs": {"GET": everyone(200)},
}

NOT_ASKED = {"static": "Flask's own static files: the same bytes for everyone, outside the app's rules"}

TABLE = PUBLIC | REPORTS | ACCOUNTS | CENTERS | PROTOCOL_SIGNING | ADMIN | API

#: DESIGN §5's public URLs (a contract) that url_map does not have yet: what anonymous should get.
DESIGN_URLS = {
    "/network": 200,
    "/experts": 200,
    "/events": 200,
    "/plans": 200,
    "/sitemap.xml": 200,
}
