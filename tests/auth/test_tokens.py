"""API tokens: made once and stored hashed, refused when revoked, expired, malformed or
orphaned, their last use recorded, and the viewer each one acts as."""

import hashlib
import logging
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from tests.conftest import audit_rows, mails_to
from turkicnet.auth import services
from turkicnet.auth.models import ApiToken
from turkicnet.centers import services as centers
from turkicnet.centers.models import CenterStatus
from turkicnet.core.errors import InvalidState, NotFound, PermissionDenied, ValidationFailed
from turkicnet.core.models import AuditEvent, OutboxMessage
from turkicnet.core.permissions import ANONYMOUS
from turkicnet.core.timeutil import utcnow
from turkicnet.extensions import db
from turkicnet.protocol.standing import viewer_for, viewer_for_token


def personal(user, **kw):
    kw.setdefault("name", "Harvester")
    return services.create_personal_token(user, **kw)


def for_center(actor, center, **kw):
    kw.setdefault("name", "Publication pipeline")
    return centers.create_center_token(actor, center, **kw)


def stored_row(token) -> dict:
    row = db.session.execute(text("SELECT * FROM api_tokens WHERE id = :id"), {"id": token.id}).mappings()
    return dict(row.one())


def token_mails(address: str) -> list:
    return [m for m in mails_to(address) if "API token" in m.subject]


def set_column(token, **values):
    for name, value in values.items():
        setattr(token, name, value)
    db.session.commit()


# ---------------------------------------------------------------- making one


def test_a_personal_token_is_returned_once_and_stored_only_as_its_hash(app, make_user):
    user = make_user()
    token, raw = personal(user, scopes="read write", expires_in_days=30)

    assert raw.startswith(f"tn_{token.prefix}_") and len(raw) > 50
    row = stored_row(token)
    assert row["secret_hash"] == hashlib.sha256(raw.encode()).hexdigest()
    assert not any(raw in str(value) for value in row.values())
    secret = raw.rsplit("_", 1)[1]
    assert not any(secret in str(value) for value in row.values())
    assert token.scopes == "read write" and token.user_id == user.id and token.center_id is None
    assert token.expires_at - token.created_at == timedelta(days=30)


def test_making_a_token_is_audited_without_the_token(app, make_user):
    user = make_user()
    token, raw = personal(user)

    [event] = audit_rows("auth.create_token", token)
    assert event.actor_id == user.id and event.details["prefix"] == token.prefix
    every_detail = " ".join(str(e.details) for e in db.session.scalars(select(AuditEvent)))
    assert raw not in every_detail and raw.rsplit("_", 1)[1] not in every_detail


def test_making_a_token_mails_its_maker_without_the_token(app, make_user):
    user = make_user()
    token, raw = personal(user, name="Nightly export")

    [mail] = token_mails(user.email)
    assert "Nightly export" in mail.body and token.prefix in mail.body and "not you" in mail.body
    assert raw not in mail.body
    assert all(raw not in m.body for m in db.session.scalars(select(OutboxMessage)))


def test_the_token_is_never_logged(app, make_user, caplog):
    caplog.set_level(logging.DEBUG)
    user = make_user()
    _token, raw = personal(user)
    centers.authenticate_bearer(raw)
    centers.authenticate_bearer(raw + "x")
    assert raw not in caplog.text


def test_a_token_is_read_only_unless_write_is_asked_for(app, make_user):
    user = make_user()
    assert personal(user)[0].scopes == "read"
    assert personal(user, scopes=["write"])[0].scopes == "read write"
    assert personal(user, scopes={"read"})[0].scope_set == {"read"}


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"name": "   "}, "name"),
        ({"scopes": "admin"}, "scopes"),
        ({"scopes": ""}, "scopes"),
        ({"expires_in_days": 7}, "expires_in_days"),
        ({"expires_in_days": "forever"}, "expires_in_days"),
    ],
)
def test_a_token_with_a_bad_name_scope_or_lifetime_is_refused_and_nothing_is_made(app, make_user, kw, field):
    user = make_user()
    with pytest.raises(ValidationFailed) as refused:
        personal(user, **kw)
    assert refused.value.field == field
    assert db.session.scalar(select(db.func.count()).select_from(ApiToken)) == 0
    assert token_mails(user.email) == []


def test_the_default_lifetime_is_ninety_days(app, make_user):
    token, _raw = personal(make_user())
    assert token.expires_at - token.created_at == timedelta(days=90)


def test_no_one_not_signed_in_makes_a_token(app):
    with pytest.raises(PermissionDenied):
        services.create_personal_token(ANONYMOUS, name="x")
    with pytest.raises(PermissionDenied):
        services.create_personal_token(None, name="x")


