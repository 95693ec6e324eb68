"""Who may do what with the protocol."""

from ..centers.models import CenterStatus
from ..centers.permissions import membership_of
from ..core.permissions import is_admin
from .models import ProtocolVersion, VersionStatus

SIGNABLE = (VersionStatus.OPEN, VersionStatus.IN_FORCE)


def can_manage_protocol(actor) -> bool:
    """Versions and their texts are the Secretariat's."""
    return is_admin(actor)


def can_view_version(actor, version: ProtocolVersion) -> bool:
    """Drafts are the Secretariat's; every other version is public."""
    return version.status is not VersionStatus.DRAFT or is_admin(actor)


def can_sign_for(actor, center) -> bool:
    """A staff member holding ``can_sign`` at an approved center signs (or withdraws) for it."""
    membership = membership_of(actor, center)
    return (
        membership is not None
        and membership.can_sign
        and center.status is CenterStatus.APPROVED
        and actor.is_active
    )


def signing_centers(actor) -> list:
    """The centers the actor may sign for."""
    if not getattr(actor, "is_authenticated", False):
        return []
    return [m.center for m in actor.memberships if can_sign_for(actor, m.center)]
