"""The audit log: one row for every state change, written in the change's transaction;
and one for every refusal, written on its own (:func:`record_refusal`)."""

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from ..extensions import db
from .db import commit_apart
from .errors import Refusal
from .languages import language_name
from .models import AuditEvent
from .permissions import Viewer

log = logging.getLogger(__name__)

#: the action of a refusal's event: someone asked for what they may not do or see
REFUSAL_ACTION = "authz_fail"

# How the log reads to an admin, in the page's language (rendered by :mod:`core.audit_text`).
# Each feature registers the words of what it records in its ``init_app``
# (:func:`register_vocabulary`); core knows only its own.

#: action code (``feature.verb``) -> what happened
ACTION_LABELS: dict[str, object] = {
    REFUSAL_ACTION: _l("Access refused"),
    "core.read_notifications": _l("Notifications marked as read"),
}
#: target type (the entity's class, lower case) -> the noun for it
TARGET_LABELS: dict[str, object] = {}
#: detail key -> its label
DETAIL_LABELS: dict[str, object] = {
    "refused": _l("Refused check"),
    "count": _l("Number"),
    "language": _l("Language"),
}
#: detail key -> how its stored values read: a mapping of value to label, or a function
VALUE_LABELS: dict[str, Mapping | Callable] = {"language": language_name}
#: detail keys whose value is a ``[before, after]`` pair
CHANGE_KEYS: set[str] = set()
#: detail keys whose values are identifiers (a check's name, a hash, a prefix), shown as code
CODE_KEYS: set[str] = {"refused"}


def _register(registry: dict, entries: Mapping, what: str) -> None:
    for key, label in entries.items():
        if registry.get(key, label) is not label:
            raise ValueError(f"audit {what} {key!r} is registered twice")
        registry[key] = label


def register_vocabulary(
    *,
    actions: Mapping[str, object] | None = None,
    targets: Mapping[str, object] | None = None,
    details: Mapping[str, object] | None = None,
    values: Mapping[str, Mapping | Callable] | None = None,
    changes: Iterable[str] = (),
    codes: Iterable[str] = (),
) -> None:
    """Add a feature's words for what it records: its actions, the nouns for its targets, the
    labels of its detail keys and of their known values, which keys hold a change
    (``[before, after]``) and which hold identifiers. A word may be registered once."""
    _register(ACTION_LABELS, actions or {}, "action")
    _register(TARGET_LABELS, targets or {}, "target type")
    _register(DETAIL_LABELS, details or {}, "detail")
    _register(VALUE_LABELS, values or {}, "detail's values")
    CHANGE_KEYS.update(changes)
    CODE_KEYS.update(codes)


def _actor_id(actor) -> int | None:
    return getattr(actor, "id", None) if getattr(actor, "is_authenticated", False) else None


def _client_address() -> str | None:
    return request.remote_addr if has_request_context() else None


def record(actor, action: str, target=None, **details: Any) -> AuditEvent:
    """Add an audit event for ``action`` (``feature.verb``) on ``target``; never commits."""
    if isinstance(target, Viewer):
        target = target.user
    # current_user is a proxy; the audit names the object behind it
    target = getattr(target, "_get_current_object", lambda: target)()
    if target is not None and getattr(target, "id", 1) is None:
        db.session.flush()
    event = AuditEvent(
        actor_id=_actor_id(actor),
        action=action,
        target_type=type(target).__name__.lower() if target is not None else "",
        target_id=getattr(target, "id", None),
        details={key: value for key, value in details.items() if value is not None},
        ip=_client_address(),
    )
    db.session.add(event)
    return event


def record_refusal(actor, refusal: Refusal, **details: Any) -> None:
    """Write an ``authz_fail`` event for ``refusal``, committed at once.

    The refused change was rolled back with its unit of work; this event is written on a
    session of its own, so whatever the request's session holds is neither committed nor
    lost. A busy or unreachable database costs the event (logged), never the answer: the
    person still gets their 403 or 404, not a 500.
    """
    actor_id = _actor_id(actor)
    event = AuditEvent(
        actor_id=actor_id,
        action=REFUSAL_ACTION,
        target_type=refusal.target_type,
        target_id=refusal.target_id,
        details={"refused": refusal.refused, **{k: v for k, v in details.items() if v is not None}},
        ip=_client_address(),
    )
    try:
        commit_apart(event)
    except (DBAPIError, PoolTimeout) as error:
        log.warning("could not record the refusal of %s to user %s: %s", refusal.refused, actor_id,
                    getattr(error, "orig", None) or error)  # fmt: skip
