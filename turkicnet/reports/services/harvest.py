"""What outside systems harvest: OAI-PMH's records and sets, RePEc's series and papers.

Only what anyone may see goes out, by the one rule: a record's metadata is shown while
:func:`~turkicnet.reports.permissions.visible_reports` lets anonymous see the report. A report
that was ever public stays in the harvest for good as a deleted record (OAI-PMH's ``persistent``
deleted-record policy), whatever became of it — made network-only, draft again or deleted.
A record's datestamp is the report's ``updated_at``, which every edit, change of visibility and
deletion moves (:mod:`.editing`).

RePEc: there is no opt-in flag for a center today, so every approved center with at least one
public report is a series of working papers; an opt-in would be a later change.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from ...centers.models import Center, CenterStatus
from ...extensions import db
from ..models import Report, ReportCoauthor, Section
from ..permissions import can_cite_report, visible_reports

SECTION_SET = "section"
CENTER_SET = "center"


@dataclass(frozen=True)
class HarvestFilter:
    """OAI-PMH's selective harvesting: ``since`` inclusive, ``before`` exclusive, one set."""

    since: datetime | None = None
    before: datetime | None = None
    set_spec: str | None = None


@dataclass(frozen=True)
class HarvestRecord:
    report: Report
    deleted: bool
    datestamp: datetime
    set_specs: tuple[str, ...]


@dataclass(frozen=True)
class HarvestSet:
    spec: str
    name: str


def _harvested():
    """Every report that ever left the network: shown if public now, else a deleted record."""
    return Report.ever_public.is_(True)


def _set_condition(set_spec: str):
    kind, _colon, slug = set_spec.partition(":")
    if kind == SECTION_SET and slug:
        return Report.section_id.in_(select(Section.id).where(Section.slug == slug))
    if kind == CENTER_SET and slug:
        return Report.lead_center_id.in_(
            select(Center.id).where(Center.slug == slug, Center.status == CenterStatus.APPROVED)
        )
    return None


def _filtered(harvest_filter: HarvestFilter):
    """The filtered statement, or ``None`` when the set names nothing we have."""
    conditions = [_harvested()]
    if harvest_filter.since is not None:
        conditions.append(Report.updated_at >= harvest_filter.since)
    if harvest_filter.before is not None:
        conditions.append(Report.updated_at < harvest_filter.before)
    if harvest_filter.set_spec is not None:
        condition = _set_condition(harvest_filter.set_spec)
        if condition is None:
            return None
        conditions.append(condition)
    return and_(*conditions)


def _record(report: Report) -> HarvestRecord:
    specs = [f"{SECTION_SET}:{report.section.slug}"]
    if report.lead_center.status is CenterStatus.APPROVED:
        specs.append(f"{CENTER_SET}:{report.lead_center.slug}")
    return HarvestRecord(
        report=report,
        deleted=not can_cite_report(report),
        datestamp=report.updated_at,
        set_specs=tuple(specs),
    )


def _with_metadata(statement):
    # A list of records reads each record's topics, files and co-authors: once per page, not per record.
    return statement.options(
        selectinload(Report.topics),
        selectinload(Report.files),
        selectinload(Report.coauthors).joinedload(ReportCoauthor.center),
    )


def harvest_page(
    harvest_filter: HarvestFilter, *, after: tuple[datetime, int] | None, limit: int
) -> tuple[list[HarvestRecord], bool]:
    """Up to ``limit`` records in (datestamp, id) order after the key ``after``, and whether
    more follow. A keyset, not an offset: a record edited during a harvest moves to its end
    instead of shifting every page after it."""
    condition = _filtered(harvest_filter)
    if condition is None:
        return [], False
    statement = select(Report).where(condition)
    if after is not None:
        stamp, report_id = after
        statement = statement.where(
            or_(Report.updated_at > stamp, and_(Report.updated_at == stamp, Report.id > report_id))
        )
    statement = _with_metadata(statement.order_by(Report.updated_at, Report.id).limit(limit + 1))
    reports = list(db.session.scalars(statement))
    return [_record(report) for report in reports[:limit]], len(reports) > limit


def harvest_count(harvest_filter: HarvestFilter) -> int:
    """How many records the filter selects in all (OAI-PMH's ``completeListSize``)."""
    condition = _filtered(harvest_filter)
    if condition is None:
        return 0
    return db.session.scalar(select(func.count(Report.id)).where(condition)) or 0


def harvest_record(report_id: int) -> HarvestRecord | None:
    """One report's record; ``None`` for a report that never was public (or does not exist)."""
    report = db.session.scalar(_with_metadata(select(Report).where(Report.id == report_id, _harvested())))
    return _record(report) if report is not None else None


def earliest_datestamp() -> datetime | None:
    """The oldest datestamp of any record (``None`` while there is none)."""
    return db.session.scalar(select(func.min(Report.updated_at)).where(_harvested()))


def harvest_sets() -> list[HarvestSet]:
    """The sets: every thematic section, then every approved center."""
    sections = db.session.scalars(select(Section).order_by(Section.position, Section.id))
    centers = db.session.scalars(
        select(Center).where(Center.status == CenterStatus.APPROVED).order_by(Center.name, Center.id)
    )
    return [HarvestSet(f"{SECTION_SET}:{s.slug}", s.title) for s in sections] + [
        HarvestSet(f"{CENTER_SET}:{c.slug}", c.name) for c in centers
    ]


# ---------------------------------------------------------------- RePEc

#: A RePEc series handle is six characters: ``wp`` and the center's id in four digits. The id
#: never changes, so neither does the handle; a center past id 9999 would need another scheme.
SERIES_PREFIX = "wp"
MAX_SERIES_CENTER_ID = 9999


def series_code(center: Center) -> str:
    """The center's RePEc series code: ``wp0007`` for center 7."""
    return f"{SERIES_PREFIX}{center.id:04d}"


def _series_center_id(code: str) -> int | None:
    digits = code.removeprefix(SERIES_PREFIX)
    if len(code) != 6 or digits == code or not (digits.isascii() and digits.isdigit()):
        return None
    return int(digits) or None


def _public_of(center_id: int):
    return and_(visible_reports(None), Report.lead_center_id == center_id)


def repec_series() -> list[Center]:
    """The series: each approved center with at least one public report it leads."""
    with_public = select(Report.lead_center_id).where(visible_reports(None))
    return list(
        db.session.scalars(
            select(Center)
            .where(
                Center.status == CenterStatus.APPROVED,
                Center.id <= MAX_SERIES_CENTER_ID,
                Center.id.in_(with_public),
            )
            .order_by(Center.id)
        )
    )


def repec_series_center(code: str) -> Center | None:
    """The center whose series ``code`` names, if it is a series (see :func:`repec_series`)."""
    center_id = _series_center_id(code)
    if center_id is None:
        return None
    return next((center for center in repec_series() if center.id == center_id), None)


def repec_papers(center: Center) -> list[Report]:
    """The public reports the center leads, oldest first."""
    statement = select(Report).where(_public_of(center.id)).order_by(Report.id)
    return list(db.session.scalars(statement.options(selectinload(Report.files))))


def repec_paper(center: Center, report_id: int) -> Report | None:
    """One public report of the center's series, else ``None``."""
    statement = select(Report).where(_public_of(center.id), Report.id == report_id)
    return db.session.scalar(statement.options(selectinload(Report.files)))
