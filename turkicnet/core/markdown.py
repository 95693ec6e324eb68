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
_LIST_ITEM = re.compile(r"^( *)([-*+]|\d{1,9}[.)])( {1,4})(?=\S)")
_NUMBER_AFTER_MARKER = re.compile(r"^(\d{1,9})([.)])(?= )")


def _nest_lists(text: str) -> str:
    """Indent the items and paragraphs of nested lists the way Python-Markdown reads them.

    Authors write lists as CommonMark does: what belongs to an item is indented to the column
    where the item's words begin (three spaces under ``1. ``, two under ``- ``). Python-Markdown
    wants four spaces per level, so it would glue a nested list onto its parent's words with
    its "- " showing; here each line moves to four spaces per level of the list it belongs to.
    An item that begins with a number and a full stop (``2. 5. Madde saklı…``) means the words,
    an ordinal or a reference to an article, not a second list opening on the same line: the
    stop is escaped so that it stays in the text.
    """
    out: list[str] = []
    columns: list[int] = []  # where the words of each open item begin, outermost first
    blank_before = continued = False
    for line in text.split("\n"):
        if not line.strip():
            out.append(line)
            blank_before = True
            continue
        expanded = line.expandtabs(4)
        indent = len(expanded) - len(expanded.lstrip(" "))
        marker = _LIST_ITEM.match(expanded)
        if marker and (not columns and indent < 4 or columns and indent < columns[-1] + 4):
            while columns and indent < columns[-1]:
                columns.pop()
            words = expanded[marker.end():]
            words = _NUMBER_AFTER_MARKER.sub(r"\1\\\2", words)
            if continued and not blank_before:
                out.append("")  # Python-Markdown would read the item as the paragraph's next line
            out.append(" " * (4 * len(columns)) + marker.group(2) + " " + words)
            columns.append(indent + len(marker.group(2)) + len(marker.group(3)))
            continued = False
        elif columns and indent >= columns[0]:
            depth = sum(1 for column in columns if indent >= column)
            del columns[depth:]
            out.append(" " * (4 * depth + indent - columns[-1]) + expanded.lstrip(" "))
            continued = True
        else:
            if blank_before:
                columns.clear()
            out.append(line)
            continued = False
        blank_before = False
    return "\n".join(out)


def render_markdown(text: str) -> Markup:
    """Safe HTML; headings move one level down, as the page around them has its own ``<h1>``."""
    html = markdown_lib.markdown(
        _nest_lists(text or ""), extensions=["sane_lists", "tables"], output_format="html"
    )
    html = _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + 1)}", html)
    # Safe to mark: nh3 has just removed everything outside the allow-list.
    return Markup(nh3.clean(html, tags=_ALLOWED_TAGS, link_rel="nofollow noopener noreferrer"))  # noqa: S704


def markdown_text(text: str) -> str:
    """The plain words of user Markdown, on one line: for citations and metadata, which hold no markup."""
    words = nh3.clean(render_markdown(text), tags=set())
    return " ".join(html.unescape(words).split())
