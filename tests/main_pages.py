"""The main pages (issue 12): the one list the language, accessibility and phone checks walk.

Each page names the actor of tests/matrix_world.py who sees it and its path, whose
``{placeholders}`` are the world's values (ids, slugs). The world fills every one of them:
a center with staff, reports and comments, a signed protocol version, a pending application.
"""

from dataclasses import dataclass

from sqlalchemy import select, update

from turkicnet.extensions import db

#: Actor -> the e-mail address the matrix world gives them (to log in from a browser).
EMAILS = {
    "no_center": "outsider@example.org",
    "viewer_a": "viewer.a@example.org",
    "editor_a": "editor.a@example.org",
    "focal_a": "focal.a@example.org",
    "signatory_a": "signatory.a@example.org",
    "admin": "admin@example.org",
}


@dataclass(frozen=True)
class MainPage:
    name: str
    actor: str
    path: str

    def url(self, values: dict) -> str:
        return self.path.format(**values)


MAIN_PAGES = (
    MainPage("home", "anonymous", "/"),
    MainPage("directory", "anonymous", "/centers"),
    MainPage("center", "anonymous", "/centers/{center_a}"),
    MainPage("country", "anonymous", "/countries/{country}"),
    MainPage("protocol", "anonymous", "/protocol"),
    MainPage("version", "anonymous", "/protocol/v/{version}"),
    MainPage("certificate", "anonymous", "/protocol/signatures/{seq}"),
    MainPage("registry", "anonymous", "/protocol/registry"),
    MainPage("notices", "anonymous", "/protocol/notices"),
    MainPage("sections", "anonymous", "/sections"),
    MainPage("section", "anonymous", "/sections/{section}"),
    MainPage("report", "anonymous", "/reports/{report_public}"),
    MainPage("search", "anonymous", "/search?q=energy"),
    MainPage("login", "anonymous", "/auth/login"),
    MainPage("register", "anonymous", "/auth/register"),
    MainPage("reset", "anonymous", "/auth/reset"),
    MainPage("apply", "no_center", "/apply"),
    MainPage("profile", "viewer_a", "/auth/profile"),
    MainPage("notifications", "focal_a", "/notifications"),
    MainPage("staff", "focal_a", "/centers/{center_a}/staff"),
    MainPage("report editor", "editor_a", "/reports/new"),
    MainPage("admin queue", "admin", "/admin/applications"),
    MainPage("center review", "admin", "/admin/centers/{pending}"),
    MainPage("protocol versions", "admin", "/admin/protocol"),
    MainPage("sections (admin)", "admin", "/admin/sections"),
    MainPage("users", "admin", "/admin/users"),
    MainPage("audit log", "admin", "/admin/audit"),
)

#: The signing page, for the screenshots, as a signatory whose center has not signed yet:
#: B's editor, once :func:`let_b_sign` has let them sign for B.
SIGNING_PAGE = MainPage("signing", "editor_b", "/protocol/v/{version}/sign")


def settled_cookies(app, cookies: dict) -> dict:
    """Each actor's Cookie header once one page has shown the login's flash ("Welcome, …",
    said in English when the world logged everyone in), so that pages are read without it."""
    return {actor: _settled(app, cookie) for actor, cookie in cookies.items()}


def _settled(app, cookie: str) -> str:
    if not cookie:
        return cookie
    response = app.test_client(use_cookies=False).get("/notifications", headers={"Cookie": cookie})
    response.close()
    fresh = dict(part.split("=", 1) for part in cookie.split("; "))
    for header in response.headers.getlist("Set-Cookie"):
        name, value = header.split(";", 1)[0].split("=", 1)
        fresh[name] = value
    return "; ".join(f"{name}={value}" for name, value in fresh.items() if value)


def let_b_sign(world) -> None:
    """Let B's editor sign for B (which has not signed the open version), through B's focal
    point. (The world's golden copy does not know it: for walks that only read.)"""
    from turkicnet.auth.models import User
    from turkicnet.centers import services
    from turkicnet.centers.models import Center

    center_b = db.session.scalar(select(Center).where(Center.slug == world.values["center_b"]))
    focal_b = db.session.scalar(select(User).where(User.email == "focal.b@example.org"))
    editor_b = next(m for m in center_b.memberships if m.user.email == "editor.b@example.org")
    services.change_staff(focal_b, editor_b, role="editor", can_sign=True)
    db.session.remove()


def choose_language(code: str) -> None:
    """Make ``code`` the saved language of everyone in the world (the anonymous visitor's
    comes from the switcher's cookie)."""
    from turkicnet.auth.models import User

    db.session.execute(update(User).values(preferred_language=code))
    db.session.commit()
    db.session.remove()
