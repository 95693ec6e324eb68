"""Reads and changes that belong to no single feature: notifications and health."""

from sqlalchemy import func, select, text, update

from ..extensions import db
from . import audit
from .db import discard, unit_of_work
from .models import Notification
from .permissions import Actor, is_authenticated, require
from .timeutil import utcnow


def unread_notification_count(actor: Actor) -> int:
    return (
        db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.user_id == actor.id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def notifications_page(actor: Actor, *, page: int = 1, per_page: int = 30):
    query = (
        select(Notification)
        .where(Notification.user_id == actor.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def mark_notifications_read(actor: Actor) -> int:
    """Mark all of the actor's notices read; returns how many changed.

    :raises PermissionDenied: for no one
    """
    with unit_of_work():
        require(is_authenticated(actor))
        query = update(Notification).where(Notification.user_id == actor.id, Notification.read_at.is_(None))
        changed = db.session.execute(query.values(read_at=utcnow())).rowcount
        audit.record(actor, "core.read_notifications", actor, count=changed)
        return changed


def database_ok() -> tuple[bool, str]:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means the database is not usable
        discard()
        return False, type(exc).__name__
    return True, db.engine.dialect.name
