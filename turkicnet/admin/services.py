"""Reads for the admin screens: the audit log."""

from sqlalchemy import select

from ..core.models import AuditEvent
from ..core.permissions import Actor, require
from ..extensions import db
from .permissions import can_use_admin


def audit_page(
    actor: Actor,
    *,
    action: str = "",
    target_type: str = "",
    target_id: int | None = None,
    page: int = 1,
    per_page: int = 50,
):
    """Audit events, newest first, optionally for one action prefix or one target."""
    require(can_use_admin(actor))
    query = select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    if target_type:
        query = query.where(AuditEvent.target_type == target_type)
    if target_id is not None:
        query = query.where(AuditEvent.target_id == target_id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def audit_for(actor: Actor, target) -> list[AuditEvent]:
    """Every audit event on one object, oldest first."""
    require(can_use_admin(actor))
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.target_type == type(target).__name__.lower(), AuditEvent.target_id == target.id)
            .order_by(AuditEvent.created_at, AuditEvent.id)
        )
    )
