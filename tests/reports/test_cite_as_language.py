"""The "Cite as" line reads in the interface language where citeproc-py ships a CSL locale for it
(Russian, Turkish), else in English; either way it is tagged with the language it is in."""

import re

import pytest

from turkicnet.extensions import db
from turkicnet.reports import citations


@pytest.fixture
def public(center, editor, make_report):
    report = make_report(editor, center, authors=["Aigul Serikova", "Ayşe Yılmaz"])
    db.session.commit()
    return report


def _page(client, report, language: str) -> str:
    return client.get(f"/reports/{report.id}", headers={"Accept-Language": language}).get_data(as_text=True)


def _citation(page: str) -> tuple[str, str]:
    lang, line = re.search(r'<p class="citation" lang="([^"]+)">(.*?)</p>', page, re.S).groups()
    return lang, line


@pytest.mark.parametrize(("language", "locale"), [("ru", "ru-RU"), ("tr", "tr-TR"), ("en", "en-US"),
                                                  ("kk", "en-US"), ("uz_Latn", "en-US"), ("az", "en-US")])
def test_an_interface_language_has_its_shipped_csl_locale_or_american_english(language, locale):
    assert citations.csl_locale(language) == locale


def test_on_a_russian_page_the_reference_is_in_russian_and_says_so(client, public):
    lang, line = _citation(_page(client, public, "ru"))
    assert lang == "ru-RU"
    assert "Доступно на:" in line and "Serikova, A. и Yılmaz, A." in line
    assert "Available at" not in line


def test_on_a_turkish_page_the_reference_is_in_turkish(client, public):
    lang, line = _citation(_page(client, public, "tr"))
    assert lang == "tr-TR"
    assert "Erişim adresi:" in line and "Available at" not in line


def test_where_citeproc_has_no_locale_the_reference_is_english_and_tagged_english(client, public):
    page = _page(client, public, "kk")
    lang, line = _citation(page)
    assert lang == "en-US"
    assert "Working paper" in line and "Available at:" in line
    assert '<html lang="kk">' in page
