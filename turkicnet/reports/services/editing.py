"""Posting, editing and deleting reports, with their files and search text."""

import uuid
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from ...centers.models import Center, CenterStatus
from ...core import audit, storage
from ...core.db import in_unit_of_work, unit_of_work
from ...core.errors import Conflict, NotFound, ValidationFailed
from ...core.languages import LANGUAGE_NAMES
from ...core.permissions import Actor, as_viewer, require
from ...core.text import normalise_block, normalise_line
from ...core.timeutil import utcnow
from ...extensions import db
from .. import search_index
from ..models import Report, ReportCoauthor, ReportFile, ReportText, Section, Topic, Visibility
from ..permissions import can_create_report, can_delete_report, can_edit_report, can_manage_report
from .collaboration import _notify_coauthors
from .queries import today
from .search import reindex

FILE_KINDS = {"pdf", "docx", "xlsx", "pptx", "odt", "ods", "csv"}


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


def data_of(report: Report) -> ReportData:
    """What the report holds now, as an editor would type it (a partial edit starts here)."""
    return ReportData(
        section_id=report.section_id, title=report.title, abstract=report.abstract,
        authors=list(report.authors), coauthor_center_ids=[c.center_id for c in report.coauthors],
        language=report.language, publication_date=report.publication_date,
        topic_ids=[t.id for t in report.topics], keywords=list(report.keywords),
        visibility=report.visibility.value, external_url=report.external_url,
    )  # fmt: skip


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


def _apply(report: Report, data: ReportData) -> None:
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
    """Store the uploads and attach them to the report; each stored file is deleted again
    if the unit of work running rolls back (a later upload refused, a conflict…)."""
    stored = []
    for upload in uploads or []:
        if upload is None or not getattr(upload, "filename", ""):
            continue
        saved = storage.save_upload(
            upload, field="files", max_size=current_app.config["UPLOAD_MAX_SIZE"], kinds=FILE_KINDS
        )
        storage.keep_on_commit([saved.stored_name])
        stored.append(saved.stored_name)
        report.files.append(
            ReportFile(
                original_name=saved.original_name, stored_name=saved.stored_name, mime_type=saved.mime_type,
                size=saved.size, sha256=saved.sha256,
            )
        )  # fmt: skip
    return stored


class AlreadyPosted(Conflict):
    """The form was sent before (a double click, a retry): its report exists already."""

    def __init__(self, report: Report):
        super().__init__(_("This report was already saved: here it is."))
        self.report_id = report.id


def _creation_key(raw: str | None) -> str | None:
    """The form's one-time key as stored, or ``None`` for a missing or malformed one (the
    report is then posted without it)."""
    try:
        return str(uuid.UUID(raw)) if raw else None
    except ValueError:
        return None


def _posted_with(actor, creation_key: str) -> Report | None:
    """The report this person posted with the key: only theirs, so someone else's key can
    neither find nor reveal it."""
    return db.session.scalar(
        select(Report).where(Report.created_by_id == actor.id, Report.creation_key == creation_key)
    )


def create_report(actor: Actor, center: Center, data: ReportData, *, files=(), creation_key=None) -> Report:
    """Post a report for ``center`` with its files (or an external URL).

    ``creation_key`` is the one-time key of the form: a second submission of the same form
    posts nothing and raises :class:`AlreadyPosted` with the first report, also when both
    arrive at the same moment (the key is unique per person, and the loser of the race is
    refused by the database).

    :raises PermissionDenied: unless an editor or focal point of the approved center
    :raises AlreadyPosted: when this person already posted a report with the key
    :raises ValidationFailed: for a bad field or a file of a refused kind
    :raises FileTooLarge: for a file over the size limit
    """
    actor = as_viewer(actor)
    creation_key = _creation_key(creation_key)
    outermost = not in_unit_of_work()
    try:
        with unit_of_work():
            require(can_create_report(actor, center), target=center)
            existing = _posted_with(actor, creation_key) if creation_key else None
            if existing is not None:
                raise AlreadyPosted(existing)
            data = _clean(data, center.id)
            report = Report(lead_center_id=center.id, created_by_id=actor.id, creation_key=creation_key)
            _apply(report, data)
            db.session.add(report)
            _store_files(report, files)
            _set_visibility(report, data.visibility)
            db.session.flush()
            reindex(report)
            audit.record(
                actor, "reports.create", report, center=center.slug, visibility=report.visibility.value
            )
            _notify_coauthors(report, data.coauthor_center_ids)
            return report
    except IntegrityError:
        # The same form, sent at the same moment, won: the unit of work rolled back (and
        # deleted this attempt's files), so the winner's report can be read.
        existing = _posted_with(actor, creation_key) if creation_key and outermost else None
        if existing is None:
            raise
        raise AlreadyPosted(existing) from None


