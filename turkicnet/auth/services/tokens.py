"""Personal API tokens, and what every token shares: its format, its hash, its lookup.

A token reads ``tn_<prefix>_<secret>``. It is returned once, by the service that makes it,
and never stored, logged or audited: the database keeps the prefix (public, for lookup and
lists) and the SHA-256 of the whole string. Center tokens (made by a center's focal point)
and the check of a presented token live in the centers feature, which knows centers.
"""

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ...core import audit
from ...core.db import unit_of_work
from ...core.errors import InvalidState, NotFound, ValidationFailed
from ...core.mail import queue_mail
from ...core.permissions import Actor, hidden, require, user_of
from ...core.text import normalise_line
from ...core.timeutil import utcnow
from ...extensions import db
from ..models import TOKEN_DEFAULT_EXPIRY_DAYS, TOKEN_EXPIRY_DAYS, ApiToken
from ..permissions import can_change_own_account, can_make_personal_token, can_manage_personal_token

EXPIRY_DAYS = TOKEN_EXPIRY_DAYS
DEFAULT_EXPIRY_DAYS = TOKEN_DEFAULT_EXPIRY_DAYS
_KNOWN_SCOPES = {"read", "write"}
_NAME_LENGTH = 80
_PREFIX_BYTES = 6  # 12 hex characters: enough that two tokens never share one
_SECRET_BYTES = 32  # 256 bits


def hash_token(raw: str) -> str:
    """The SHA-256 (hex) of a whole token string, as stored in ``secret_hash``."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh ``(prefix, token)``; the prefix is hex, so it never holds the ``_`` separator."""
    prefix = secrets.token_hex(_PREFIX_BYTES)
    return prefix, f"tn_{prefix}_{secrets.token_urlsafe(_SECRET_BYTES)}"


def _prefix_of(raw: str) -> str | None:
    parts = (raw or "").split("_", 2)
    if len(parts) != 3 or parts[0] != "tn" or len(parts[1]) != 2 * _PREFIX_BYTES or len(parts[2]) < 40:
        return None
    if any(ch not in "0123456789abcdef" for ch in parts[1]):
        return None
    return parts[1]


def find_token(raw: str) -> ApiToken | None:
    """The stored token ``raw`` is, if it is well-formed and known (its hash compared in
    constant time); whether it may still be used is not judged here."""
    prefix = _prefix_of(raw)
    if prefix is None:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.prefix == prefix))
    if token is None or not hmac.compare_digest(token.secret_hash, hash_token(raw)):
        return None
    return token


def token_scopes(scopes: str | Iterable[str]) -> str:
    """The stored form of ``scopes`` (``"read"`` or ``"read write"``): write implies read.

    :raises ValidationFailed: on ``scopes`` for an empty or unknown scope
    """
    wanted = set(scopes.split()) if isinstance(scopes, str) else set(scopes)
    if not wanted or not wanted <= _KNOWN_SCOPES:
        raise ValidationFailed("scopes", _("Choose read, or read and write."))
    return "read write" if "write" in wanted else "read"


def _expiry_days(expires_in_days) -> int:
    try:
        days = int(expires_in_days)
    except (TypeError, ValueError):
        days = 0
    if days not in EXPIRY_DAYS:
        raise ValidationFailed("expires_in_days", _("Choose one of the offered lifetimes."))
    return days


#: Active tokens one person (or one center) may hold: each has its own rate limit, so an
#: unbounded number would be an unbounded allowance.
MAX_ACTIVE_TOKENS = 20


def _require_room(maker, center) -> None:
    now = utcnow()
    active = select(func.count(ApiToken.id)).where(ApiToken.revoked_at.is_(None), ApiToken.expires_at > now)
    if center is not None:
        active = active.where(ApiToken.center_id == center.id)
    else:
        active = active.where(ApiToken.user_id == maker.id, ApiToken.center_id.is_(None))
    if db.session.scalar(active) >= MAX_ACTIVE_TOKENS:
        raise ValidationFailed(
            "name", _("At most %(count)d tokens may be active at once: revoke one you no longer use.",
                      count=MAX_ACTIVE_TOKENS),
        )  # fmt: skip


