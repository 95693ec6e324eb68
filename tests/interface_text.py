"""What a page says to a person, and the English interface strings found in it.

:func:`visible_text` renders a page's words as a person reads them (and the names a screen
reader reads: ``alt``, ``title``, ``aria-label``, ``placeholder``, button values), leaving
out what is marked as another language than the page's. :class:`EnglishStrings` holds a
catalogue's msgids whose translation differs from the English and finds them, whole, in a
text: a msgid's placeholders stand for anything, its literal words must be there as written.
"""

import html
import re
from pathlib import Path

from babel.messages.pofile import read_po
from lxml import html as lxml_html

TRANSLATIONS = Path(__file__).resolve().parent.parent / "turkicnet" / "translations"
#: Where skipped content stood (another language, a name): a placeholder may cover it, words may not.
GAP = "\u2063"
_PLACEHOLDER = re.compile(r"%\([a-z_0-9]+\)[sdfr]|%[sd]|\{[a-z_0-9]*\}")
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[A-Za-z]+")
_SPACE = re.compile(r"\s+")
_INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "label", "mark",
    "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
}  # fmt: skip
_UNREAD = {"script", "style", "template", "noscript"}
_NAMES = ("alt", "title", "aria-label", "placeholder")


def _primary(tag: str) -> str:
    return tag.split("-", 1)[0].lower()


def page_language(page: str) -> str:
    """The ``lang`` of the page's ``<html>`` element ("" when it has none)."""
    return lxml_html.document_fromstring(page).get("lang", "")


def visible_text(page: str) -> str:
    """The page's words in reading order, a line to each block (a phrase never runs from one
    block into the next); content whose ``lang`` names another language than the page's is
    left out (a :data:`GAP` where it stood)."""
    root = lxml_html.document_fromstring(page)
    language = _primary(root.get("lang", ""))
    pieces: list[str] = []

    def walk(element, inherited: str) -> None:
        if not isinstance(element.tag, str) or element.tag in _UNREAD:
            return
        own = element.get("lang")
        if own is not None and own.strip() and _primary(own) != inherited:
            pieces.append(GAP)
            return
        if element.tag not in _INLINE:
            pieces.append("\n")
        for name in _NAMES:
            if element.get(name):
                pieces.append(f"\n{element.get(name)}\n")
        if element.tag == "input" and element.get("type") in ("submit", "button", "reset"):
            pieces.append(f"\n{element.get('value', '')}\n")
        if element.text:
            pieces.append(_SPACE.sub(" ", element.text))
        for child in element:
            walk(child, inherited)
            if child.tail:
                pieces.append(_SPACE.sub(" ", child.tail))
        if element.tag not in _INLINE:
            pieces.append("\n")

    walk(root, language)
    lines = (_SPACE.sub(" ", line).strip() for line in "".join(pieces).split("\n"))
    return "\n".join(line for line in lines if line)


_ADDRESS = re.compile(r"\b(?:https?://|mailto:)\S+|\S+@\S+\.\w+")


def without(text: str, names) -> str:
    """``text`` with every one of ``names`` (people's, centers', reports' own words), and every
    web and e-mail address, gapped out."""
    for name in sorted({_SPACE.sub(" ", name).strip() for name in names}, key=len, reverse=True):
        text = text.replace(name, GAP)
    return _ADDRESS.sub(GAP, text)


def _plain(msgid: str) -> str:
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", msgid))).strip()


def _telling(literal: str) -> bool:
    """Whether the words are English enough to tell: two words or more, or one of six letters."""
    words = _WORD.findall(literal)
    return len(words) >= 2 or any(len(word) >= 6 for word in words)


class EnglishStrings:
    """The English msgids of ``code``'s catalogue that read otherwise in ``code``."""

    def __init__(self, code: str):
        with open(TRANSLATIONS / code / "LC_MESSAGES" / "messages.po", "rb") as source:
            catalogue = read_po(source)
        self.code = code
        #: msgid -> (its longest literal piece, a pattern for the whole msgid)
        self.patterns: dict[str, tuple[str, re.Pattern]] = {}
        for entry in catalogue:
            if not entry.id or entry.fuzzy:
                continue
            ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
            forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
            translated = " ".join(_plain(form) for form in forms if form)
            for msgid in ids:
                self._add(_plain(msgid), translated)

    def _add(self, msgid: str, translated: str) -> None:
        if not translated or msgid in translated:
            return
        pieces = [piece.strip() for piece in _PLACEHOLDER.split(msgid)]
        while pieces and not pieces[0]:
            pieces.pop(0)
        while pieces and not pieces[-1]:
            pieces.pop()
        literal = " ".join(piece for piece in pieces if piece)
        if not _telling(literal):
            return
        pattern = r".{1,160}?".join(re.escape(piece) for piece in pieces)
        self.patterns[msgid] = (max(pieces, key=len), re.compile(rf"(?<![\w]){pattern}(?![\w])"))

    def found_in(self, text: str) -> list[tuple[str, str]]:
        """The msgids found in ``text``, each with the words around it, longest first; one
        found inside a longer one that is found there too is left out."""
        found = {}
        for msgid, (piece, pattern) in self.patterns.items():
            if piece in text and (match := pattern.search(text)):
                around = text[max(0, match.start() - 40) : match.end() + 40]
                found[msgid] = around.replace(GAP, "…").replace("\n", " / ")
        kept: list[tuple[str, str]] = []
        for msgid in sorted(found, key=len, reverse=True):
            if not any(msgid in longer for longer, _around in kept):
                kept.append((msgid, found[msgid]))
        return kept
