"""Who is asking, and the one way a service says no.

A :class:`Viewer` is resolved once per request (:func:`current_viewer`), built the same
way by the CLI and by tests (:func:`as_viewer`). Services take it
as their ``actor``; permission predicates read its attributes and run no SQL.

Core does not know what a center or a signature is: the feature that does registers the
function that builds a viewer for a user (:func:`set_viewer_builder`).
"""

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..extensions import login_manager
from .db import mark_permission_checked
from .errors import NotFound, PermissionDenied, Refusal

_VIEWER_KEY = "turkicnet_viewer"


@dataclass(frozen=True, eq=False)
class Viewer:
    """The person asking (or no one), with what decides what they may see and do.

    Attributes the features need that are not listed here (``id``, ``email``,
    ``memberships``…) are read from ``user``.
    """

    user: Any = None
    #: centers the person is staff of, whatever their status
    center_ids: frozenset[int] = field(default_factory=frozenset)
    #: approved centers where the person is an editor or a focal point
    writable_center_ids: frozenset[int] = field(default_factory=frozenset)
    #: staff of a signatory member (approved, with a standing signature: DESIGN §1)
    signatory_member: bool = False

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None and bool(getattr(self.user, "is_authenticated", False))

    @property
    def is_admin(self) -> bool:
        return self.is_authenticated and bool(getattr(self.user, "is_admin", False))

    def __getattr__(self, name: str):
        if name.startswith("__") or name in Viewer.__dataclass_fields__:
            raise AttributeError(name)
        user = self.__dict__.get("user")
        if user is None:
            raise AttributeError(f"an anonymous viewer has no {name!r}")
        return getattr(user, name)


#: Anyone actor-like: a :class:`Viewer`, a user (turned into one by :func:`as_viewer`), or ``None``.
Actor = Viewer | Any | None

ANONYMOUS = Viewer()


def _plain_viewer(user) -> Viewer:
    return Viewer(user=user)


_builder: dict[str, Callable[[Any], Viewer]] = {"build": _plain_viewer}


def set_viewer_builder(build: Callable[[Any], Viewer]) -> None:
    """Set how a viewer is built for an authenticated user (the feature that knows
    memberships and standing registers it in its ``init_app``)."""
    _builder["build"] = build


def as_viewer(actor: Actor) -> Viewer:
    """``actor`` as a :class:`Viewer`: itself if it is one, anonymous for no one, else built
    once here (this is where the viewer's facts are read, never in a predicate)."""
    if isinstance(actor, Viewer):
        return actor
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ANONYMOUS
    return _builder["build"](actor)


def user_of(actor: Actor):
    """The user entity behind ``actor`` (to store in a relationship), or ``None``."""
    if isinstance(actor, Viewer):
        return actor.user
    if not is_authenticated(actor):
        return None
    # Flask-Login's current_user is a proxy: store (and audit) the user behind it.
    unwrap = getattr(actor, "_get_current_object", None)
    return unwrap() if unwrap is not None else actor


def current_viewer() -> Viewer:
    """The viewer of this request, resolved on first use and kept for the request."""
    if not has_request_context():
        return ANONYMOUS
    viewer = g.get(_VIEWER_KEY)
    if viewer is None:
        viewer = as_viewer(current_user._get_current_object() if current_user else None)
        g.setdefault(_VIEWER_KEY, viewer)
    return viewer


def use_viewer_for_request(viewer: Viewer) -> None:
    """Make ``viewer`` who asks for the rest of this request, whatever its cookies say (the
    API, where a bearer token says who asks): Flask-Login then never reads the session."""
    setattr(g, _VIEWER_KEY, viewer)
    # Flask-Login keeps the request's user in g._login_user and loads none while it is set.
    g._login_user = viewer.user if viewer.user is not None else login_manager.anonymous_user()


def forget_current_viewer() -> None:
    """Drop the request's viewer (after logging in or out, it is someone else)."""
    if has_request_context():
        g.pop(_VIEWER_KEY, None)


def refusal(refused: str, target=None) -> Refusal:
    """What the audit log says of a refusal of ``refused`` on ``target`` (an entity or None)."""
    if isinstance(target, Viewer):
        target = target.user
    if target is None:
        return Refusal(refused)
    return Refusal(refused, type(target).__name__.lower(), getattr(target, "id", None))


def _asking_service(depth: int = 2) -> str:
    """``feature.function`` of the code that called our caller: the service that said no, so
    the many ``require(...)`` calls need not repeat their own names."""
    frame = sys._getframe(depth)
    parts = frame.f_globals.get("__name__", "").split(".")
    feature = parts[1] if len(parts) > 1 and parts[0] == "turkicnet" else parts[0]
    return f"{feature}.{frame.f_code.co_name}"


def require(allowed: bool, message=None, *, target=None) -> None:
    """Raise :class:`PermissionDenied` unless ``allowed``; marks the unit of work as checked.

    The error carries a :class:`Refusal` (the calling service and ``target``, the object the
    permission was asked about), which the error handler writes to the audit log.

    :raises PermissionDenied: when the predicate said no
    """
    if not allowed:
        error = PermissionDenied(str(message or _l("You are not allowed to do that.")))
        error.refusal = refusal(_asking_service(), target)
        raise error
    mark_permission_checked()


def hidden(target, message, *, refused: str = "") -> NotFound:
    """The :class:`NotFound` for ``target``, which exists but the actor may not know of: the
    answer is the one for nothing at all, and the audit log records the refusal. ``refused``
    names the check (by default the calling service)."""
    error = NotFound(str(message))
    error.refusal = refusal(refused or _asking_service(), target)
    return error


def is_authenticated(actor: Actor) -> bool:
    return actor is not None and bool(getattr(actor, "is_authenticated", False))


def is_admin(actor: Actor) -> bool:
    return is_authenticated(actor) and bool(getattr(actor, "is_admin", False))
