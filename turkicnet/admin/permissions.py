"""Who may enter the admin area."""

from ..core.permissions import Actor, is_admin


def can_use_admin(actor: Actor) -> bool:
    """The admin area is the Secretariat's (platform admins)."""
    return is_admin(actor)
