"""The audit log reads in the admin's language: every action the code records has a label, every
detail key a label, known values (visibility, roles, statuses, languages) their labels; a change
reads "before → after", a list as a list; what has no word yet is shown as code, marked as no
language (issue 12: "centers.apply", "visibility: network", "mailed: 4 → 7")."""

import ast
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext

from turkicnet.centers.labels import FIELD_LABELS
from turkicnet.centers.services.decisions import _DECISIONS
from turkicnet.core import audit, audit_text
from turkicnet.core.models import AuditEvent

CODE = '<code lang="zxx" translate="no">'
PACKAGE = Path(__file__).resolve().parents[2] / "turkicnet"


def _recorded() -> tuple[set[str], set[str]]:
    """The action codes and detail keys the code passes to ``audit.record``."""
    actions, keys = set(), set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "record" and len(node.args) >= 2):  # fmt: skip
                continue
            action = node.args[1]
            branches = [action.body, action.orelse] if isinstance(action, ast.IfExp) else [action]
            for branch in branches:
                if isinstance(branch, ast.Constant):
                    actions.add(branch.value)
                elif isinstance(branch, ast.JoinedStr):  # f"centers.{name}": one of the decisions
                    actions.update(f"centers.{name}" for name in _DECISIONS)
                else:
                    raise AssertionError(f"{path}:{node.lineno}: an action the test cannot read")
            for keyword in node.keywords:
                keys.update([keyword.arg] if keyword.arg else _splatted_keys(keyword.value))
    return actions, keys


def _splatted_keys(value: ast.expr) -> set[str]:
    """The keys of a ``**{...}`` passed to ``audit.record`` (either branch of a conditional);
    a splatted name (``**changes``) is left to the test that knows its keys."""
    if isinstance(value, ast.Dict):
        return {key.value for key in value.keys if isinstance(key, ast.Constant)}
    if isinstance(value, ast.IfExp):
        return _splatted_keys(value.body) | _splatted_keys(value.orelse)
    return set()


def _event(action="reports.update", target_type="report", target_id=2, **details) -> AuditEvent:
    return AuditEvent(action=action, target_type=target_type, target_id=target_id, details=details)


def _details(event, locale="en") -> dict[str, str]:
    with force_locale(locale):
        return {str(d.label): str(d.value) for d in audit_text.details(event)}


def test_every_action_the_code_records_has_a_label(app):
    actions, _keys = _recorded()
    assert len(actions) > 50
    assert sorted(actions - set(audit.ACTION_LABELS)) == []


def test_every_detail_key_the_code_records_has_a_label(app):
    _actions, keys = _recorded()
    # centers' change records (**changes) are keyed by the profile's fields
    assert sorted((keys | set(FIELD_LABELS) | {"refused"}) - set(audit.DETAIL_LABELS)) == []


def test_every_field_a_profile_update_records_reads_by_its_label(app, focal_point):
    from tests.conftest import audit_rows
    from turkicnet.auth import services

    services.update_profile(focal_point, full_name="Gulnara Sadykova", position="Head of Unit",
                            preferred_language="tr", time_zone="Asia/Baku")  # fmt: skip

    [row] = audit_rows("auth.update_profile")
    assert row.details["changed"] == ["full_name", "position", "preferred_language", "time_zone"]
    with app.test_request_context():
        assert _details(row)["Fields changed"] == "Full name, Position, Preferred language, Time zone"


def test_the_languages_of_a_sections_translations_read_as_language_names(app):
    with app.test_request_context():
        shown = _details(_event("reports.save_section", "section", 1, slug="trade", languages=["ru", "tr"]))
    assert shown["Translations changed"] == "Russian, Turkish"


def test_an_action_reads_by_its_label_and_keeps_its_code_beside(app):
    with app.test_request_context():
        assert audit_text.action_label("centers.apply") == "Applied for membership"
        assert audit_text.action_label("centers.approve") == "Application approved"
        assert audit_text.action_label("centers.unheard_of") is None
        assert str(audit_text.as_code("centers.apply")) == f"{CODE}centers.apply</code>"


def test_a_target_reads_as_its_noun_and_number_an_unknown_type_as_code(app):
    with app.test_request_context():
        assert str(audit_text.target_text(_event(target_type="report", target_id=2))) == "Report 2"
        assert str(audit_text.target_text(_event(target_type="center", target_id=3))) == "Center 3"
        assert str(audit_text.target_text(_event(target_type="gadget", target_id=4))) == (
            '<code lang="zxx" translate="no">gadget</code> 4'
        )


def test_known_values_read_through_the_features_labels(app):
    with app.test_request_context():
        shown = _details(_event(visibility="network", role="editor", to_status="approved", language="tr"))
    assert shown == {
        "Visibility": "Network (staff of signatory member centers)", "Role": "Editor",
        "New status": "Approved", "Language": "Turkish",
    }  # fmt: skip


def test_known_values_read_in_the_page_language(app):
    with app.test_request_context():
        shown = list(_details(_event(visibility="public", role="viewer", language="en"), "ru").values())
        with force_locale("ru"):
            public, viewer = gettext("Public"), gettext("Viewer")
    assert public != "Public" and viewer != "Viewer"
    assert shown == [public, viewer, "Английский"]


def test_only_a_recorded_change_reads_as_before_and_after(app):
    with app.test_request_context():
        shown = _details(_event("centers.update", "center", 3, kind=["academy", "university"],
                                mailed=[4, 7], centers=[2]))  # fmt: skip
    assert shown["Kind of body"] == "Academy of sciences → University"
    assert shown["Accounts e-mailed"] == "4, 7"
    assert shown["Centers"] == "2"


def test_identifiers_and_unknown_keys_are_shown_as_code(app):
    with app.test_request_context():
        shown = _details(_event(refused="reports.view_report", hash="abc123", gizmo="on"))
    assert shown["Refused check"] == '<code lang="zxx" translate="no">reports.view_report</code>'
    assert shown["Fingerprint of the ledger entry"] == '<code lang="zxx" translate="no">abc123</code>'
    assert shown['<code lang="zxx" translate="no">gizmo</code>'] == "on"


def test_a_recorded_persons_words_are_escaped(app):
    with app.test_request_context():
        shown = _details(_event(reason="<b>left</b>"))
    assert shown["Reason"] == "&lt;b&gt;left&lt;/b&gt;"


def test_a_word_claimed_twice_is_a_programming_error(app):
    with pytest.raises(ValueError):
        audit.register_vocabulary(actions={"centers.apply": "Something else"})


def test_the_audit_log_page_shows_labels_targets_and_codes(client, login_as, admin, make_center):
    center = make_center()
    login_as(admin)
    page = client.get("/admin/audit?action=centers.").get_data(as_text=True)
    assert f"Application approved<br><small>{CODE}centers.approve</code></small>" in page
    assert f">Center {center.id}</td>" in page


def test_the_center_review_trail_shows_labels(client, login_as, admin, make_center):
    center = make_center()
    login_as(admin)
    page = client.get(f"/admin/centers/{center.slug}").get_data(as_text=True)
    assert f"Applied for membership<br><small>{CODE}centers.apply</code></small>" in page
    assert "New status: Approved" in page
