"""A report's language reads in the page's language on its page, in the search filters and in
the editor's choice of languages (issue 12: "Dil: English" on a Turkish page)."""

from turkicnet.extensions import db


def test_the_report_page_names_its_language_in_the_page_language(client, center, editor, make_report):
    report = make_report(editor, center, language="en")
    db.session.commit()
    page = client.get(f"/reports/{report.id}", headers={"Accept-Language": "tr"}).get_data(as_text=True)
    assert "<dd>İngilizce</dd>" in page
    assert "<dd>English</dd>" not in page


def test_the_search_filter_names_the_languages_in_the_page_language(client):
    page = client.get("/search?q=energy", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert '<option value="kk">Казахский</option>' in page
    assert ">Қазақша<" not in page.split('name="language"', 1)[1].split("</select>", 1)[0]


def test_the_editor_offers_the_languages_named_in_the_page_language(client, editor, login_as):
    editor.preferred_language = "ru"
    db.session.commit()
    login_as(editor)
    page = client.get("/reports/new").get_data(as_text=True)
    assert ">Турецкий</option>" in page
