"""Full-text search behind one interface: SQLite FTS5 by default, PostgreSQL full text.

Both index the same thing: the words of a document transliterated to ASCII and folded
(:func:`fold`), so ``İktisat``, ``iktisat``, ``ıktisat`` and ``Иктисат`` meet, accents or
not, and a query is folded the same way. Every term is matched as a prefix.
"""

import re

from markupsafe import Markup, escape
from sqlalchemy import text

from ..extensions import db
from .text import match_key

_WORD = re.compile(r"\w+", re.UNICODE)
_MAX_TERMS = 8


def fold(value: str) -> str:
    """Words transliterated to lower-case ASCII, separated by single spaces."""
    from anyascii import anyascii

    return " ".join(re.findall(r"[a-z0-9]+", anyascii(value or "").lower()))


def terms(query: str) -> list[str]:
    """The folded terms of a query (at most eight, each at least one character)."""
    return fold(query).split()[:_MAX_TERMS]


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def index_document(doc_id: int, folded: str) -> None:
    """Keep the full-text index of one document current; never commits."""
    if _dialect() == "sqlite":
        db.session.execute(text("DELETE FROM report_fts WHERE rowid = :id"), {"id": doc_id})
        insert = text("INSERT INTO report_fts (rowid, folded) VALUES (:id, :folded)")
        db.session.execute(insert, {"id": doc_id, "folded": folded})
    # PostgreSQL: report_texts.search_vector is a generated column with a GIN index.


def remove_document(doc_id: int) -> None:
    if _dialect() == "sqlite":
        db.session.execute(text("DELETE FROM report_fts WHERE rowid = :id"), {"id": doc_id})


def matching_ids(query_terms: list[str]):
    """A selectable of ``(doc_id, score)`` for documents containing every term as a prefix.

    Lower scores rank better on SQLite (bm25); on PostgreSQL the score is negated ts_rank,
    so both sort ascending.
    """
    if _dialect() == "postgresql":
        tsquery = " & ".join(f"{term}:*" for term in query_terms)
        return (
            text(
                "SELECT report_id AS doc_id, -ts_rank(search_vector, to_tsquery('simple', :q)) AS score "
                "FROM report_texts WHERE search_vector @@ to_tsquery('simple', :q)"
            )
            .bindparams(q=tsquery)
            .columns(doc_id=db.Integer, score=db.Float)
        )
    match = " AND ".join(f'"{term}"*' for term in query_terms)
    return (
        text("SELECT rowid AS doc_id, bm25(report_fts) AS score FROM report_fts WHERE report_fts MATCH :q")
        .bindparams(q=match)
        .columns(doc_id=db.Integer, score=db.Float)
    )


def highlight(source: str, query_terms: list[str], *, words: int = 40) -> Markup:
    """A window of ``source`` around the first matching word, matches in ``<mark>``."""
    tokens = list(_WORD.finditer(source or ""))
    if not tokens:
        return Markup("")
    folded_tokens = [match_key(token.group()) for token in tokens]
    hits = [i for i, word in enumerate(folded_tokens) if any(word.startswith(t) for t in query_terms)]
    first = hits[0] if hits else 0
    start = max(0, first - words // 3)
    end = min(len(tokens), start + words)
    pieces = []
    position = tokens[start].start()
    hit_set = set(hits)
    for index in range(start, end):
        token = tokens[index]
        pieces.append(escape(source[position : token.start()]))
        if index in hit_set:
            pieces.append(Markup("<mark>") + escape(token.group()) + Markup("</mark>"))
        else:
            pieces.append(escape(token.group()))
        position = token.end()
    snippet = Markup("").join(pieces)
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(tokens) else ""
    return escape(prefix) + snippet + escape(suffix)
