"""Search primitives any full-text index builds on: folding, query terms, highlighting.

A document's words are transliterated to ASCII and folded (:func:`fold`), so ``İktisat``,
``iktisat``, ``ıktisat`` and ``Иктисат`` meet, accents or not, and a query is folded the
same way (:func:`terms`). The index itself, with its tables, belongs to the feature that
owns the documents (``reports/search_index.py``).
"""

import re

from markupsafe import Markup, escape

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
