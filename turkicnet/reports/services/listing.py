"""The reports list outside systems walk (the API): filters by slug, full text, keyset pages.

The same one visibility filter as every other list; pages run the same statements at any
depth and for any number of reports: the capped count, the page, and one load of the page's
topics.
"""

from dataclasses import dataclass

from sqlalchemy import extract, or_, select
from sqlalchemy.orm import selectinload

from ...centers.models import Center
from ...core.pagination import Slice, keyset_slice
from ...core.permissions import Actor, as_viewer
from ...core.search import terms
from .. import search_index
from ..models import Report, ReportCoauthor, Section, Topic, report_topics
from ..permissions import visible_reports

_ORDER = ((Report.publication_date, True), (Report.id, True))


@dataclass(frozen=True)
class ReportQuery:
    """The API's filters: slugs and codes as the caller writes them."""

    section: str = ""
    country: str = ""
    center: str = ""
    year: int | None = None
    language: str = ""
    topic: str = ""
    q: str = ""


def _filtered(query, wanted: ReportQuery):
    if wanted.section:
        query = query.where(Report.section_id.in_(select(Section.id).where(Section.slug == wanted.section)))
    if wanted.country:
        countries = select(Center.id).where(Center.country_code == wanted.country.upper())
        query = query.where(Report.lead_center_id.in_(countries))
    if wanted.center:
        center = select(Center.id).where(Center.slug == wanted.center).scalar_subquery()
        coauthored = select(ReportCoauthor.report_id).where(ReportCoauthor.center_id == center)
        query = query.where(or_(Report.lead_center_id == center, Report.id.in_(coauthored)))
    if wanted.year:
        query = query.where(extract("year", Report.publication_date) == wanted.year)
    if wanted.language:
        query = query.where(Report.language == wanted.language)
    if wanted.topic:
        tagged = (
            select(report_topics.c.report_id)
            .join(Topic, Topic.id == report_topics.c.topic_id)
            .where(Topic.slug == wanted.topic)
        )
        query = query.where(Report.id.in_(tagged))
    query_terms = terms(wanted.q)
    if query_terms:
        matches = search_index.matching_ids(query_terms).subquery()
        query = query.where(Report.id.in_(select(matches.c.doc_id)))
    return query


def report_slice(
    actor: Actor, wanted: ReportQuery, *, after: tuple | None = None, limit: int, cap: int
) -> Slice:
    """The reports ``actor`` may see under ``wanted``, newest first, ``limit`` after the
    key ``after`` (``(publication_date, id)`` of the last report of the page before), its total
    counted up to ``cap``."""
    actor = as_viewer(actor)
    query = _filtered(select(Report).where(visible_reports(actor)), wanted).options(
        selectinload(Report.topics)
    )
    return keyset_slice(
        query,
        _ORDER,
        after=after,
        limit=limit,
        cap=cap,
        key_of=lambda report: (report.publication_date, report.id),
    )