# ---------------------------------------------------------------- authenticating


def test_a_fresh_token_authenticates_and_its_use_is_recorded(app, make_user):
    token, raw = personal(make_user())
    assert token.last_used_at is None

    assert centers.authenticate_bearer(raw) == token
    db.session.expire_all()
    assert stored_row(token)["last_used_at"] is not None


def test_a_use_within_a_minute_of_the_last_writes_nothing(app, make_user):
    token, raw = personal(make_user())
    recent = utcnow() - timedelta(seconds=30)
    set_column(token, last_used_at=recent)
    assert centers.authenticate_bearer(raw) == token
    db.session.expire_all()
    assert token.last_used_at == recent

    old = utcnow() - timedelta(minutes=5)
    set_column(token, last_used_at=old)
    centers.authenticate_bearer(raw)
    db.session.expire_all()
    assert token.last_used_at > old


@pytest.mark.parametrize(
    "garble",
    [
        lambda raw: "",
        lambda raw: "Bearer " + raw,
        lambda raw: raw[:-1],
        lambda raw: raw + "a",
        lambda raw: raw.replace("tn_", "tk_", 1),
        lambda raw: raw.upper(),
        lambda raw: "tn_" + "0" * 12 + "_" + raw.rsplit("_", 1)[1],
        lambda raw: "tn__" + raw.rsplit("_", 1)[1],
        lambda raw: "not a token at all",
    ],
)
def test_a_malformed_or_unknown_token_authenticates_nothing(app, make_user, garble):
    _token, raw = personal(make_user())
    assert centers.authenticate_bearer(garble(raw)) is None


def test_a_revoked_token_authenticates_nothing(app, make_user):
    user = make_user()
    token, raw = personal(user)
    services.revoke_personal_token(user, token)
    assert centers.authenticate_bearer(raw) is None


def test_an_expired_token_authenticates_nothing(app, make_user):
    token, raw = personal(make_user())
    set_column(token, expires_at=utcnow() - timedelta(seconds=1))
    assert centers.authenticate_bearer(raw) is None


def test_the_personal_token_of_a_deactivated_account_authenticates_nothing(app, make_user, admin):
    user = make_user()
    _token, raw = personal(user)
    services.set_user_active(admin, user, active=False)
    assert centers.authenticate_bearer(raw) is None
    services.set_user_active(admin, user, active=True)
    assert centers.authenticate_bearer(raw) is not None


def test_a_center_token_stops_when_its_center_is_suspended(app, center, focal_point, admin):
    _token, raw = for_center(focal_point, center)
    assert centers.authenticate_bearer(raw) is not None
    centers.suspend_center(admin, center, note="Inactive.")
    assert centers.authenticate_bearer(raw) is None


def test_a_center_token_outlives_its_makers_account(app, center, focal_point, admin):
    token, raw = for_center(focal_point, center)
    services.set_user_active(admin, focal_point, active=False)
    assert centers.authenticate_bearer(raw) == token


# ---------------------------------------------------------------- center tokens


def test_a_focal_point_makes_a_token_of_their_center(app, center, focal_point):
    token, raw = for_center(focal_point, center, scopes="read write")

    assert token.center_id == center.id and token.user_id == focal_point.id
    [event] = audit_rows("centers.create_token", center)
    assert event.actor_id == focal_point.id and event.details["prefix"] == token.prefix
    assert raw not in str(event.details)
    [mail] = token_mails(focal_point.email)
    assert center.name in mail.body and raw not in mail.body
    assert centers.list_center_tokens(focal_point, center) == [token]
    assert services.list_personal_tokens(focal_point) == []


@pytest.mark.parametrize("who", ["editor", "viewer", "signatory", "outsider"])
def test_only_a_focal_point_makes_a_center_token(app, center, request, who):
    person = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        for_center(person, center)
    with pytest.raises(PermissionDenied):
        centers.list_center_tokens(person, center)


def test_an_admin_makes_a_center_token_but_only_for_an_approved_center(app, make_center, admin):
    token, _raw = for_center(admin, make_center())
    assert token.user_id == admin.id
    with pytest.raises(InvalidState):
        for_center(admin, make_center(CenterStatus.PENDING))


def test_the_focal_point_of_a_suspended_center_makes_no_token(app, make_center):
    suspended = make_center(CenterStatus.SUSPENDED)
    focal = next(m.user for m in suspended.memberships if m.is_primary)
    with pytest.raises(PermissionDenied):
        for_center(focal, suspended)


# ---------------------------------------------------------------- revoking and finding


