"""Reads of reports: one report, lists, feeds, comments, files and their download counts.

Every list goes through :func:`permissions.visible_reports`, so no title, count or snippet
of a report reaches someone who may not see it.
"""

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import extract, func, select
from sqlalchemy.dialects import postgresql, sqlite

from ...centers.models import Center, CenterStatus
from ...centers.services import choose_center
from ...core import audit, storage
from ...core.db import unit_of_work
from ...core.errors import NotFound, ServiceError
from ...core.formatting import format_day
from ...core.inventory import FileReference
from ...core.permissions import Actor, as_viewer, hidden
from ...core.timeutil import utcnow
from ...extensions import db
from ..models import Comment, DownloadCount, Report, ReportCoauthor, ReportFile, Section, Visibility
from ..permissions import (
    can_cite_report,
    can_view_comments,
    can_view_report,
    visible_reports,
    writable_centers,
)


class Gone(ServiceError):
    """A deleted report that was public once: its URL answers 410."""

    status_code = 410

    def __init__(self, report: Report):
        when = format_day(report.deleted_at, "long")
        if report.deleted_by:
            message = _("“%(title)s” was withdrawn on %(date)s by %(who)s.",
                        title=report.title, date=when, who=report.deleted_by.full_name)
        else:
            message = _("“%(title)s” was withdrawn on %(date)s by its center.", title=report.title, date=when)
        super().__init__(message)


@dataclass
class Filters:
    country: str = ""
    year: int | None = None
    language: str = ""
    section_id: int | None = None


def get_report(actor: Actor, report_id: int) -> Report:
    """The report if the actor may see it.

    :raises Gone: for a withdrawn report that was public once
    :raises NotFound: for an unknown report, or one the actor may not know exists
    """
    actor = as_viewer(actor)
    report = db.session.get(Report, report_id)
    if report is None:
        raise NotFound(_("No such report."))
    if report.deleted_at is not None:
        if report.ever_public:
            raise Gone(report)
        raise NotFound(_("No such report."))
    if not can_view_report(actor, report):
        raise hidden(report, _("No such report."), refused="reports.view_report")
    return report


def citable_report(actor: Actor, report_id: int) -> Report:
    """The report, for its citation exports: only a public one.

    :raises Gone: for a withdrawn report that was public once
    :raises NotFound: as :func:`get_report`, and for a report that is not public, even to
        someone who may read it
    """
    report = get_report(actor, report_id)
    if not can_cite_report(report):
        raise NotFound(_("No such report."))
    return report


def _filtered(query, filters: Filters):
    if filters.section_id:
        query = query.where(Report.section_id == filters.section_id)
    if filters.country:
        query = query.where(Report.lead_center.has(Center.country_code == filters.country.upper()))
    if filters.year:
        query = query.where(extract("year", Report.publication_date) == filters.year)
    if filters.language:
        query = query.where(Report.language == filters.language)
    return query


