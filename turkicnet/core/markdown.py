"""User Markdown to safe HTML: rendered on the server, then sanitised with nh3."""

import html
import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_ALLOWED_TAGS = {
    "p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "b", "i",
    "blockquote", "code", "pre", "hr", "a", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub",
}  # fmt: skip


_HEADING = re.compile(r"<(/?)h([1-6])\b")
#: CommonMark (what authors write, and what GitHub and most editors show), with tables.
#: Raw HTML in the source passes to nh3, which keeps only the allow-list (``<sup>`` yes,
#: ``<script>`` and ``javascript:`` links no).
_RENDERER = MarkdownIt("commonmark", {"html": True}).enable("table")
#: A list item whose words begin with a number and a stop: "2. 5. Madde saklı…".
_ORDINAL_AFTER_MARKER = re.compile(r"^( *(?:[-*+]|\d{1,9}[.)]) {1,4})(\d{1,9})([.)])(?= )", re.MULTILINE)


def _keep_ordinals(text: str) -> str:
    """An item that begins with a number and a full stop (``2. 5. Madde saklı…``) means the
    words — an ordinal, or a reference to an article — not a second list opening on the same
    line, as CommonMark would read it: the stop is escaped so that it stays in the text."""
    return _ORDINAL_AFTER_MARKER.sub(r"\1\2\\\3", text)


def render_markdown(text: str) -> Markup:
    """Safe HTML; headings move one level down, as the page around them has its own ``<h1>``."""
    html = _RENDERER.render(_keep_ordinals(text or ""))
    html = _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + 1)}", html)
    # Safe to mark: nh3 has just removed everything outside the allow-list.
    return Markup(nh3.clean(html, tags=_ALLOWED_TAGS, link_rel="nofollow noopener noreferrer"))  # noqa: S704


def markdown_text(text: str) -> str:
    """The plain words of user Markdown, on one line: for citations and metadata, which hold no markup."""
    words = nh3.clean(render_markdown(text), tags=set())
    return " ".join(html.unescape(words).split())
