"""States are named in the page's language (CLDR through Babel), as their governments name them."""

import pytest

from turkicnet.core.languages import country_name


@pytest.mark.parametrize(
    "locale, code, name",
    [("en", "TR", "Türkiye"), ("tr", "KZ", "Kazakistan"), ("ru", "KG", "Кыргызстан"),
     ("kk", "UZ", "Өзбекстан"), ("uz_Latn", "AZ", "Ozarbayjon"), ("az", "TM", "Türkmənistan"),
     ("ky", "HU", "Венгрия")],
)  # fmt: skip
def test_a_state_is_named_in_the_language_asked(app, locale, code, name):
    with app.test_request_context():
        assert country_name(code, locale) == name


def test_the_country_page_names_the_state_in_the_page_language(client):
    page = client.get("/countries/KZ", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "<h1>Казахстан</h1>" in page
    assert "<h1>Kazakhstan</h1>" in client.get("/countries/KZ").get_data(as_text=True)
