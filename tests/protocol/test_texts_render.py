"""The authentic texts render with the structure of their Markdown source (nested lists,
numbered articles and paragraphs), as the experience review found they did not."""

import re
from pathlib import Path

import pytest

from turkicnet.core.markdown import render_markdown

TEXTS = Path(__file__).resolve().parents[2] / "turkicnet" / "protocol" / "texts"


def _article(html: str, heading: str) -> str:
    start = html.index(heading)
    end = html.find("<h3>", start)
    return html[start : end if end != -1 else len(html)]


@pytest.mark.parametrize("language", ["en", "tr", "ru"])
def test_article_3s_sections_are_a_list_nested_in_its_first_paragraph(language):
    html = str(render_markdown((TEXTS / f"{language}.md").read_text("utf-8")))
    heading = {"en": "Article 3.", "tr": "Madde 3.", "ru": "Статья 3."}[language]
    article = _article(html, heading)
    assert "   - " not in article and "\n- " not in article  # no literal markers left in the words
    nested = r"<ol>\s*<li>[^<]*:\s*<ul>\s*<li>[^<]+</li>\s*<li>[^<]+</li>\s*</ul>\s*</li>\s*<li>"
    assert re.search(nested, article)


def test_the_turkish_reference_to_article_5_stays_words_not_a_nested_list():
    html = str(render_markdown((TEXTS / "tr.md").read_text("utf-8")))
    article = _article(html, "Madde 2.")
    assert "<li>5. Madde saklı kalmak kaydıyla rapor, veri ve yöntem paylaşmak;</li>" in article
    assert 'start="5"' not in article
    assert article.count("<li>") == 5 and article.count("<ol") == 1


@pytest.mark.parametrize("language", ["en", "tr", "ru"])
def test_every_article_and_its_numbered_paragraphs_keep_their_count(language):
    source = (TEXTS / f"{language}.md").read_text("utf-8")
    html = str(render_markdown(source))
    assert html.count("<h3>") == source.count("\n## ")
    numbered = len(re.findall(r"^\s*\d+\. ", source, flags=re.M))
    bullets = len(re.findall(r"^\s*- ", source, flags=re.M))
    assert html.count("<li>") == numbered + bullets


def test_a_list_nested_by_two_spaces_under_a_bullet_is_nested():
    html = str(render_markdown("- one\n  - one a\n  - one b\n- two\n"))
    nested = r"<ul>\s*<li>one\s*<ul>\s*<li>one a</li>\s*<li>one b</li>\s*</ul>\s*</li>\s*<li>two</li>\s*</ul>"
    assert re.fullmatch(nested, html.strip())


def test_an_indented_block_outside_any_list_is_still_code():
    html = str(render_markdown("Run:\n\n    flask db upgrade\n"))
    assert "<pre><code>flask db upgrade" in html


def test_a_continuation_paragraph_stays_inside_its_item():
    html = str(render_markdown("1. First.\n\n   More of the first.\n2. Second.\n"))
    assert re.search(r"<li>\s*<p>First.</p>\s*<p>More of the first.</p>\s*</li>", html)
