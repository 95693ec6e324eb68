"""Report operations and the reads behind sections, search, feeds and downloads.

Every list goes through :func:`permissions.visible_reports`, so no title, count or snippet
of a report reaches someone who may not see it.
"""

import logging
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, extract, func, select, update
from sqlalchemy.orm.exc import StaleDataError

from ..auth.models import User
from ..centers.models import Center, CenterStatus, Membership, Role
from ..core import audit, search, storage
from ..core.db import commit
from ..core.errors import Conflict, NotFound, ServiceError, ValidationFailed
from ..core.languages import LANGUAGE_NAMES
from ..core.mail import queue_mail
from ..core.notifications import notify
from ..core.permissions import as_viewer, is_admin, require
from ..core.text import normalise_block, normalise_line, slugify
from ..core.timeutil import utcnow
from ..core.urls import external_url
from ..extensions import db
from . import search_index
from .models import (
    Comment,
    DownloadCount,
    Event,
    Report,
    ReportCoauthor,
    ReportFile,
    ReportShare,
    ReportText,
    Section,
    Topic,
    Visibility,
)
from .permissions import (
    can_comment,
    can_confirm_coauthorship,
    can_create_report,
    can_delete_report,
    can_edit_report,
    can_manage_report,
    can_view_comments,
    can_view_report,
    visible_reports,
    writable_centers,
)

log = logging.getLogger(__name__)

FILE_KINDS = {"pdf", "docx", "xlsx", "pptx", "odt", "ods", "csv"}
_PDF_TEXT_LIMIT = 200_000


class Gone(ServiceError):
    """A deleted report that was public once: its URL answers 410."""

    status_code = 410

    def __init__(self, report: Report):
        who = report.deleted_by.full_name if report.deleted_by else _("its center")
        super().__init__(
            _("“%(title)s” was withdrawn on %(date)s by %(who)s.",
              title=report.title, date=report.deleted_at.strftime("%Y-%m-%d"), who=who)
        )  # fmt: skip


@dataclass
class ReportData:
    """What an editor types about a report."""

    section_id: int
    title: str
    abstract: str = ""
    authors: list[str] = field(default_factory=list)
    coauthor_center_ids: list[int] = field(default_factory=list)
    language: str = "en"
    publication_date: date | None = None
    topic_ids: list[int] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    visibility: str = Visibility.DRAFT.value
    external_url: str = ""


@dataclass
class Filters:
    country: str = ""
    year: int | None = None
    language: str = ""
    section_id: int | None = None


# ---------------------------------------------------------------- sections (admins)


def list_sections() -> list[Section]:
    """Every section, retired ones too, in the admins' order."""
    return list(db.session.scalars(select(Section).order_by(Section.position, Section.id)))


def get_section(slug: str) -> Section:
    section = db.session.scalar(select(Section).where(Section.slug == slug))
    if section is None:
        raise NotFound(_("No such section."))
    return section


def save_section(
    actor, section: Section | None, *, title: str, description: str, event_id: int | None
) -> Section:
    """Create a section (``section`` is None) or edit one; the slug is made once.

    :raises PermissionDenied: unless an admin
    :raises ValidationFailed: for an empty title
    """
    actor = as_viewer(actor)
    require(is_admin(actor))
    title = normalise_line(title)
    if not title:
        raise ValidationFailed("title", _("Give the section a title."))
    if section is None:
        base, slug, n = slugify(title), slugify(title), 2
        while db.session.scalar(select(func.count(Section.id)).where(Section.slug == slug)):
            slug, n = f"{base}-{n}", n + 1
        position = (db.session.scalar(select(func.max(Section.position))) or 0) + 1
        section = Section(slug=slug, position=position)
        db.session.add(section)
    section.title, section.description, section.event_id = title, normalise_block(description), event_id
    audit.record(actor, "reports.save_section", section, slug=section.slug)
    commit()
    return section


def move_section(actor, section: Section, *, offset: int) -> None:
    """Swap a section with its neighbour above (``-1``) or below (``+1``)."""
    actor = as_viewer(actor)
    require(is_admin(actor))
    ordered = list_sections()
    index = ordered.index(section)
    other_index = index + offset
    if not 0 <= other_index < len(ordered):
        return
    other = ordered[other_index]
    section.position, other.position = other.position, section.position
    if section.position == other.position:
        section.position += offset
    audit.record(actor, "reports.move_section", section, offset=offset)
    commit()


