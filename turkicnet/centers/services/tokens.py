"""API tokens as the centers feature sees them: a center's own tokens, any token's revocation,
and the check of a token presented to the API (which needs to know whether its center is a
member still). Personal tokens are made in :mod:`turkicnet.auth.services.tokens`."""

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from ...auth.models import ApiToken
from ...auth.permissions import can_manage_personal_token
from ...auth.services import tokens as personal
from ...core import audit
from ...core.db import unit_of_work
from ...core.errors import InvalidState, NotFound
from ...core.permissions import Actor, hidden, require
from ...core.timeutil import utcnow
from ...extensions import db
from ..models import Center, CenterStatus
from ..permissions import can_manage_center_tokens

#: A token's last use is written when the stored one is older than this, so that a client
#: reading in a loop does not write to the database on every request.
LAST_USE_PRECISION = timedelta(seconds=60)


def create_center_token(
    actor: Actor, center: Center, *, name: str, scopes="read", expires_in_days=personal.DEFAULT_EXPIRY_DAYS
) -> tuple[ApiToken, str]:
    """Make an API token of ``center``; returns it with the token string, the one time it is known.

    The token acts for the center, not for the person who made it; the audit log names them.

    :raises PermissionDenied: unless a focal point of the approved center, or an admin
    :raises InvalidState: unless the center is approved
    :raises ValidationFailed: for an empty name, an unknown scope or lifetime
    """
    with unit_of_work():
        require(can_manage_center_tokens(actor, center), target=center)
        if center.status is not CenterStatus.APPROVED:
            raise InvalidState(_("Only a member center has API tokens."))
        token, raw = personal.add_token(
            actor, name=name, scopes=scopes, expires_in_days=expires_in_days, center=center
        )
        audit.record(
            actor, "centers.create_token", center, token_id=token.id, prefix=token.prefix,
            scopes=token.scopes, expires_at=token.expires_at.isoformat(),
        )  # fmt: skip
        return token, raw


def require_manage_tokens(actor: Actor, center: Center) -> None:
    """:raises PermissionDenied: unless the actor may make and revoke the center's tokens"""
    require(can_manage_center_tokens(actor, center), target=center)


def list_center_tokens(actor: Actor, center: Center) -> list[ApiToken]:
    """The center's tokens, newest first, revoked and expired ones included.

    :raises PermissionDenied: unless a focal point of the approved center, or an admin
    """
    require(can_manage_center_tokens(actor, center), target=center)
    query = (
        select(ApiToken)
        .where(ApiToken.center_id == center.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return list(db.session.scalars(query))


def _may_manage(actor: Actor, token: ApiToken) -> bool:
    if token.center_id is None:
        return can_manage_personal_token(actor, token)
    return can_manage_center_tokens(actor, token.center)


def get_token(actor: Actor, token_id: int) -> ApiToken:
    """Any token, for those who may revoke it: its maker (personal), the center's focal points
    (center token), admins.

    :raises NotFound: when there is none, or the actor may not know of it
    """
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(_("No such token."))
    if not _may_manage(actor, token):
        raise hidden(token, _("No such token."))
    return token


def revoke_token(actor: Actor, token: ApiToken) -> ApiToken:
    """Revoke a token, personal or a center's: it authenticates nothing from now on.

    :raises PermissionDenied: unless its maker (personal), a focal point of its center (center
        token) or an admin
    :raises InvalidState: when it is revoked already
    """
    if token.center_id is None:
        return personal.revoke_personal_token(actor, token)
    with unit_of_work():
        require(can_manage_center_tokens(actor, token.center), target=token)
        personal.mark_revoked(actor, token)
        audit.record(actor, "centers.revoke_token", token.center, token_id=token.id, prefix=token.prefix)
        return token


def _still_valid(token: ApiToken) -> bool:
    if not token.is_usable:
        return False
    if token.center_id is None:
        return token.user is not None and token.user.active
    return token.center is not None and token.center.status is CenterStatus.APPROVED


def authenticate_bearer(raw: str) -> ApiToken | None:
    """The token a client presented (``Authorization: Bearer <raw>``), if it may be used now:
    well-formed, known, neither revoked nor expired, its maker's account active (personal)
    or its center a member (center token). Otherwise ``None``, whichever the reason.

    There is no actor: the token *is* the credential being checked, as a password is at
    login; what may be written is only its last use (at most once a minute). ``raw`` is
    never logged or stored.
    """
    token = personal.find_token(raw)
    if token is None or not _still_valid(token):
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_PRECISION:
        with unit_of_work(unchecked="the bearer token being checked is the credential"):
            token.last_used_at = now
    return token
