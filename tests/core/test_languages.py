"""Which language a page is in, and the switcher that changes it (issue 12: languages)."""

import re

import pytest
from flask_babel import force_locale, gettext

from tests.conftest import audit_rows
from turkicnet.extensions import db

LANGUAGES = ["tr", "ru", "kk", "uz_Latn", "az", "ky"]


def _in(app, code: str, text: str) -> str:
    with app.test_request_context(), force_locale(code):
        return gettext(text)


def _lang_of(page: str) -> str:
    return re.search(r'<html lang="([^"]+)"', page).group(1)


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_browser_asking_for_a_language_gets_the_page_in_it(app, client, code):
    tag = code.replace("_", "-")
    page = client.get("/centers", headers={"Accept-Language": f"{tag},en;q=0.5"}).get_data(as_text=True)
    assert _lang_of(page) == tag
    translated = _in(app, code, "Centers")
    assert translated != "Centers"
    assert f">{translated}</a>" in page


def test_a_bare_uz_finds_uzbek_in_latin_script(client):
    page = client.get("/", headers={"Accept-Language": "uz"}).get_data(as_text=True)
    assert _lang_of(page) == "uz-Latn"


def test_an_unknown_language_is_english(client):
    page = client.get("/", headers={"Accept-Language": "fr-FR,de;q=0.8"}).get_data(as_text=True)
    assert _lang_of(page) == "en"


def test_the_switcher_sets_a_cookie_and_no_session(client):
    response = client.get("/auth/language/ru?next=/centers")
    assert response.status_code == 302 and response.location.endswith("/centers")
    cookies = response.headers.getlist("Set-Cookie")
    assert any(c.startswith("turkicnet_lang=ru") and "HttpOnly" in c for c in cookies)
    assert not any(c.startswith("session=") for c in cookies)
    page = client.get("/centers", headers={"Accept-Language": "tr"}).get_data(as_text=True)
    assert _lang_of(page) == "ru"


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\\\evil.example"])
def test_the_switcher_only_returns_to_this_site(client, target):
    response = client.get("/auth/language/tr", query_string={"next": target})
    assert response.status_code == 302
    assert response.location in ("/", "http://turkicnet.test/")


def test_an_unknown_language_is_a_404(client):
    assert client.get("/auth/language/xx").status_code == 404


def test_every_page_offers_each_language_in_its_own_name(client):
    page = client.get("/").get_data(as_text=True)
    for code, name in (("tr", "Türkçe"), ("ru", "Русский"), ("kk", "Қазақша"), ("uz-Latn", "Oʻzbekcha"),
                       ("az", "Azərbaycanca"), ("ky", "Кыргызча"), ("en", "English")):  # fmt: skip
        assert f'lang="{code}" hreflang="{code}"' in page
        assert f">{name}</a>" in page


def test_a_signed_in_person_saves_the_language_and_it_wins(client, login_as, editor):
    login_as(editor)
    response = client.post("/auth/language/kk", data={"next": "/centers"})
    assert response.status_code == 302
    db.session.refresh(editor)
    assert editor.preferred_language == "kk"
    assert audit_rows("auth.choose_language", editor)
    client.set_cookie("turkicnet_lang", "ru")
    page = client.get("/centers", headers={"Accept-Language": "tr"}).get_data(as_text=True)
    assert _lang_of(page) == "kk"


def test_a_visitor_cannot_save_a_language(client):
    response = client.post("/auth/language/kk")
    assert response.status_code == 302 and "/auth/login" in response.location


def test_mail_goes_out_in_the_recipients_language(app, make_user):
    from turkicnet.auth import services

    user = make_user()
    user.preferred_language = "ru"
    db.session.commit()
    services.create_personal_token(user, name="pipeline")
    from turkicnet.core.models import OutboxMessage

    message = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert _in(app, "ru", "A new API token was made on your TurkicNet account") in message.subject


def test_a_page_chosen_by_accept_language_tells_shared_caches_it_varies_by_it(client):
    # A cache in front of the site must not hand a Russian page to someone who asked in English.
    response = client.get("/centers", headers={"Accept-Language": "ru"})
    assert "Accept-Language" in response.headers.get("Vary", "")
    assert "Cookie" in response.headers.get("Vary", "")
