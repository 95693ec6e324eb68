import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import str_enum
from ..core.timeutil import utcnow
from ..extensions import db

if TYPE_CHECKING:
    from ..auth.models import User
    from ..centers.models import Center


class Visibility(enum.StrEnum):
    DRAFT = "draft"
    NETWORK = "network"
    PUBLIC = "public"


#: Data the interface shows as its own words (sections, topics, events) carries its
#: translations in a JSON column beside the English one: ``{"ru": {"title": "…", "description":
#: "…"}, "kk": {…}}``. Translated columns in the row rather than a translation table: the
#: rows are few, every page that shows a title already loads the row (a report's section is
#: joined), so each language comes with no extra query and no join; a language missing a
#: field falls back to English (``core.languages.localized``).
def _translations_column():
    return mapped_column(JSON, default=dict, server_default="{}")


class Event(db.Model):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(80), default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    #: ``{language: {"title": …, "city": …}}``
    translations: Mapped[dict[str, dict[str, str]]] = _translations_column()


class Section(db.Model):
    __tablename__ = "sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    #: ``{language: {"title": …, "description": …}}``
    translations: Mapped[dict[str, dict[str, str]]] = _translations_column()

    event: Mapped[Event | None] = relationship(lazy="joined")


class Topic(db.Model):
    """The Turkic World Vision – 2040 topics: a controlled vocabulary, seeded."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    #: ``{language: {"title": …}}``
    translations: Mapped[dict[str, dict[str, str]]] = _translations_column()


report_topics = Table(
    "report_topics",
    db.metadata,
    Column("report_id", ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True),
)


class Report(db.Model):
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    abstract: Mapped[str] = mapped_column(Text, default="")
    authors: Mapped[list[str]] = mapped_column(JSON, default=list)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(8), default="en")
    publication_date: Mapped[date] = mapped_column(index=True)
    visibility: Mapped[Visibility] = mapped_column(
        str_enum(Visibility, 16),
        default=Visibility.DRAFT,
        index=True,
    )
    external_url: Mapped[str] = mapped_column(String(500), default="")
    ever_public: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A deleted report that was ever public stays as a tombstone: its URL answers 410.
    deleted_at: Mapped[datetime | None]
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    lock_version: Mapped[int] = mapped_column(default=1)
    #: the one-time key of the form that posted the report: the same form sent again lands
    #: on this report instead of making another (unique per person who posts)
    creation_key: Mapped[str | None] = mapped_column(String(36))

    lead_center: Mapped["Center"] = relationship(lazy="joined", innerjoin=True)
    section: Mapped[Section] = relationship(lazy="joined", innerjoin=True)
    # Loaded when read: lists, feeds, search and exports never read these, and the report
    # page reads each once (one SELECT each, whatever their length).
    topics: Mapped[list[Topic]] = relationship(secondary=report_topics, lazy="select", order_by=Topic.title)
    coauthors: Mapped[list["ReportCoauthor"]] = relationship(
        back_populates="report", cascade="all, delete-orphan", lazy="select"
    )
    shares: Mapped[list["ReportShare"]] = relationship(
        back_populates="report", cascade="all, delete-orphan", lazy="select"
    )
    files: Mapped[list["ReportFile"]] = relationship(
        back_populates="report", cascade="all, delete-orphan", lazy="select", order_by="ReportFile.id"
    )
    deleted_by: Mapped["User | None"] = relationship(foreign_keys=[deleted_by_id])

    __mapper_args__ = {"version_id_col": lock_version}
    __table_args__ = (
        Index("ix_reports_listing", "visibility", "publication_date"),
        # An index, not a constraint: SQLite adds it without copying the table.
        Index("ix_reports_creation_key", "created_by_id", "creation_key", unique=True),
        # OAI-PMH pages through the harvest by (datestamp, id): reports/services/harvest.py.
        Index("ix_reports_harvest", "updated_at", "id"),
    )


class ReportCoauthor(db.Model):
    """A co-authoring center; it confirms before the report may leave ``draft``."""

    __tablename__ = "report_coauthors"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id", ondelete="CASCADE"), index=True)
    confirmed_at: Mapped[datetime | None]
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    report: Mapped[Report] = relationship(back_populates="coauthors")
    center: Mapped["Center"] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (UniqueConstraint("report_id", "center_id"),)


class ReportShare(db.Model):
    __tablename__ = "report_shares"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id", ondelete="CASCADE"), index=True)
    shared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    shared_at: Mapped[datetime] = mapped_column(default=utcnow)

    report: Mapped[Report] = relationship(back_populates="shares")
    center: Mapped["Center"] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (UniqueConstraint("report_id", "center_id"),)


class ReportFile(db.Model):
    __tablename__ = "report_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(String(160))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    mime_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    report: Mapped[Report] = relationship(back_populates="files")


class DownloadCount(db.Model):
    """Downloads per file, apart from the domain data (a GET may bump a counter only)."""

    __tablename__ = "download_counts"

    file_id: Mapped[int] = mapped_column(ForeignKey("report_files.id", ondelete="CASCADE"), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


class Comment(db.Model):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped["User | None"] = relationship(lazy="joined")


class ReportText(db.Model):
    """What search reads: the report's words, transliterated, kept current on every change.

    On SQLite an FTS5 table mirrors it; on PostgreSQL a GIN index on its tsvector.
    """

    __tablename__ = "report_texts"

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    body_text: Mapped[str] = mapped_column(Text, default="")  # text extracted from the PDFs
    folded: Mapped[str] = mapped_column(Text, default="")
