import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import str_enum
from ..core.timeutil import utcnow
from ..extensions import db


class VersionStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    IN_FORCE = "in_force"
    SUPERSEDED = "superseded"


class ProtocolVersion(db.Model):
    __tablename__ = "protocol_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[VersionStatus] = mapped_column(
        str_enum(VersionStatus, 16),
        default=VersionStatus.DRAFT,
        index=True,
    )
    # Entry into force: this many centers with a standing signature, and optionally this
    # many distinct OTS member states among them.
    required_centers: Mapped[int] = mapped_column(default=3)
    required_states: Mapped[int | None]
    #: The version's fingerprint (DESIGN §4), fixed when it is opened.
    text_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_at: Mapped[datetime | None]
    in_force_at: Mapped[datetime | None]
    superseded_at: Mapped[datetime | None]

    texts: Mapped[list["ProtocolText"]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="ProtocolText.position"
    )

    __table_args__ = (
        CheckConstraint("required_centers >= 1", name="required_centers"),
        CheckConstraint("required_states IS NULL OR required_states >= 1", name="required_states"),
        CheckConstraint("status = 'draft' OR text_sha256 IS NOT NULL", name="fingerprint_when_open"),
    )

    def text(self, language: str) -> "ProtocolText | None":
        return next((text for text in self.texts if text.language == language), None)

    @property
    def authentic_texts(self) -> list["ProtocolText"]:
        return [text for text in self.texts if text.authentic]


class ProtocolText(db.Model):
    """One language text of a version, stored canonically (DESIGN §4)."""

    __tablename__ = "protocol_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("protocol_versions.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))
    position: Mapped[int] = mapped_column(default=0)
    body: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    authentic: Mapped[bool] = mapped_column(default=True)

    version: Mapped[ProtocolVersion] = relationship(back_populates="texts")

    __table_args__ = (UniqueConstraint("version_id", "language"),)


class LedgerEntry(db.Model):
    """An append-only, hash-chained record of a signature or a withdrawal (DESIGN §4).

    Database triggers refuse UPDATE and DELETE on this table.
    """

    __tablename__ = "ledger_entries"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    scheme: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(index=True)
    text_sha256: Mapped[str] = mapped_column(String(64))
    center: Mapped[str] = mapped_column(String(64), index=True)
    signer_name: Mapped[str] = mapped_column(String(200))
    signer_title: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text)
    # Stored as this very string, never re-derived from a datetime column.
    at: Mapped[str] = mapped_column(String(20))
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    __table_args__ = (
        CheckConstraint("action IN ('sign', 'withdraw')", name="action"),
        CheckConstraint("seq >= 1", name="seq"),
    )


class LedgerKey(db.Model):
    """A public key that has signed checkpoints; published with them."""

    __tablename__ = "ledger_keys"

    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Checkpoint(db.Model):
    """The platform's Ed25519 signature over the ledger head after an append."""

    __tablename__ = "ledger_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(ForeignKey("ledger_entries.seq"), index=True)
    hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[str] = mapped_column(String(20))
    key_id: Mapped[str] = mapped_column(ForeignKey("ledger_keys.key_id"))
    signature: Mapped[str] = mapped_column(String(128))
