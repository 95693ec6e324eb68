"""Helpers that permission predicates and services share."""

from flask_babel import lazy_gettext as _l

from .errors import PermissionDenied


def require(allowed: bool, message=None) -> None:
    """Raise :class:`PermissionDenied` unless ``allowed``.

    :raises PermissionDenied: when the predicate said no
    """
    if not allowed:
        raise PermissionDenied(str(message or _l("You are not allowed to do that.")))


def is_authenticated(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


def is_admin(actor) -> bool:
    return is_authenticated(actor) and bool(getattr(actor, "is_admin", False))