def add_token(actor: Actor, *, name: str, scopes, expires_in_days, center=None) -> tuple[ApiToken, str]:
    """Add a token made by ``actor`` (for ``center`` when given) to the change under way, and
    queue the security mail to its maker; the calling service checked the permission.

    :raises ValidationFailed: for an empty name, an unknown scope or lifetime
    """
    maker = user_of(actor)
    _require_room(maker, center)
    clean_name = normalise_line(name)[:_NAME_LENGTH].strip()
    if not clean_name:
        raise ValidationFailed("name", _("Give the token a name, such as what will use it."))
    stored_scopes = token_scopes(scopes)
    days = _expiry_days(expires_in_days)
    prefix, raw = new_token()
    now = utcnow()
    token = ApiToken(
        prefix=prefix,
        secret_hash=hash_token(raw),
        name=clean_name,
        scopes=stored_scopes,
        user_id=maker.id,
        center_id=center.id if center is not None else None,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    queue_mail(
        maker,
        _l("A new API token was made on your TurkicNet account"),
        "api_token_created",
        category="account",
        token=token,
        center=center,
    )
    return token, raw


def create_personal_token(
    actor: Actor, *, name: str, scopes="read", expires_in_days=DEFAULT_EXPIRY_DAYS
) -> tuple[ApiToken, str]:
    """Make a personal API token; returns it with the token string, the one time it is known.

    :raises PermissionDenied: for anyone not signed in with an active account
    :raises ValidationFailed: for an empty name, an unknown scope or lifetime
    """
    with unit_of_work():
        require(can_make_personal_token(actor))
        token, raw = add_token(actor, name=name, scopes=scopes, expires_in_days=expires_in_days)
        audit.record(
            actor, "auth.create_token", token, prefix=token.prefix, scopes=token.scopes,
            expires_at=token.expires_at.isoformat(),
        )  # fmt: skip
        return token, raw


def list_personal_tokens(actor: Actor) -> list[ApiToken]:
    """The actor's own personal tokens, newest first, revoked and expired ones included.

    :raises PermissionDenied: for anyone not signed in
    """
    require(can_change_own_account(actor))
    query = (
        select(ApiToken)
        .where(ApiToken.user_id == actor.id, ApiToken.center_id.is_(None))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return list(db.session.scalars(query))


def get_personal_token(actor: Actor, token_id: int) -> ApiToken:
    """A personal token, for its maker and admins.

    :raises NotFound: when there is none, it is a center's, or it is someone else's
    """
    token = db.session.get(ApiToken, token_id)
    if token is None or token.center_id is not None:
        raise NotFound(_("No such token."))
    if not can_manage_personal_token(actor, token):
        raise hidden(token, _("No such token."))
    return token


def mark_revoked(actor: Actor, token: ApiToken) -> None:
    """Revoke ``token`` in the change under way; the calling service checked the permission.

    :raises InvalidState: when it is revoked already
    """
    if token.revoked_at is not None:
        raise InvalidState(_("This token was revoked already."))
    token.revoked_at = utcnow()
    revoker = user_of(actor)
    token.revoked_by_id = revoker.id if revoker is not None else None


def revoke_personal_token(actor: Actor, token: ApiToken) -> ApiToken:
    """Revoke a personal token at once: it authenticates nothing from now on.

    :raises PermissionDenied: unless the actor made it, or is an admin
    :raises InvalidState: when it is revoked already
    """
    with unit_of_work():
        require(can_manage_personal_token(actor, token), target=token)
        mark_revoked(actor, token)
        audit.record(actor, "auth.revoke_token", token, prefix=token.prefix)
        return token