def set_section_active(actor, section: Section, *, active: bool) -> Section:
    """Retire a section (its reports stay readable) or bring it back."""
    actor = as_viewer(actor)
    require(is_admin(actor))
    section.active = active
    audit.record(actor, "reports.restore_section" if active else "reports.retire_section", section)
    commit()
    return section


def create_event(actor, *, title: str, city: str, starts_on: date, ends_on: date) -> Event:
    """Record an event (a workshop, a conference) that sections may be tied to.

    :raises PermissionDenied: unless an admin
    :raises ValidationFailed: for an empty title or dates in the wrong order
    """
    actor = as_viewer(actor)
    require(is_admin(actor))
    title = normalise_line(title)
    if not title:
        raise ValidationFailed("title", _("Give the event a title."))
    if ends_on < starts_on:
        raise ValidationFailed("ends_on", _("The last day cannot come before the first."))
    event = Event(title=title, city=normalise_line(city), starts_on=starts_on, ends_on=ends_on)
    db.session.add(event)
    audit.record(actor, "reports.create_event", event, title=title)
    commit()
    return event


def list_events() -> list[Event]:
    return list(db.session.scalars(select(Event).order_by(Event.starts_on.desc())))


def list_topics() -> list[Topic]:
    return list(db.session.scalars(select(Topic).order_by(Topic.title)))


# ---------------------------------------------------------------- reads


def get_report(actor, report_id: int) -> Report:
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
    actor, filters: Filters, *, page: int = 1, per_page: int = 20, lead_center_id: int | None = None
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


def report_rows(actor, filters: Filters) -> list[Report]:
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


@dataclass
class SearchResult:
    report: Report
    snippet: object


@dataclass
class SearchPage:
    items: list[SearchResult]
    total: int
    page: int
    per_page: int
    more: bool = False  # there are more than ``total`` matches; they were not all counted

    @property
    def ranked(self) -> bool:
        """Ranked by relevance; past the ranking limit the newest come first."""
        return not self.more

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


#: Up to this many visible matches, results are ranked (bm25 / ts_rank) and counted
#: exactly; beyond it they are shown newest first and counted as "more than". Ranking or
#: counting every match of a very common word is what costs (bench/SEARCH.md).
RANK_LIMIT = 2000


@dataclass
class SearchStatements:
    """The statements a search runs, built once (the benchmark times and explains these)."""

    count: Select  # visible matches, counted up to RANK_LIMIT + 1
    ranked: Select  # ids of the visible matches, best first
    newest: Select  # ids of the visible matches, newest first

    def ids(self, *, more: bool, page: int, per_page: int) -> Select:
        """One page of ids: ranked up to the limit, newest first past it."""
        return (self.newest if more else self.ranked).limit(per_page).offset((page - 1) * per_page)


def search_statements(actor, query_terms: list[str], filters: Filters) -> SearchStatements:
    """The count and page-of-ids statements of a search for ``query_terms`` (never empty)."""
    actor = as_viewer(actor)
    matches = search_index.matching_ids(query_terms).subquery()
    matched_ids = select(matches.c.doc_id)
    visible = _filtered(select(Report.id).where(visible_reports(actor)), filters)
    # The matches go in as a list built once, so the database never runs the full-text
    # query once per visible report; the count stops at the ranking limit.
    bounded = visible.where(Report.id.in_(matched_ids)).limit(RANK_LIMIT + 1).subquery()
    return SearchStatements(
        count=select(func.count()).select_from(bounded),
        ranked=visible.join(matches, matches.c.doc_id == Report.id).order_by(
            matches.c.score, Report.publication_date.desc(), Report.id.desc()
        ),
        # Walk the date index and probe the list ("+ 0" keeps the id list from driving
        # the plan on SQLite).
        newest=visible.where((Report.id + 0).in_(matched_ids)).order_by(
            Report.publication_date.desc(), Report.id.desc()
        ),
    )


