"""The language a report or a protocol text is written in is named in the page's language (CLDR
through Babel), as it reads alone: "Английский" on a Russian page, not "English"."""

import pytest

from turkicnet.core.languages import LANGUAGE_NAMES, language_name, language_names


@pytest.mark.parametrize(
    "locale, code, name",
    [("en", "kk", "Kazakh"), ("tr", "en", "İngilizce"), ("ru", "en", "Английский"),
     ("kk", "ru", "Орыс тілі"), ("uz_Latn", "en", "Inglizcha"), ("az", "en", "İngilis"),
     ("ky", "tr", "Түркчө")],
)  # fmt: skip
def test_a_language_is_named_in_the_language_asked_and_capitalised(app, locale, code, name):
    with app.test_request_context():
        assert language_name(code, locale) == name


def test_a_language_cldr_does_not_know_keeps_its_own_name_or_code(app):
    with app.test_request_context():
        assert language_name("xx", "ru") == "xx"


def test_every_language_a_text_may_be_in_is_named_in_the_page_language_in_the_same_order(app):
    with app.test_request_context():
        names = language_names("ru")
    assert list(names) == list(LANGUAGE_NAMES)
    assert names["hu"] == "Венгерский" and names["uz"] == "Узбекский"
