"""Models that every feature writes to: the audit log, the mail outbox, notifications;
and the worker's periodic jobs."""

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .timeutil import utcnow


def str_enum(enum_cls: type[enum.Enum], length: int = 24) -> Enum:
    """The one way a status or kind column is declared: the enum's values stored as short
    strings (no database enum type), and a value the enum does not know refused."""
    return Enum(
        enum_cls,
        native_enum=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[int | None]
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    # ``actor``, the user behind ``actor_id``, is tied on by the auth feature (auth/models.py):
    # core knows no feature.

    __table_args__ = (Index("ix_audit_events_target", "target_type", "target_id"),)


class OutboxMessage(db.Model):
    """An e-mail written in the same transaction as the change that caused it.

    A worker claims it (``claimed_until``, a lease), sends it outside any transaction and
    records the outcome: ``sent_at``, or ``last_error`` and the ``next_attempt_at`` of the
    retry, or ``failed_at`` once it gives up (``next_attempt_at`` is then empty).
    """

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    claimed_until: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]

    # The worker's query: unsent rows whose next attempt is due, oldest first.
    __table_args__ = (Index("ix_outbox_messages_due", "sent_at", "next_attempt_at"),)


class WorkerJob(db.Model):
    """When a periodic job of the worker last ran and is next due; a worker claims the row
    (``SELECT … FOR UPDATE SKIP LOCKED``) for as long as the job runs."""

    __tablename__ = "worker_jobs"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_run_at: Mapped[datetime]
    last_run_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class Notification(db.Model):
    """An in-app notice; its text is rendered from ``kind`` in the reader's language."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(48))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_notifications_user_created", "user_id", "created_at"),)