def search_reports(
    actor, query_text: str, filters: Filters, *, page: int = 1, per_page: int = 20
) -> SearchPage:
    """Full-text search over the reports the actor may see, ranked, with snippets."""
    actor = as_viewer(actor)
    query_terms = search.terms(query_text)
    page = max(1, page)
    if not query_terms:
        return SearchPage([], 0, page, per_page)
    statements = search_statements(actor, query_terms, filters)
    counted = db.session.scalar(statements.count) or 0
    more = counted > RANK_LIMIT
    ids = list(db.session.scalars(statements.ids(more=more, page=page, per_page=per_page)))
    reports = {r.id: r for r in db.session.scalars(select(Report).where(Report.id.in_(ids)))}
    texts = {
        t.report_id: t.body_text
        for t in db.session.scalars(select(ReportText).where(ReportText.report_id.in_(ids)))
    }
    items = []
    for report_id in ids:
        report = reports[report_id]
        snippet = search.highlight(report.abstract, query_terms)
        if "<mark>" not in snippet and texts.get(report_id):
            snippet = search.highlight(texts[report_id], query_terms)
        items.append(SearchResult(report, snippet))
    return SearchPage(items, min(counted, RANK_LIMIT), page, per_page, more)


def comments_for(actor, report: Report) -> list[Comment]:
    actor = as_viewer(actor)
    if not can_view_comments(actor, report):
        return []
    return list(
        db.session.scalars(
            select(Comment).where(Comment.report_id == report.id).order_by(Comment.created_at, Comment.id)
        )
    )


def file_for_download(actor, report_id: int, file_id: int) -> tuple[ReportFile, object]:
    """The file and its path, for someone who may see the report.

    :raises NotFound: when the report is not visible or has no such file
    """
    actor = as_viewer(actor)
    report = get_report(actor, report_id)
    report_file = next((f for f in report.files if f.id == file_id), None)
    if report_file is None:
        raise NotFound(_("No such file."))
    return report_file, storage.path_of(report_file.stored_name)


def record_download(report_file: ReportFile) -> None:
    """Count a download in the counter table (the only write a GET makes)."""
    updated = db.session.execute(
        update(DownloadCount)
        .where(DownloadCount.file_id == report_file.id)
        .values(count=DownloadCount.count + 1)
    ).rowcount
    if not updated:
        db.session.add(DownloadCount(file_id=report_file.id, count=1))
    db.session.commit()


def download_counts(report: Report) -> dict[int, int]:
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


# ---------------------------------------------------------------- changes


def _clean(
    data: ReportData,
    lead_center_id: int,
    current_section_id: int | None = None,
    current_coauthors=frozenset(),
) -> ReportData:
    title = normalise_line(data.title)
    if not title:
        raise ValidationFailed("title", _("Give the report a title."))
    section = db.session.get(Section, data.section_id)
    if section is None:
        raise ValidationFailed("section_id", _("Choose a section."))
    if not section.active and section.id != current_section_id:
        raise ValidationFailed("section_id", _("This section is retired; choose another one."))
    if data.language not in LANGUAGE_NAMES:
        raise ValidationFailed("language", _("Choose the report's language."))
    if data.visibility not in {v.value for v in Visibility}:
        raise ValidationFailed("visibility", _("Choose who may see the report."))
    url = (data.external_url or "").strip()
    if url and not url.lower().startswith(("https://", "http://")):
        raise ValidationFailed("external_url", _("Give the full address, starting with https://."))
    authors = [normalise_line(a) for a in data.authors if normalise_line(a)]
    keywords = sorted({normalise_line(k) for k in data.keywords if normalise_line(k)}, key=str.lower)
    coauthors = sorted({cid for cid in data.coauthor_center_ids if cid != lead_center_id})
    added = set(coauthors) - set(current_coauthors)
    if added:
        approved = set(
            db.session.scalars(
                select(Center.id).where(Center.id.in_(added), Center.status == CenterStatus.APPROVED)
            )
        )
        if approved != added:
            raise ValidationFailed("coauthor_center_ids", _("Co-authors must be member centers."))
    return ReportData(
        section_id=section.id, title=title, abstract=normalise_block(data.abstract), authors=authors,
        coauthor_center_ids=coauthors, language=data.language,
        publication_date=data.publication_date or today(), topic_ids=list(data.topic_ids),
        keywords=keywords, visibility=data.visibility, external_url=url,
    )  # fmt: skip


