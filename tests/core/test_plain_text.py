"""Markdown as plain words, for search snippets and feed summaries: the marks go, the words
stay, in order, and a highlighted term is still marked."""

import re

from hypothesis import given
from hypothesis import strategies as st

from turkicnet.core.markdown import markdown_text
from turkicnet.core.search import highlight, terms

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzçğışöüəқұңәё", min_size=2, max_size=10)

INLINE = st.one_of(
    WORD,
    WORD.map(lambda w: f"**{w}**"),
    WORD.map(lambda w: f"*{w}*"),
    WORD.map(lambda w: f"_{w}_"),
    WORD.map(lambda w: f"`{w}`"),
    WORD.map(lambda w: f"[{w}](https://example.org/{w})"),
)
BLOCK_START = st.sampled_from(["", "# ", "## ", "### ", "- ", "* ", "1. ", "> "])


@st.composite
def markdown_document(draw):
    """Paragraphs, headings, lists and quotes of bold, italic, code and linked words, and the words."""
    lines, words = [], []
    for _line in range(draw(st.integers(1, 6))):
        pieces = draw(st.lists(INLINE, min_size=1, max_size=6))
        lines.append(draw(BLOCK_START) + " ".join(pieces))
        words.extend(re.sub(r"\]\(.*\)|[*_`\[]", "", piece) for piece in pieces)
    return "\n\n".join(lines), words


@given(markdown_document())
def test_markdown_comes_out_as_its_words_in_order_with_no_marks(document):
    source, words = document

    text = markdown_text(source)

    assert "**" not in text and "](" not in text and "`" not in text
    assert not re.search(r"(^|\s)#+\s", text)
    assert text.split() == words


@given(markdown_document())
def test_a_snippet_of_markdown_marks_the_searched_word_and_shows_no_markdown(document):
    source, words = document
    searched = words[-1]

    snippet = str(highlight(markdown_text(source), terms(searched), words=len(words) + 1))

    assert "**" not in snippet and "](" not in snippet and "https://" not in snippet
    assert f"<mark>{searched}</mark>" in snippet