def update_report(
    actor: Actor, report: Report, data: ReportData, *, expected_version: int, files=()
) -> Report:
    """Save an edit made on the version the editor saw.

    :raises PermissionDenied: unless an editor of the lead or a co-authoring center
    :raises Conflict: when someone saved the report since (optimistic locking)
    :raises ValidationFailed: for a bad field, or leaving draft before co-authors confirm
    """
    actor = as_viewer(actor)
    with unit_of_work():
        require(can_edit_report(actor, report), target=report)
        if expected_version != report.lock_version:
            raise Conflict(_("Someone else saved this report while you were editing it. Your text is kept "
                             "below: compare it with the saved version and save again."))  # fmt: skip
        before = {c.center_id for c in report.coauthors}
        data = _clean(data, report.lead_center_id, report.section_id, before)
        # Who co-authors the report and who may see it are the lead center's decisions.
        if not can_manage_report(actor, report):
            if set(data.coauthor_center_ids) != before:
                raise ValidationFailed(
                    "coauthor_center_ids", _("Only the lead center changes the list of co-authoring centers.")
                )
            if data.visibility != report.visibility.value:
                raise ValidationFailed(
                    "visibility", _("Only the lead center changes who may see the report.")
                )
        # Loading a collection or a topic must not flush the edit early: the one flush
        # below is where a concurrent save shows up, as a Conflict.
        with db.session.no_autoflush:
            _apply(report, data)
            stored = _store_files(report, files)
            _set_visibility(report, data.visibility)
            report.updated_at = utcnow()
            # Always write the report's row, so its version counter moves even when only its
            # topics, co-authors or files changed within the same second as the last save.
            flag_modified(report, "updated_at")
        try:
            db.session.flush()
        except StaleDataError as exc:
            raise Conflict(_("Someone else saved this report at the same moment. Your text is kept below: "
                             "save again."))  from exc  # fmt: skip
        reindex(report, files_changed=bool(stored))
        audit.record(actor, "reports.update", report, visibility=report.visibility.value)
        _notify_coauthors(report, [c for c in data.coauthor_center_ids if c not in before])
        return report


def remove_file(actor: Actor, report: Report, file_id: int) -> None:
    """Remove one file from a report; the stored file goes once the change is committed.

    :raises PermissionDenied: unless the actor may edit the report
    :raises NotFound: when the report has no such file
    """
    actor = as_viewer(actor)
    with unit_of_work():
        require(can_edit_report(actor, report), target=report)
        report_file = next((f for f in report.files if f.id == file_id), None)
        if report_file is None:
            raise NotFound(_("No such file."))
        stored_name = report_file.stored_name
        report.files.remove(report_file)
        report.updated_at = utcnow()
        db.session.flush()
        reindex(report)
        audit.record(actor, "reports.remove_file", report, file=report_file.original_name)
        storage.keep_on_commit([], [stored_name])


def require_delete(actor: Actor, report: Report) -> None:
    """:raises PermissionDenied: unless the actor may delete the report (the question a
    confirmation page asks before :func:`delete_report` acts)"""
    require(can_delete_report(as_viewer(actor), report), target=report)


def delete_report(actor: Actor, report: Report) -> None:
    """Delete a report; one that was ever public stays as a tombstone (410).

    :raises PermissionDenied: unless the lead center's focal point or an admin
    """
    actor = as_viewer(actor)
    with unit_of_work():
        require(can_delete_report(actor, report), target=report)
        stored = [f.stored_name for f in report.files]
        audit.record(actor, "reports.delete", report, title=report.title, tombstone=report.ever_public)
        search_index.remove_document(report.id)
        if report.ever_public:
            # The tombstone's new datestamp is how OAI-PMH harvesters learn of the deletion.
            report.deleted_at = report.updated_at = utcnow()
            report.deleted_by_id = actor.id
            report.files.clear()
            text_row = db.session.get(ReportText, report.id)
            if text_row is not None:
                db.session.delete(text_row)
        else:
            db.session.delete(report)
        storage.keep_on_commit([], stored)


def require_edit(actor: Actor, report: Report) -> None:
    """:raises PermissionDenied: unless the actor may edit the report"""
    actor = as_viewer(actor)
    require(can_edit_report(actor, report), target=report)
