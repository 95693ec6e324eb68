"""Full-text search over the reports one may see, and keeping a report's search text current."""

import logging
from dataclasses import dataclass

from sqlalchemy import Select, func, select

from ...core import storage
from ...core.markdown import markdown_text
from ...core.permissions import Actor, as_viewer
from ...core.search import fold, highlight, terms
from ...extensions import db
from .. import search_index
from ..models import Report, ReportText
from ..permissions import visible_reports
from .queries import Filters, _filtered

log = logging.getLogger(__name__)

_PDF_TEXT_LIMIT = 200_000


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


def search_statements(actor: Actor, query_terms: list[str], filters: Filters) -> SearchStatements:
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
    actor: Actor, query_text: str, filters: Filters, *, page: int = 1, per_page: int = 20
) -> SearchPage:
    """Full-text search over the reports the actor may see, ranked, with snippets."""
    query_terms = terms(query_text)
    page = max(1, page)
    if not query_terms:
        return SearchPage([], 0, page, per_page)
    actor = as_viewer(actor)
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
        # The abstract is Markdown: a snippet is its plain words, so no "**" or "#" shows.
        snippet = highlight(markdown_text(report.abstract), query_terms)
        if "<mark>" not in snippet and texts.get(report_id):
            snippet = highlight(texts[report_id], query_terms)
        items.append(SearchResult(report, snippet))
    return SearchPage(items, min(counted, RANK_LIMIT), page, per_page, more)


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
            log.warning("could not read text of %r: %r", report_file.original_name, str(exc))
    return "\n".join(chunks)[:_PDF_TEXT_LIMIT]


def reindex(report: Report, *, files_changed: bool = True) -> None:
    """Bring the report's search text up to date inside the caller's unit of work.

    It flushes and never commits: the service that changed the report calls it, and the
    text lands (or is rolled back) with that change. The text of the PDFs is read again
    only when files were added or removed (``files_changed``); an edit of the other
    fields reuses what was read before.
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
    folded = fold(words)
    if report_text is None:
        report_text = ReportText(report_id=report.id)
        db.session.add(report_text)
    report_text.body_text, report_text.folded = body_text, folded
    db.session.flush()
    search_index.index_document(report.id, folded)
