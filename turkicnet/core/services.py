"""Reads and changes that belong to no single feature: notifications and the database's health."""

from dataclasses import dataclass

from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from ..extensions import db
from . import audit
from .database import is_unavailable, migration_heads, sqlite_path
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


@dataclass(frozen=True)
class DatabaseHealth:
    #: "ok", "missing", "unreachable", "not_migrated" or "not_at_head"
    state: str
    engine: str
    revision: str | None = None
    heads: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.state == "ok"


def database_health() -> DatabaseHealth:
    """Whether the database is there, answers, and is at the head of the migrations: one
    query (its revision), and none at all when a SQLite file is missing."""
    engine = db.engine.dialect.name
    heads = migration_heads()
    path = sqlite_path(db.engine.url)
    if path is not None and not path.exists():
        return DatabaseHealth("missing", engine, heads=heads)
    try:
        revisions = tuple(sorted(db.session.scalars(text("SELECT version_num FROM alembic_version"))))
    except DBAPIError as error:
        discard()
        return DatabaseHealth("unreachable" if is_unavailable(error) else "not_migrated", engine, heads=heads)
    except SQLAlchemyError:
        discard()
        return DatabaseHealth("unreachable", engine, heads=heads)
    revision = ",".join(revisions) or None
    if revision is None:
        return DatabaseHealth("not_migrated", engine, heads=heads)
    return DatabaseHealth("ok" if revisions == heads else "not_at_head", engine, revision, heads)
