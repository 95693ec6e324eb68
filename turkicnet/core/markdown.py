"""User Markdown to safe HTML: rendered on the server, then sanitised with nh3."""

import html
import re

import markdown as markdown_lib
import nh3
from markupsafe import Markup

_ALLOWED_TAGS = {
    "p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "b", "i",
    "blockquote", "code", "pre", "hr", "a", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub",
}  # fmt: skip


_HEADING = re.compile(r"<(/?)h([1-6])\b")


def render_markdown(text: str) -> Markup:
    """Safe HTML; headings move one level down, as the page around them has its own ``<h1>``."""
    html = markdown_lib.markdown(text or "", extensions=["sane_lists", "tables"], output_format="html")
    html = _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + 1)}", html)
    # Safe to mark: nh3 has just removed everything outside the allow-list.
    return Markup(nh3.clean(html, tags=_ALLOWED_TAGS, link_rel="nofollow noopener noreferrer"))  # noqa: S704


def markdown_text(text: str) -> str:
    """The plain words of user Markdown, on one line: for citations and metadata, which hold no markup."""
    words = nh3.clean(render_markdown(text), tags=set())
    return " ".join(html.unescape(words).split())
