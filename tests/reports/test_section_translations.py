"""Thematic sections, Vision 2040 topics and events read in the interface language (seeded by
migration 0010), fall back to English where a language is missing, and admins edit them."""

import pytest

from tests.conftest import audit_rows
from turkicnet.extensions import LANGUAGE_COOKIE, db
from turkicnet.reports import services
from turkicnet.reports.models import Section, Topic

PRIORITIES = "national-development-priorities"


def _page(client, path, language):
    client.set_cookie(LANGUAGE_COOKIE, language)
    response = client.get(path)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'<html lang="{language.replace("_", "-")}">' in page
    return page


@pytest.mark.parametrize(
    ("language", "title", "description"),
    [
        ("ru", "Национальные приоритеты развития тюркских стран",
         "Пятилетние планы развития национальных экономик тюркских государств."),
        ("kk", "Түркі елдерінің ұлттық даму басымдықтары",
         "Түркі мемлекеттері ұлттық экономикаларының бесжылдық даму жоспарлары."),
        ("uz_Latn", "Turkiy davlatlarning milliy rivojlanish ustuvorliklari", None),
        ("tr", "Türk devletlerinin ulusal kalkınma öncelikleri", None),
        ("az", "Türk dövlətlərinin milli inkişaf prioritetləri", None),
        ("ky", "Түрк өлкөлөрүнүн улуттук өнүгүү артыкчылыктары", None),
    ],
)  # fmt: skip
def test_a_seeded_section_reads_in_the_page_language(client, language, title, description):
    page = _page(client, f"/sections/{PRIORITIES}", language)
    assert f"<h1>{title}</h1>" in page
    assert "National development priorities of Turkic countries" not in page
    if description:
        assert description in page


def test_the_sections_list_names_the_event_and_its_city_in_the_page_language(client):
    page = _page(client, "/sections", "ru")
    assert "Сотрудничество исследовательских центров экономической политики тюркских государств" in page
    assert "Семинар исследовательских центров экономической политики тюркских государств, Астана" in page
    assert ">17 февраля 2023\u202fг.</time> – <time" in page  # CLDR's narrow no-break space


def test_a_report_page_shows_its_section_and_topics_in_the_page_language(
    client, center, editor, make_report
):
    topics = {t.slug: t for t in db.session.scalars(db.select(Topic))}
    report = make_report(editor, center, topic_ids=[topics["energy"].id, topics["trade"].id], files=[])
    page = _page(client, f"/reports/{report.id}", "kk")
    assert "Түркі елдерінің ұлттық даму басымдықтары" in page
    assert "Энергетика" in page and "Сауда және сауданы жеңілдету" in page
    assert "Trade and trade facilitation" not in page


def test_search_filters_and_lists_offer_section_titles_in_the_page_language(
    client, center, editor, make_report
):
    make_report(editor, center, title="Steppe economy", files=[])
    page = _page(client, "/search?q=steppe", "az")
    assert "Türk dövlətlərinin milli inkişaf prioritetləri</option>" in page
    assert page.count("Türk dövlətlərinin milli inkişaf prioritetləri") >= 2  # the filter and the hit


def test_a_language_without_a_translation_falls_back_to_english(client, admin):
    section = services.create_section(
        admin, title="Green transition", description="Energy and climate policy.", event_id=None,
        translations={"ru": {"title": "Зелёный переход", "description": ""}},
    )  # fmt: skip
    assert _page(client, f"/sections/{section.slug}", "ru").count("Зелёный переход") >= 2
    russian = _page(client, f"/sections/{section.slug}", "ru")
    assert "Energy and climate policy." in russian  # no Russian description: the English one
    kazakh = _page(client, f"/sections/{section.slug}", "kk")
    assert "<h1>Green transition</h1>" in kazakh and "Зелёный переход" not in kazakh


def test_the_section_page_runs_as_many_queries_in_russian_as_in_english(
    client, center, editor, make_report, count_queries
):
    for n in range(4):
        make_report(editor, center, title=f"Steppe economy {n}", files=[])

    def count(language):
        client.set_cookie(LANGUAGE_COOKIE, language)
        with count_queries() as counter:
            assert client.get(f"/sections/{PRIORITIES}").status_code == 200
        return len(counter.statements)

    assert count("ru") == count("en") == count("kk")


def test_an_admin_gives_a_section_its_titles_in_other_languages(app, client, login_as, admin):
    login_as(admin)
    form = client.get(f"/admin/sections/{PRIORITIES}").get_data(as_text=True)
    assert 'name="title_ru" type="text" value="Национальные приоритеты развития тюркских стран"' in form
    assert '<legend lang="uz-Latn">Oʻzbekcha</legend>' in form
    response = client.post(f"/admin/sections/{PRIORITIES}", data={
        "title": "National development priorities of Turkic countries",
        "description": "Five-year plans.", "event_id": "1",
        "title_ru": "  Национальные приоритеты развития  ", "description_ru": "Пятилетние планы.",
        "title_kk": "", "description_kk": "",
        "title_tr": "Ulusal kalkınma öncelikleri",
    })  # fmt: skip
    assert response.status_code == 302
    section = db.session.scalars(db.select(Section).where(Section.slug == PRIORITIES)).one()
    assert section.translations["ru"] == {"title": "Национальные приоритеты развития",
                                          "description": "Пятилетние планы."}
    assert section.translations["tr"] == {"title": "Ulusal kalkınma öncelikleri"}
    assert "kk" not in section.translations  # sent empty: English it is
    # Languages whose fields were not sent at all keep what they had.
    assert section.translations["uz_Latn"]["title"].startswith("Turkiy davlatlarning milliy")
    assert audit_rows("reports.save_section")[-1].details["languages"] == ["kk", "ru", "tr"]
    visitor = app.test_client()
    kazakh = _page(visitor, f"/sections/{PRIORITIES}", "kk")
    assert "<h1>National development priorities of Turkic countries</h1>" in kazakh
    assert "Five-year plans." in kazakh
    assert "<h1>Ulusal kalkınma öncelikleri</h1>" in _page(visitor, f"/sections/{PRIORITIES}", "tr")


def test_an_admin_creates_a_section_with_its_russian_title(client, login_as, admin):
    login_as(admin)
    response = client.post("/admin/sections", data={
        "title": "Green transition", "description": "", "event_id": "0", "title_ru": "Зелёный переход",
    })  # fmt: skip
    assert response.status_code == 302
    section = db.session.scalars(db.select(Section).where(Section.title == "Green transition")).one()
    assert section.translations == {"ru": {"title": "Зелёный переход"}}


def test_the_english_title_stays_required(client, login_as, admin):
    login_as(admin)
    response = client.post("/admin/sections", data={"title": "", "event_id": "0", "title_ru": "Зелёный"})
    assert response.status_code == 400
    assert not [s for s in db.session.scalars(db.select(Section)) if "Зелёный" in str(s.translations)]


def test_the_service_refuses_a_language_the_interface_does_not_speak(admin):
    from turkicnet.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        services.create_section(admin, title="Green transition", description="", event_id=None,
                                translations={"de": {"title": "Grüner Übergang"}})