def _apply(report: Report, data: ReportData, actor) -> None:
    report.section_id = data.section_id
    report.title = data.title
    report.abstract = data.abstract
    report.authors = data.authors
    report.keywords = data.keywords
    report.language = data.language
    report.publication_date = data.publication_date
    report.external_url = data.external_url
    report.topics = (
        list(db.session.scalars(select(Topic).where(Topic.id.in_(data.topic_ids)))) if data.topic_ids else []
    )
    current = {c.center_id: c for c in report.coauthors}
    for center_id, coauthor in current.items():
        if center_id not in data.coauthor_center_ids:
            report.coauthors.remove(coauthor)
    for center_id in data.coauthor_center_ids:
        if center_id not in current:
            report.coauthors.append(ReportCoauthor(center_id=center_id))


def _set_visibility(report: Report, visibility: str) -> None:
    target = Visibility(visibility)
    if target is not Visibility.DRAFT and any(c.confirmed_at is None for c in report.coauthors):
        raise ValidationFailed(
            "visibility",
            _("Every co-authoring center must confirm its co-authorship before the report leaves draft."),
        )
    report.visibility = target
    if target is Visibility.PUBLIC:
        report.ever_public = True


def _store_files(report: Report, uploads) -> list[str]:
    stored = []
    for upload in uploads or []:
        if upload is None or not getattr(upload, "filename", ""):
            continue
        saved = storage.save_upload(
            upload, field="files", max_size=current_app.config["UPLOAD_MAX_SIZE"], kinds=FILE_KINDS
        )
        stored.append(saved.stored_name)
        report.files.append(
            ReportFile(
                original_name=saved.original_name, stored_name=saved.stored_name, mime_type=saved.mime_type,
                size=saved.size, sha256=saved.sha256,
            )
        )  # fmt: skip
    return stored


