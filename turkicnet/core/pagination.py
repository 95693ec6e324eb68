"""The ``?page=`` of every list (a page number that is always a page), and keyset slices
with capped totals for the lists outside systems walk."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask import request
from sqlalchemy import ColumnElement, Select, and_, func, literal_column, or_, select

from ..extensions import db

#: No list is longer than this many pages; a larger number shows its (empty) last page, and
#: the offset it makes stays far inside any database's integer.
MAX_PAGE = 100_000


def page_number(name: str = "page") -> int:
    """The query's page number: missing, malformed or below 1 is page 1, above
    ``MAX_PAGE`` is ``MAX_PAGE``. A bad page number is a reader's typo, not an error."""
    raw = request.args.get(name, "").lstrip("0")
    if not raw or not (raw.isascii() and raw.isdigit()):
        return 1
    if len(raw) > len(str(MAX_PAGE)):
        return MAX_PAGE
    return min(int(raw), MAX_PAGE)


@dataclass(frozen=True)
class Slice:
    """One keyset page of a list: its items, where the next page starts, and a total that
    is exact up to a cap (``total_exact`` is false when there are more than ``total``)."""

    items: list
    total: int
    total_exact: bool
    next_key: tuple | None


def capped_count(query: Select, cap: int) -> tuple[int, bool]:
    """How many rows ``query`` gives, counted up to ``cap`` (and whether that is all of
    them): a big table is never counted whole for one request."""
    # Keep the query's FROM: with no WHERE naming a table, "1" alone would select from nothing.
    bounded = (
        query.with_only_columns(literal_column("1"), maintain_column_froms=True)
        .order_by(None)
        .limit(cap + 1)
        .subquery()
    )
    counted = db.session.scalar(select(func.count()).select_from(bounded)) or 0
    return min(counted, cap), counted <= cap


def _after(order: Sequence[tuple[ColumnElement, bool]], key: tuple):
    """The rows strictly after ``key`` in ``order`` ((column, descending) pairs), as one
    condition the index on those columns answers."""
    conditions = []
    for position, (column, descending) in enumerate(order):
        earlier = [order[i][0] == key[i] for i in range(position)]
        beyond = column < key[position] if descending else column > key[position]
        conditions.append(and_(*earlier, beyond))
    return or_(*conditions)


def keyset_slice(
    query: Select,
    order: Sequence[tuple[ColumnElement, bool]],
    *,
    after: tuple | None,
    limit: int,
    cap: int,
    key_of: Callable[[object], tuple],
) -> Slice:
    """The ``limit`` rows of ``query`` after ``after`` in ``order``, the capped total of the
    whole list, and the key the next page starts after (``key_of(item)`` of the last item).
    Two statements, at any depth: the page and the capped count."""
    total, exact = capped_count(query, cap)
    page = query
    if after is not None:
        page = page.where(_after(order, after))
    page = page.order_by(*(column.desc() if descending else column.asc() for column, descending in order))
    rows = list(db.session.scalars(page.limit(limit + 1)).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    return Slice(rows, total, exact, key_of(rows[-1]) if more and rows else None)
