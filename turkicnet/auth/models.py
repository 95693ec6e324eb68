from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
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
    #: an IANA zone name the person chose (``core.formatting.TIME_ZONES``); none: their
    #: center's country's
    time_zone: Mapped[str | None] = mapped_column(String(64))
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


#: What a token may do: ``read`` alone, or ``read`` and ``write`` (stored as one string).
TOKEN_SCOPES = ("read", "read write")
#: How long a new token may live, in days.
TOKEN_EXPIRY_DAYS = (30, 90, 180, 365)
TOKEN_DEFAULT_EXPIRY_DAYS = 90


class ApiToken(db.Model):
    """A bearer token for the API: personal (``center_id`` is None) or a center's.

    The token itself (``tn_<prefix>_<secret>``) is shown once and never stored: ``prefix`` is
    its public part, for lookup and lists. ``secret_hash`` is the SHA-256 of the whole token:
    the secret carries 256 bits from ``secrets``, so no guess can be tested against the hash
    and a fast digest is right (a slow one like Argon2 guards low-entropy passwords, and would
    cost every API request its price).
    """

    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint("scopes IN ('read', 'read write')", name="scopes"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(80))
    scopes: Mapped[str] = mapped_column(String(16), default="read")
    #: who made it; a center's token outlives its maker's account
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # A center's token: auth ranks below centers, so the centers feature ties on any relationship.
    center_id: Mapped[int | None] = mapped_column(ForeignKey("centers.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    last_used_at: Mapped[datetime | None]

    user: Mapped[User | None] = relationship(foreign_keys=[user_id], lazy="joined")

    @property
    def scope_set(self) -> frozenset[str]:
        """The scopes as a set: ``{"read"}`` or ``{"read", "write"}``."""
        return frozenset(self.scopes.split())

    @property
    def can_write(self) -> bool:
        return "write" in self.scope_set

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.expires_at <= (now or utcnow())

    @property
    def is_usable(self) -> bool:
        """Neither revoked nor expired (the account or center behind it is checked apart)."""
        return not self.is_revoked and not self.is_expired()

    def __repr__(self) -> str:
        return f"<ApiToken {self.prefix}>"


#: The user who made an audited change: the feature that owns users ties it to the audit log.
AuditEvent.actor = relationship(User, lazy="joined")