def report_page(
    actor: Actor, filters: Filters, *, page: int = 1, per_page: int = 20, lead_center_id: int | None = None
):
    """Reports the actor may see, newest first, one page."""
    actor = as_viewer(actor)
    query = _filtered(select(Report).where(visible_reports(actor)), filters)
    if lead_center_id is not None:
        query = query.where(
            (Report.lead_center_id == lead_center_id)
            | Report.id.in_(
                select(ReportCoauthor.report_id).where(ReportCoauthor.center_id == lead_center_id)
            )
        )
    query = query.order_by(Report.publication_date.desc(), Report.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def report_rows(actor: Actor, filters: Filters) -> list[Report]:
    """Every visible report under the filters (for CSV), newest first."""
    actor = as_viewer(actor)
    query = _filtered(select(Report).where(visible_reports(actor)), filters)
    return list(db.session.scalars(query.order_by(Report.publication_date.desc(), Report.id.desc())))


def feed_reports(section: Section | None = None, limit: int = 50) -> list[Report]:
    """The newest public reports (of one section, or of all): what feeds and the home page show."""
    query = select(Report).where(visible_reports(None))
    if section is not None:
        query = query.where(Report.section_id == section.id)
    return list(
        db.session.scalars(query.order_by(Report.publication_date.desc(), Report.id.desc()).limit(limit))
    )


def report_years() -> list[int]:
    """The years the Year filter offers, newest first: from the latest publication date (or
    this year, whichever is later) down to the earliest.

    Two index lookups, whoever asks: listing the years of the reports one may see would
    scan every visible report on each request. The bounds are those of all reports, drafts
    too; they show only that some report is dated that early or late, no title or count.
    """
    earliest, latest = db.session.execute(
        select(
            select(func.min(Report.publication_date)).scalar_subquery(),
            select(func.max(Report.publication_date)).scalar_subquery(),
        )
    ).one()
    this_year = today().year
    if earliest is None:
        return [this_year]
    return list(range(max(this_year, latest.year), earliest.year - 1, -1))


def comments_for(actor: Actor, report: Report) -> list[Comment]:
    """The network conversation on a report, oldest first; nothing for who may not read it."""
    actor = as_viewer(actor)
    if not can_view_comments(actor, report):
        return []
    return list(
        db.session.scalars(
            select(Comment).where(Comment.report_id == report.id).order_by(Comment.created_at, Comment.id)
        )
    )


def file_for_download(actor: Actor, report_id: int, file_id: int) -> tuple[ReportFile, object]:
    """The file and its path, for someone who may see the report.

    :raises NotFound: when the report is not visible or has no such file
    """
    actor = as_viewer(actor)
    report = get_report(actor, report_id)
    report_file = next((f for f in report.files if f.id == file_id), None)
    if report_file is None:
        raise NotFound(_("No such file."))
    return report_file, storage.path_of(report_file.stored_name)


def stored_files() -> list[FileReference]:
    """Every stored report file, for ``files verify`` and backups (no one's view)."""
    rows = db.session.execute(
        select(ReportFile.report_id, ReportFile.original_name, ReportFile.stored_name, ReportFile.size,
               ReportFile.sha256).order_by(ReportFile.id)
    )  # fmt: skip
    return [
        FileReference(stored_name, size, sha256,
                      _("file “%(name)s” of report %(id)d", name=original_name, id=report_id))
        for report_id, original_name, stored_name, size, sha256 in rows
    ]  # fmt: skip


_UPSERT = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def record_download(actor: Actor, report_file: ReportFile) -> None:
    """Count a download in the counter table (the only write a GET makes); a file of a
    report that is not public is also an audit event (``reports.file_download``): who read it.

    One statement inserts the counter or bumps it, so two first downloads at the same
    moment both count instead of one of them failing on the primary key.
    """
    with unit_of_work(unchecked="the download counter: whoever may download the file bumps it"):
        report = report_file.report
        if report.visibility is not Visibility.PUBLIC:
            audit.record(actor, "reports.file_download", report, file_id=report_file.id,
                         file=report_file.original_name)  # fmt: skip
        insert = _UPSERT[db.session.get_bind().dialect.name]
        db.session.execute(
            insert(DownloadCount)
            .values(file_id=report_file.id, count=1)
            .on_conflict_do_update(
                index_elements=[DownloadCount.file_id], set_={"count": DownloadCount.count + 1}
            )
        )


def download_counts(report: Report) -> dict[int, int]:
    """Downloads of each of the report's files, by file id (files never downloaded are left out)."""
    ids = [f.id for f in report.files]
    if not ids:
        return {}
    return dict(
        db.session.execute(
            select(DownloadCount.file_id, DownloadCount.count).where(DownloadCount.file_id.in_(ids))
        ).all()
    )


def coauthor_candidates(exclude_center_id: int | None = None, keep: Report | None = None) -> list[Center]:
    """Member centers that may be named co-authors, plus those a report already names."""
    current = [c.center_id for c in keep.coauthors] if keep is not None else []
    query = select(Center).where((Center.status == CenterStatus.APPROVED) | Center.id.in_(current))
    if exclude_center_id is not None:
        query = query.where(Center.id != exclude_center_id)
    return list(db.session.scalars(query.order_by(Center.name)))


def share_candidates(report: Report) -> list[Center]:
    """Member centers the report may still be shared with: not its lead or co-authoring
    centers (they see it already), nor a center it is shared with."""
    taken = (
        {report.lead_center_id}
        | {c.center_id for c in report.coauthors}
        | {s.center_id for s in report.shares}
    )
    return list(
        db.session.scalars(
            select(Center)
            .where(Center.status == CenterStatus.APPROVED, Center.id.not_in(taken))
            .order_by(Center.name)
        )
    )


def center_for_new_report(actor: Actor, slug: str | None) -> Center:
    """The center a new report is posted for: the one named, or the actor's first.

    :raises PermissionDenied: when the actor may post for no such center
    """
    actor = as_viewer(actor)
    return choose_center(
        writable_centers(actor), slug, _("Only editors and focal points of an approved center post reports.")
    )


def per_page() -> int:
    """Reports on one page of a list."""
    return current_app.config["REPORTS_PER_PAGE"]


def today() -> date:
    """Today's date in UTC."""
    return utcnow().date()
