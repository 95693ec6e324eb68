"""Who may do what with accounts."""

from ..core.permissions import Actor, is_admin, is_authenticated


def can_manage_users(actor: Actor) -> bool:
    """Only admins list, deactivate and reactivate accounts."""
    return is_admin(actor)


def can_change_own_account(actor: Actor) -> bool:
    """A logged-in person changes their own password, profile, preferences and sessions."""
    return is_authenticated(actor)
