"""The audit log: one row for every state change, written in the change's transaction."""

from typing import Any

from flask import has_request_context, request

from ..extensions import db
from .models import AuditEvent
from .permissions import Viewer


def record(actor, action: str, target=None, **details: Any) -> AuditEvent:
    """Add an audit event for ``action`` (``feature.verb``) on ``target``; never commits."""
    if isinstance(target, Viewer):
        target = target.user
    # current_user is a proxy; the audit names the object behind it
    target = getattr(target, "_get_current_object", lambda: target)()
    if target is not None and getattr(target, "id", 1) is None:
        db.session.flush()
    actor_id = getattr(actor, "id", None) if getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        actor_id=actor_id,
        action=action,
        target_type=type(target).__name__.lower() if target is not None else "",
        target_id=getattr(target, "id", None),
        details={key: value for key, value in details.items() if value is not None},
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event
