"""Text helpers: the transliteration key that names are matched by, slugs, clean lines."""

import re
import unicodedata
from urllib.parse import urlsplit

from anyascii import anyascii
from sqlalchemy import select

from ..extensions import db

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def match_key(text: str | None) -> str:
    """A key under which ``İktisat``, ``iktisat``, ``Iktisat`` and ``Иктисат`` meet.

    Transliterates any script to ASCII, folds case and drops punctuation and spaces.
    """
    if not text:
        return ""
    ascii_text = anyascii(unicodedata.normalize("NFKC", text)).lower()
    return _NOT_ALNUM.sub("", ascii_text)


def website_domain(url: str | None) -> str:
    """The host of a website URL without ``www.``, lower case; ``""`` when there is none."""
    if not url:
        return ""
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def slugify(text: str) -> str:
    return "-".join(_NOT_ALNUM.split(anyascii(text).lower())).strip("-")[:60] or "center"


def normalise_line(text: str | None) -> str:
    """One line of user text: NFC, no control characters, collapsed outer whitespace."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    return " ".join(text.split())


def normalise_block(text: str | None) -> str:
    """Multi-line user text: NFC and ``\\n`` line endings, stripped at both ends."""
    if not text:
        return ""
    return unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").strip()


def unique_slug(column, base: str) -> str:
    """``base``, or ``base-2``, ``base-3``… : the first that no row has in ``column`` (one query)."""
    taken = set(db.session.scalars(select(column).where((column == base) | column.startswith(f"{base}-"))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
