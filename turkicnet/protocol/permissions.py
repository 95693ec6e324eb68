"""Who may do what with the protocol."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import true

from ..centers.models import CenterStatus
from ..centers.permissions import membership_of
from ..core.permissions import Actor, is_admin
from .models import ProtocolVersion, VersionStatus

SIGNABLE = (VersionStatus.OPEN, VersionStatus.IN_FORCE)

#: Why :func:`can_sign_for` said no, when someone asked to sign (or to reach a signing page).
SIGN_REFUSED = _l("Only an authorised signatory of an approved center may sign.")
#: Why :func:`can_sign_for` said no, when someone asked to withdraw a signature.
WITHDRAW_REFUSED = _l("Only an authorised signatory of an approved center may withdraw.")


def can_manage_protocol(actor: Actor) -> bool:
    """Versions and their texts are the Secretariat's."""
    return is_admin(actor)


def can_edit_version(actor: Actor, version: ProtocolVersion) -> bool:
    """Only a draft's title, rule and texts change; opening fixes them for good."""
    return can_manage_protocol(actor) and version.status is VersionStatus.DRAFT


def can_view_version(actor: Actor, version: ProtocolVersion) -> bool:
    """Drafts are the Secretariat's; every other version is public."""
    return version.status is not VersionStatus.DRAFT or is_admin(actor)


def visible_versions(actor: Actor):
    """SQL filter over :class:`ProtocolVersion`: the versions ``actor`` may see
    (:func:`can_view_version` for a list)."""
    if is_admin(actor):
        return true()
    return ProtocolVersion.status != VersionStatus.DRAFT


def is_open_for_signature(version: ProtocolVersion) -> bool:
    """Only an open or in-force version can be signed (DESIGN §4)."""
    return version.status in SIGNABLE


def can_sign_for(actor: Actor, center) -> bool:
    """A staff member holding ``can_sign`` at an approved center signs (or withdraws) for it.

    Refused with :data:`SIGN_REFUSED` (or :data:`WITHDRAW_REFUSED`)."""
    membership = membership_of(actor, center)
    return (
        membership is not None
        and membership.can_sign
        and center.status is CenterStatus.APPROVED
        and actor.is_active
    )


def can_sign_version(actor: Actor, center, version: ProtocolVersion) -> bool:
    """The actor may sign ``version`` for ``center`` now."""
    return can_sign_for(actor, center) and is_open_for_signature(version)


def signing_centers(actor: Actor, version: ProtocolVersion | None = None) -> list:
    """The centers the actor may sign for; given a ``version``, may sign that version for now."""
    if not getattr(actor, "is_authenticated", False):
        return []
    if version is None:
        return [m.center for m in actor.memberships if can_sign_for(actor, m.center)]
    return [m.center for m in actor.memberships if can_sign_version(actor, m.center, version)]
