"""The layer rules of CONVENTIONS.md, checked on the source."""

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "turkicnet"
FORBIDDEN_IN_VIEWS = re.compile(r"db\.session|\bselect\(|\.query\b")


def view_modules():
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if relative.name == "views.py" or "views" in relative.parts[:-1] or relative.parts[0] == "api":
            yield path


def test_views_never_touch_the_database_session_or_build_queries():
    offenders = []
    for path in view_modules():
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if FORBIDDEN_IN_VIEWS.search(line):
                offenders.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert list(view_modules()), "no view modules found"
    assert offenders == []


def test_models_do_not_read_the_request_or_commit():
    offenders = []
    for path in PACKAGE.rglob("models.py"):
        source = path.read_text()
        for word in ("current_user", "url_for", ".commit(", "request."):
            if word in source:
                offenders.append(f"{path.relative_to(PACKAGE)} uses {word}")
    assert offenders == []


def test_every_feature_has_the_same_rooms():
    for feature in ("auth", "centers"):
        rooms = {p.name for p in (PACKAGE / feature).glob("*.py")}
        rooms |= {f"{p.parent.name}.py" for p in (PACKAGE / feature).glob("*/__init__.py")}  # a split room
        assert {"models.py", "forms.py", "services.py", "permissions.py", "views.py"} <= rooms, feature


def test_every_public_service_function_has_a_docstring_and_takes_the_actor_first():
    """State-changing services start with ``actor``; every public one says what it does."""
    missing = []
    for path in PACKAGE.glob("*/services.py"):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                body_source = ast.unparse(node)
                if "commit()" in body_source:
                    args = [a.arg for a in node.args.args]
                    first_ok = args[:1] == ["actor"] or node.name in _ACTORLESS
                    if not first_ok:
                        missing.append(f"{path.parent.name}.{node.name}: first argument {args[:1]}")
                    if ast.get_docstring(node) is None:
                        missing.append(f"{path.parent.name}.{node.name}: no docstring")
    assert missing == []


# Changes made by someone not yet logged in: the token or the credentials identify them.
_ACTORLESS = {
    "register_user",
    "verify_email",
    "authenticate",
    "log_in",
    "request_password_reset",
    "reset_password",
    "create_admin",
    "record_download",  # a counter bumped by any permitted download, not a domain change
}