def _pdf_text(report: Report) -> str:
    """Text of the report's PDFs, for search; a PDF that cannot be read adds nothing."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    chunks, length = [], 0
    for report_file in report.files:
        if report_file.mime_type != "application/pdf":
            continue
        try:
            reader = PdfReader(storage.path_of(report_file.stored_name))
            for page in reader.pages[:300]:
                chunk = page.extract_text() or ""
                chunks.append(chunk)
                length += len(chunk)
                if length > _PDF_TEXT_LIMIT:
                    break
        except (PyPdfError, ValueError, OSError, KeyError, TypeError) as exc:
            log.warning("could not read text of %s: %s", report_file.original_name, exc)
    return "\n".join(chunks)[:_PDF_TEXT_LIMIT]


def reindex(report: Report, *, files_changed: bool = True) -> None:
    """Bring the report's search text up to date; never commits.

    The text of the PDFs is read again only when files were added or removed
    (``files_changed``); an edit of the other fields reuses what was read before.
    """
    report_text = db.session.get(ReportText, report.id)
    if report_text is None or files_changed:
        body_text = _pdf_text(report)
    else:
        body_text = report_text.body_text
    words = " ".join(
        [report.title, report.abstract, " ".join(report.authors), " ".join(report.keywords),
         " ".join(t.title for t in report.topics), body_text]
    )  # fmt: skip
    folded = search.fold(words)
    if report_text is None:
        report_text = ReportText(report_id=report.id)
        db.session.add(report_text)
    report_text.body_text, report_text.folded = body_text, folded
    db.session.flush()
    search_index.index_document(report.id, folded)


def _commit_with_files(new_files: list[str], old_files: list[str] | None = None) -> None:
    try:
        commit()
    except Exception:
        for name in new_files:
            storage.delete(name)
        raise
    for name in old_files or []:
        storage.delete(name)


def create_report(actor, center: Center, data: ReportData, *, files=()) -> Report:
    """Post a report for ``center`` with its files (or an external URL).

    :raises PermissionDenied: unless an editor or focal point of the approved center
    :raises ValidationFailed: for a bad field or a file of a refused kind
    :raises FileTooLarge: for a file over the size limit
    """
    actor = as_viewer(actor)
    require(can_create_report(actor, center))
    data = _clean(data, center.id)
    report = Report(lead_center_id=center.id, created_by_id=actor.id)
    stored: list[str] = []
    try:
        _apply(report, data, actor)
        db.session.add(report)
        stored = _store_files(report, files)
        _set_visibility(report, data.visibility)
        db.session.flush()
        reindex(report)
        audit.record(actor, "reports.create", report, center=center.slug, visibility=report.visibility.value)
        _notify_coauthors(actor, report, data.coauthor_center_ids)
    except Exception:
        _undo(stored)
        raise
    _commit_with_files(stored)
    return report


def _undo(stored: list[str]) -> None:
    """A refused change leaves nothing behind: no pending rows, no stored files."""
    db.session.rollback()
    for name in stored:
        storage.delete(name)


def update_report(actor, report: Report, data: ReportData, *, expected_version: int, files=()) -> Report:
    """Save an edit made on the version the editor saw.

    :raises PermissionDenied: unless an editor of the lead or a co-authoring center
    :raises Conflict: when someone saved the report since (optimistic locking)
    :raises ValidationFailed: for a bad field, or leaving draft before co-authors confirm
    """
    actor = as_viewer(actor)
    require(can_edit_report(actor, report))
    if expected_version != report.lock_version:
        raise Conflict(_("Someone else saved this report while you were editing it. Your text is kept below: "
                         "compare it with the saved version and save again."))  # fmt: skip
    before = {c.center_id for c in report.coauthors}
    data = _clean(data, report.lead_center_id, report.section_id, before)
    # Who co-authors the report and who may see it are the lead center's decisions.
    if not can_manage_report(actor, report):
        if set(data.coauthor_center_ids) != before:
            raise ValidationFailed(
                "coauthor_center_ids", _("Only the lead center changes the list of co-authoring centers.")
            )
        if data.visibility != report.visibility.value:
            raise ValidationFailed("visibility", _("Only the lead center changes who may see the report."))
    stored: list[str] = []
    try:
        # Loading a collection or a topic must not flush the edit early: the one flush
        # below is where a concurrent save shows up, as a Conflict.
        with db.session.no_autoflush:
            _apply(report, data, actor)
            stored = _store_files(report, files)
            _set_visibility(report, data.visibility)
            report.updated_at = utcnow()
        try:
            db.session.flush()
        except StaleDataError as exc:
            raise Conflict(_("Someone else saved this report at the same moment. Your text is kept below: "
                             "save again."))  from exc  # fmt: skip
        reindex(report, files_changed=bool(stored))
        audit.record(actor, "reports.update", report, visibility=report.visibility.value)
        _notify_coauthors(actor, report, [c for c in data.coauthor_center_ids if c not in before])
    except Exception:
        _undo(stored)
        raise
    _commit_with_files(stored)
    return report


def remove_file(actor, report: Report, file_id: int) -> None:
    """Remove one file from a report."""
    actor = as_viewer(actor)
    require(can_edit_report(actor, report))
    report_file = next((f for f in report.files if f.id == file_id), None)
    if report_file is None:
        raise NotFound(_("No such file."))
    stored_name = report_file.stored_name
    report.files.remove(report_file)
    report.updated_at = utcnow()
    db.session.flush()
    reindex(report)
    audit.record(actor, "reports.remove_file", report, file=report_file.original_name)
    _commit_with_files([], [stored_name])


def confirm_coauthorship(actor, report: Report, center_id: int) -> ReportCoauthor:
    """A co-authoring center confirms it wrote the report with the lead center."""
    actor = as_viewer(actor)
    require(can_confirm_coauthorship(actor, report, center_id))
    coauthor = next(c for c in report.coauthors if c.center_id == center_id)
    if coauthor.confirmed_at is not None:
        return coauthor
    coauthor.confirmed_at = utcnow()
    coauthor.confirmed_by_id = actor.id
    audit.record(actor, "reports.confirm_coauthorship", report, center_id=center_id)
    commit()
    return coauthor


def _staff(center_ids, roles=None) -> list[User]:
    """Active staff of the centers, each once."""
    if not center_ids:
        return []
    members = select(Membership.user_id).where(Membership.center_id.in_(center_ids))
    if roles:
        members = members.where(Membership.role.in_(roles))
    return list(db.session.scalars(select(User).where(User.active, User.id.in_(members)).order_by(User.id)))


def _notify_coauthors(actor, report: Report, center_ids) -> None:
    actor = as_viewer(actor)
    link = external_url("reports.report", report_id=report.id)
    for user in _staff(center_ids, (Role.FOCAL_POINT, Role.EDITOR)):
        notify(user, "coauthorship_to_confirm", link=link, title=report.title, center=report.lead_center.name)
        queue_mail(user, _l("Please confirm your co-authorship of “%(title)s”", title=report.title),
                   "coauthorship", category="reports", report=report, url=link)  # fmt: skip


def share_report(actor, report: Report, center_ids: list[int]) -> list[ReportShare]:
    """Share the report with chosen centers; their staff are told (mail and notice).

    A center that is not among :func:`share_candidates` (the lead, a co-author, a center
    already shared with, one that is not a member) is passed over.

    :raises PermissionDenied: unless an editor of the lead center
    """
    actor = as_viewer(actor)
    require(can_manage_report(actor, report))
    candidates = {c.id for c in share_candidates(report)}
    added = []
    for center_id in dict.fromkeys(center_ids):
        if center_id in candidates:
            share = ReportShare(center_id=center_id, shared_by_id=actor.id)
            report.shares.append(share)
            added.append(share)
    if not added:
        return []
    audit.record(actor, "reports.share", report, centers=sorted(s.center_id for s in added))
    link = external_url("reports.report", report_id=report.id)
    for user in _staff([s.center_id for s in added]):
        notify(user, "report_shared", link=link, title=report.title, center=report.lead_center.name)
        queue_mail(user, _l("%(center)s shared a report with your center", center=report.lead_center.name),
                   "report_shared", category="reports", report=report, url=link)  # fmt: skip
    commit()
    return added


def unshare_report(actor, report: Report, center_id: int) -> None:
    """Stop sharing the report with one center."""
    actor = as_viewer(actor)
    require(can_manage_report(actor, report))
    share = next((s for s in report.shares if s.center_id == center_id), None)
    if share is None:
        raise NotFound(_("The report is not shared with that center."))
    report.shares.remove(share)
    audit.record(actor, "reports.unshare", report, center_id=center_id)
    commit()


def delete_report(actor, report: Report) -> None:
    """Delete a report; one that was ever public stays as a tombstone (410).

    :raises PermissionDenied: unless the lead center's focal point or an admin
    """
    actor = as_viewer(actor)
    require(can_delete_report(actor, report))
    stored = [f.stored_name for f in report.files]
    audit.record(actor, "reports.delete", report, title=report.title, tombstone=report.ever_public)
    search_index.remove_document(report.id)
    if report.ever_public:
        report.deleted_at = utcnow()
        report.deleted_by_id = actor.id
        report.files.clear()
        text_row = db.session.get(ReportText, report.id)
        if text_row is not None:
            db.session.delete(text_row)
    else:
        db.session.delete(report)
    _commit_with_files([], stored)


def add_comment(actor, report: Report, body: str) -> Comment:
    """Add to the network conversation on a report; its editors are told by e-mail.

    :raises PermissionDenied: unless the actor may take part in it
    :raises ValidationFailed: for an empty comment
    """
    actor = as_viewer(actor)
    require(can_comment(actor, report))
    body = normalise_block(body)
    if not body:
        raise ValidationFailed("body", _("Write a comment."))
    comment = Comment(report_id=report.id, author_id=actor.id, body=body[:10_000])
    db.session.add(comment)
    audit.record(actor, "reports.comment", report)
    centers = [report.lead_center_id] + [c.center_id for c in report.coauthors]
    link = external_url("reports.report", report_id=report.id) + "#comments"
    for user in _staff(centers, (Role.FOCAL_POINT, Role.EDITOR)):
        if user.id != actor.id:
            queue_mail(user, _l("New comment on “%(title)s”", title=report.title), "report_comment",
                       category="reports", report=report, author=actor, body=body, url=link)  # fmt: skip
    commit()
    return comment


def require_edit(actor, report: Report) -> None:
    """:raises PermissionDenied: unless the actor may edit the report"""
    actor = as_viewer(actor)
    require(can_edit_report(actor, report))


def per_page() -> int:
    return current_app.config["REPORTS_PER_PAGE"]


def today() -> date:
    return utcnow().date()


def center_for_new_report(actor, slug: str | None) -> Center:
    """The center a new report is posted for: the one named, or the actor's first.

    :raises PermissionDenied: when the actor may post for no such center
    """
    actor = as_viewer(actor)
    centers = writable_centers(actor)
    chosen = [c for c in centers if c.slug == slug] if slug else centers[:1]
    require(bool(chosen), _("Only editors and focal points of an approved center post reports."))
    return chosen[0]
