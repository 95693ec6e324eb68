"""The audit log: one row for every state change, written in the change's transaction;
and one for every refusal, written on its own (:func:`record_refusal`)."""

import logging
from typing import Any

from flask import has_request_context, request
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from ..extensions import db
from .db import commit_apart
from .errors import Refusal
from .models import AuditEvent
from .permissions import Viewer

log = logging.getLogger(__name__)

#: the action of a refusal's event: someone asked for what they may not do or see
REFUSAL_ACTION = "authz_fail"


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
