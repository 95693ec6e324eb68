"""Who may do what with accounts."""

from ..core.permissions import is_admin


def can_manage_users(actor) -> bool:
    """Only admins list, deactivate and reactivate accounts."""
    return is_admin(actor)
