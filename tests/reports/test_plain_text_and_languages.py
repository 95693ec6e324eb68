"""Search snippets and feed summaries are plain words (no Markdown), a search that found
nothing says what to try, and a report's title and abstract carry the language they are in."""

import xml.dom.minidom

ABSTRACT = (
    "## Summary\n\nThe **Development Strategy** of [New Uzbekistan](https://example.org/strategy)"
    " and its `2030` goals."
)


def test_search_snippets_show_the_words_of_the_markdown_with_the_term_marked(
    client, center, editor, make_report
):
    make_report(editor, center, title="Reforms", abstract=ABSTRACT)

    page = client.get("/search?q=development").get_data(as_text=True)

    assert "Summary The <mark>Development</mark> Strategy of New Uzbekistan and its 2030 goals" in page
    assert "**" not in page and "## Summary" not in page and "](https://example.org" not in page


def test_feed_summaries_are_the_plain_words_of_the_abstract(client, center, editor, make_report):
    make_report(editor, center, title="Reforms", abstract=ABSTRACT)

    for path in ("/feeds/reports.atom", "/sections/national-development-priorities/feed.atom"):
        body = client.get(path).get_data(as_text=True)
        summary = xml.dom.minidom.parseString(body).getElementsByTagName("summary")[0]  # noqa: S318
        assert (
            summary.firstChild.data
            == "Summary The Development Strategy of New Uzbekistan and its 2030 goals."
        )


def test_feeds_tag_the_feed_and_each_entry_with_their_languages(client, center, editor, make_report):
    make_report(editor, center, title="Энергетика", abstract="Об энергетике.", language="ru")
    make_report(editor, center, title="Energetika", abstract="Energetika haqida.", language="uz")

    feed = xml.dom.minidom.parseString(client.get("/feeds/reports.atom").get_data(as_text=True))  # noqa: S318

    assert feed.documentElement.getAttribute("xml:lang") == "en"
    tags = {e.firstChild.data: e.getAttribute("xml:lang") for e in feed.getElementsByTagName("title")[1:]}
    assert tags == {"Энергетика": "ru", "Energetika": "uz-Latn"}
    assert {s.getAttribute("xml:lang") for s in feed.getElementsByTagName("summary")} == {"ru", "uz-Latn"}


def test_a_russian_report_on_an_english_page_carries_its_language(client, center, editor, make_report):
    report = make_report(editor, center, title="Энергетика", abstract="Об энергетике.", language="ru")

    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    listing = client.get("/sections/national-development-priorities").get_data(as_text=True)
    found = client.get("/search?q=энергетик").get_data(as_text=True)

    assert '<html lang="en">' in page
    assert '<h1 lang="ru">Энергетика</h1>' in page
    assert '<div class="abstract" lang="ru">' in page
    assert f'href="/reports/{report.id}" lang="ru">Энергетика</a>' in listing
    assert f'href="/reports/{report.id}" lang="ru">Энергетика</a>' in found
    assert '<p class="snippet" lang="ru">' in found


def test_an_uzbek_report_is_tagged_in_latin_script(client, center, editor, make_report):
    report = make_report(editor, center, title="Energetika", abstract="Energetika haqida.", language="uz")

    page = client.get(f"/reports/{report.id}").get_data(as_text=True)

    assert '<h1 lang="uz-Latn">Energetika</h1>' in page


def test_a_native_center_name_carries_its_state_language(client, make_center):
    center = make_center(country_code="KZ", native_name="Экономикалық зерттеулер институты")

    directory = client.get("/centers").get_data(as_text=True)
    profile = client.get(f"/centers/{center.slug}").get_data(as_text=True)

    assert 'lang="kk">Экономикалық зерттеулер институты</span>' in directory
    assert 'lang="">' not in directory
    assert '<p class="lead" lang="kk">Экономикалық зерттеулер институты</p>' in profile


def test_a_search_that_found_nothing_suggests_what_to_try_and_drops_each_filter(
    client, center, editor, make_report
):
    make_report(editor, center, title="Reforms", abstract=ABSTRACT)

    page = client.get("/search?q=nomatchhere&country=KZ&year=2026&language=ru").get_data(as_text=True)

    assert "No report matched. Things to try:" in page
    assert "Fewer words" in page
    drops = {
        "country": ("year=2026&amp;language=ru", "every country, not only Kazakhstan"),
        "year": ("country=KZ&amp;language=ru", "every year, not only 2026"),
        "language": ("country=KZ&amp;year=2026", "every language, not only Russian"),
    }
    for kept, sentence in drops.values():
        assert f'href="/search?q=nomatchhere&amp;{kept}">Search again in {sentence}</a>' in page
    assert 'href="/sections">Browse the reports by thematic section</a>' in page
