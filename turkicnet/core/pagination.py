"""The ``?page=`` of every list: a page number that is always a page."""

from flask import request

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
