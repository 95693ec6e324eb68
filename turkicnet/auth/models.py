from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import AuditEvent
from ..core.timeutil import utcnow
from ..extensions import db


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so the unique constraint is case-insensitive.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(120))
    position: Mapped[str] = mapped_column(String(120), default="")
    preferred_language: Mapped[str] = mapped_column(String(8), default="en")
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    email_verified_at: Mapped[datetime | None]
    session_generation: Mapped[int] = mapped_column(default=1)
    mail_opt_outs: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    # ``memberships`` is tied on by the centers feature (centers/models.py), which owns them.

    # Flask-Login's protocol.
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    def get_id(self) -> str:
        # The generation makes every older session cookie and remember-me cookie stale.
        return f"{self.id}:{self.session_generation}"

    def __repr__(self) -> str:
        return f"<User {self.email}>"


#: The user who made an audited change: the feature that owns users ties it to the audit log.
AuditEvent.actor = relationship(User, lazy="joined")
