"""The language walk's reader (tests/interface_text.py): it must find the English a person
would read, and nothing that is rightly in another language or someone's own words."""

from tests.interface_text import GAP, EnglishStrings, page_language, visible_text, without

PAGE = """<!doctype html><html lang="ru"><head><title>Центры</title><style>.x{}</style></head>
<body><nav aria-label="Breadcrumb"><a href="/">Главная</a></nav>
<h1>Sign version <b>2</b> for <span lang="kk">Экономикалық институт</span></h1>
<p>Доклад <span lang="en">Energy markets</span> · <q>Working paper</q></p>
<p>Ссылка: https://turkicnet.test/reports/1 и Log</p><p>in</p>
<input type="submit" value="Save the report"><img alt="Signatures over time" src="x.svg">
<script>var notShown = "Log in";</script></body></html>"""


def test_the_reader_keeps_what_a_person_reads_and_gaps_out_other_languages():
    text = visible_text(PAGE)
    assert page_language(PAGE) == "ru"
    assert "Центры" in text and "Breadcrumb" in text and "Signatures over time" in text
    assert "Save the report" in text
    assert "Energy markets" not in text and "Экономикалық" not in text and "notShown" not in text
    assert f"for {GAP}" in text
    # Blocks stay apart: the last word of one paragraph and the first of the next are no phrase.
    assert "Log in" not in text


def test_the_english_msgids_are_found_whole_with_placeholders_standing_for_anything():
    english = EnglishStrings("ru")
    found = dict(english.found_in(without(visible_text(PAGE), {"Working paper"})))
    assert "Sign version %(n)d for %(center)s" in found
    assert "Save the report" in found
    # Its own words, and a web address, are no interface string.
    assert not any("Working paper" in msgid or "reports" == msgid for msgid in found)


def test_a_msgid_whose_translation_reads_the_same_is_no_finding():
    english = EnglishStrings("ru")
    assert "TurkicNet" not in english.patterns
    # Too short to tell English from a shared word.
    assert not any(msgid in ("PDF", "CSV", "OK") for msgid in english.patterns)
