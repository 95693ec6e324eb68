import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import ApiToken, User
from ..core.models import str_enum
from ..core.timeutil import utcnow
from ..extensions import db


class OtsStanding(enum.StrEnum):
    MEMBER = "member"
    OBSERVER = "observer"


class CenterStatus(enum.StrEnum):
    PENDING = "pending"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"


class CenterKind(enum.StrEnum):
    GOVERNMENT_AGENCY = "government_agency"
    ACADEMY = "academy"
    UNIVERSITY = "university"
    INDEPENDENT = "independent"
    INTERNATIONAL = "international"


class Role(enum.StrEnum):
    FOCAL_POINT = "focal_point"
    EDITOR = "editor"
    VIEWER = "viewer"


class MessageKind(enum.StrEnum):
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    REPLY = "reply"
    RESUBMITTED = "resubmitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUSPENDED = "suspended"
    REINSTATED = "reinstated"
    WITHDRAWN = "withdrawn"
    CHANGE_PROPOSED = "change_proposed"
    CHANGE_ACCEPTED = "change_accepted"
    CHANGE_DECLINED = "change_declined"


class RequestStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Country(db.Model):
    __tablename__ = "countries"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    ots_standing: Mapped[OtsStanding] = mapped_column(str_enum(OtsStanding, 16))
    sort_order: Mapped[int] = mapped_column(default=0)


class Center(db.Model):
    __tablename__ = "centers"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    native_name: Mapped[str] = mapped_column(String(200), default="")
    acronym: Mapped[str] = mapped_column(String(24), default="")
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.code"), index=True)
    city: Mapped[str] = mapped_column(String(80), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    kind: Mapped[CenterKind] = mapped_column(str_enum(CenterKind))
    parent_body: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    founded_year: Mapped[int | None]
    status: Mapped[CenterStatus] = mapped_column(
        str_enum(CenterStatus), default=CenterStatus.PENDING, index=True
    )

    letter_stored_name: Mapped[str | None] = mapped_column(String(64))
    letter_original_name: Mapped[str | None] = mapped_column(String(160))
    letter_size: Mapped[int | None]
    letter_sha256: Mapped[str | None] = mapped_column(String(64))

    # Transliteration keys that duplicate checks and the directory search compare.
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    native_key: Mapped[str] = mapped_column(String(200), default="", index=True)
    acronym_key: Mapped[str] = mapped_column(String(24), default="", index=True)
    city_key: Mapped[str] = mapped_column(String(80), default="")
    website_domain: Mapped[str] = mapped_column(String(200), default="", index=True)

    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    resubmitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Optimistic lock: every UPDATE of the row moves it, so an edit made on an older profile
    # is refused instead of overwriting what someone saved meanwhile.
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")

    country: Mapped[Country] = relationship(lazy="joined", innerjoin=True)
    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="center", cascade="all, delete-orphan", order_by="Membership.id"
    )
    messages: Mapped[list["ApplicationMessage"]] = relationship(
        back_populates="center", cascade="all, delete-orphan", order_by="ApplicationMessage.id"
    )

    __mapper_args__ = {"version_id_col": lock_version}
    __table_args__ = (
        CheckConstraint("founded_year IS NULL OR founded_year BETWEEN 1800 AND 2100", name="founded"),
    )

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def __repr__(self) -> str:
        return f"<Center {self.slug} {self.status}>"


class ApplicationMessage(db.Model):
    """The thread of an application, and the record of every status change."""

    __tablename__ = "application_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[MessageKind] = mapped_column(str_enum(MessageKind))
    body: Mapped[str] = mapped_column(Text, default="")
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str | None] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    center: Mapped[Center] = relationship(back_populates="messages")
    author: Mapped["User | None"] = relationship(lazy="joined")


class CenterChangeRequest(db.Model):
    """A focal point's request to change what makes a member center official: its country,
    its names and acronym, its nomination letter. Nothing changes until the Secretariat
    accepts it; a center has at most one waiting."""

    __tablename__ = "center_change_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[RequestStatus] = mapped_column(str_enum(RequestStatus, 16), default=RequestStatus.PENDING)
    reason: Mapped[str] = mapped_column(Text, default="")
    #: ``{field: [value when asked, value asked for]}``; a new letter as ``{"name", "sha256"}``
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The proposed letter, stored until the decision (then moved onto the center, or deleted).
    letter_stored_name: Mapped[str | None] = mapped_column(String(64))
    letter_original_name: Mapped[str | None] = mapped_column(String(160))
    letter_size: Mapped[int | None]
    letter_sha256: Mapped[str | None] = mapped_column(String(64))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]

    center: Mapped[Center] = relationship(lazy="joined", innerjoin=True)
    requested_by: Mapped["User | None"] = relationship(foreign_keys=[requested_by_id], lazy="joined")

    __table_args__ = (
        # One request waiting per center: the service says so politely, the index makes sure.
        Index(
            "uq_center_change_requests_pending",
            "center_id",
            unique=True,
            sqlite_where=db.text("status = 'pending'"),
            postgresql_where=db.text("status = 'pending'"),
        ),
    )


class Membership(db.Model):
    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, 16))
    can_sign: Mapped[bool] = mapped_column(default=False)
    is_primary: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped["User"] = relationship(back_populates="memberships", lazy="joined")
    center: Mapped[Center] = relationship(back_populates="memberships", lazy="joined")

    __table_args__ = (
        UniqueConstraint("user_id", "center_id"),
        # Exactly one primary focal point per center: at most one here, at least one in services.
        Index(
            "uq_memberships_primary",
            "center_id",
            unique=True,
            sqlite_where=db.text("is_primary"),
            postgresql_where=db.text("is_primary"),
        ),
        CheckConstraint("NOT is_primary OR role = 'focal_point'", name="primary_is_focal_point"),
    )


class JoinRequest(db.Model):
    __tablename__ = "join_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[RequestStatus] = mapped_column(str_enum(RequestStatus, 16), default=RequestStatus.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]

    user: Mapped["User"] = relationship(foreign_keys=[user_id], lazy="joined")
    center: Mapped[Center] = relationship(lazy="joined")


class Invitation(db.Model):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[Role] = mapped_column(str_enum(Role, 16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None]

    center: Mapped[Center] = relationship(lazy="joined")
    invited_by: Mapped["User | None"] = relationship(foreign_keys=[invited_by_id], lazy="joined")


#: A user's memberships, loaded with the user (every permission reads them): tied on here,
#: by the feature that owns memberships, so auth knows nothing of centers.
User.memberships = relationship(
    Membership, back_populates="user", cascade="all, delete-orphan", lazy="selectin"
)

#: A center's API token names its center: tied on here, as auth ranks below centers.
ApiToken.center = relationship(Center, lazy="joined")
