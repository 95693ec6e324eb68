"""The reports' full-text index: SQLite FTS5 (``report_fts``) or PostgreSQL (``report_texts``).

Both index the words of a report folded by :func:`core.search.fold`, so a query folded the
same way meets them; every term is matched as a prefix. These statements never commit:
they run inside the caller's unit of work.
"""

from sqlalchemy import text

from ..extensions import db


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
    """Drop one document from the full-text index; never commits."""
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