def test_revoking_records_who_and_when_and_a_second_revoke_is_refused(app, make_user):
    user = make_user()
    token, _raw = personal(user)
    services.revoke_personal_token(user, token)

    assert token.revoked_at is not None and token.revoked_by_id == user.id
    assert audit_rows("auth.revoke_token", token)[0].actor_id == user.id
    with pytest.raises(InvalidState):
        centers.revoke_token(user, token)


def test_someone_elses_personal_token_is_hidden_and_kept(app, make_user):
    owner, other = make_user(), make_user()
    token, raw = personal(owner)
    with pytest.raises(NotFound):
        services.get_personal_token(other, token.id)
    with pytest.raises(NotFound):
        centers.get_token(other, token.id)
    with pytest.raises(PermissionDenied):
        centers.revoke_token(other, token)
    assert centers.authenticate_bearer(raw) == token


def test_an_admin_revokes_anyones_token(app, make_user, admin, center, focal_point):
    token, _raw = personal(make_user())
    center_token, _raw = for_center(focal_point, center)
    assert centers.get_token(admin, token.id) == token
    centers.revoke_token(admin, token)
    centers.revoke_token(admin, center_token)
    assert token.revoked_by_id == admin.id and center_token.revoked_by_id == admin.id


def test_a_center_token_is_revoked_by_any_focal_point_of_the_center_not_by_an_editor(
    app, center, focal_point, add_staff, editor
):
    deputy = add_staff(center, "focal_point")
    token, raw = for_center(focal_point, center)
    with pytest.raises(NotFound):
        centers.get_token(editor, token.id)
    with pytest.raises(PermissionDenied):
        centers.revoke_token(editor, token)
    centers.revoke_token(deputy, centers.get_token(deputy, token.id))
    assert audit_rows("centers.revoke_token", center)[0].actor_id == deputy.id
    assert centers.authenticate_bearer(raw) is None


def test_a_center_token_is_not_a_personal_one(app, center, focal_point):
    token, _raw = for_center(focal_point, center)
    with pytest.raises(NotFound):
        services.get_personal_token(focal_point, token.id)


def test_the_list_shows_ones_own_tokens_newest_first(app, make_user):
    user = make_user()
    first, _ = personal(user, name="first")
    second, _ = personal(user, name="second")
    personal(make_user(), name="someone else's")
    assert [t.id for t in services.list_personal_tokens(user)] == sorted([first.id, second.id], reverse=True)
    with pytest.raises(PermissionDenied):
        services.list_personal_tokens(ANONYMOUS)


# ---------------------------------------------------------------- the viewer a token acts as


def test_a_read_token_acts_as_its_maker_but_writes_for_no_center(app, center, editor):
    token, _raw = personal(editor)
    viewer = viewer_for_token(token)
    assert viewer.user == editor and viewer.center_ids == {center.id}
    assert viewer.writable_center_ids == frozenset()
    assert viewer.token_scopes == {"read"}


def test_a_write_token_writes_where_its_maker_writes(app, center, editor):
    token, _raw = personal(editor, scopes="read write")
    viewer = viewer_for_token(token)
    assert viewer.writable_center_ids == viewer_for(editor).writable_center_ids == {center.id}
    assert viewer.token_scopes == {"read", "write"}


def test_a_center_token_acts_for_its_center_alone(app, make_center, add_staff, admin):
    own = make_center()
    other = make_center()
    maker = next(m.user for m in own.memberships if m.is_primary)
    add_staff(other, "editor", user=maker)
    maker.is_admin = True
    db.session.commit()
    token, _raw = for_center(maker, own, scopes="read write")

    viewer = viewer_for_token(token)
    assert viewer.user == maker
    assert viewer.center_ids == {own.id} and viewer.writable_center_ids == {own.id}
    assert not viewer.is_admin
    assert [m.center_id for m in viewer.memberships] == [own.id]
    assert viewer.token_scopes == {"read", "write"}


def test_a_read_center_token_writes_nothing(app, center, focal_point):
    token, _raw = for_center(focal_point, center)
    viewer = viewer_for_token(token)
    assert viewer.center_ids == {center.id} and viewer.writable_center_ids == frozenset()


def test_a_center_token_shares_its_centers_signatory_standing(
    app, center, focal_point, signatory, make_version, sign
):
    token, _raw = for_center(focal_point, center)
    assert not viewer_for_token(token).signatory_member
    sign(signatory, center, make_version())
    assert viewer_for_token(token).signatory_member


def test_a_center_token_whose_maker_is_gone_names_no_one(app, center, focal_point, add_staff):
    token, _raw = for_center(focal_point, center)
    set_column(token, user_id=None)
    db.session.expire_all()
    viewer = viewer_for_token(token)
    assert viewer.user is None and viewer.center_ids == {center.id}
