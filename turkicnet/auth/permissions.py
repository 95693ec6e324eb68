"""Who may do what with accounts."""

from ..core.permissions import Actor, is_admin, is_authenticated


def can_manage_users(actor: Actor) -> bool:
    """Only admins list, deactivate and reactivate accounts."""
    return is_admin(actor)


def can_change_own_account(actor: Actor) -> bool:
    """A logged-in person changes their own password, profile, preferences and sessions."""
    return is_authenticated(actor)


def can_make_personal_token(actor: Actor) -> bool:
    """A signed-in person with an active account makes API tokens for themselves."""
    return is_authenticated(actor) and bool(getattr(actor, "is_active", False))


def can_manage_personal_token(actor: Actor, token) -> bool:
    """A personal token is seen and revoked by the person who made it, and by admins."""
    if token.center_id is not None:
        return False
    return is_admin(actor) or (is_authenticated(actor) and token.user_id == actor.id)
