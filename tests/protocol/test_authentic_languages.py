"""Every authentic text can be read, checked and signed: the version page gives each text's own
fingerprint with its language named in the reader's language; the signing page offers each one."""

import hashlib
import html
import re

from tests.conftest import PASSWORD, audit_rows
from turkicnet.extensions import db


def _page(client, url, language="en") -> str:
    return html.unescape(client.get(url, headers={"Accept-Language": language}).get_data(as_text=True))


def test_the_version_page_gives_each_texts_own_fingerprint_beside_it(client, make_version):
    version = make_version()
    page = _page(client, f"/protocol/v/{version.number}")
    for language in ("en", "tr", "ru"):
        text = version.text(language)
        assert text.sha256 == hashlib.sha256(text.body.encode("utf-8")).hexdigest()
        row = re.search(rf'<tr id="text-{language}">(.*?)</tr>', page, flags=re.S).group(1)
        assert text.sha256 in row
        assert f"/protocol/v/{version.number}/text/{language}.md" in row
    assert "Authentic" in re.search(r'<tr id="text-tr">(.*?)</tr>', page, flags=re.S).group(1)
    assert "not authentic" in re.search(r'<tr id="text-ru">(.*?)</tr>', page, flags=re.S).group(1)


def test_languages_are_named_in_the_interface_language_with_their_own_name_tagged(client, make_version):
    version = make_version()
    english = _page(client, f"/protocol/v/{version.number}")
    assert 'Turkish (<span lang="tr">Türkçe</span>)' in english
    assert "Text in Türkçe" not in english
    russian = _page(client, f"/protocol/v/{version.number}", "ru")
    assert 'Турецкий (<span lang="tr">Türkçe</span>)' in russian
    turkish = _page(client, f"/protocol/v/{version.number}", "tr")
    assert "Rusça (<span lang=\"ru\">Русский</span>)" in turkish
    assert 'Türkçe (<span lang="tr">' not in turkish  # its own name, said once


def test_the_signing_page_reads_in_the_interface_language_when_that_text_is_authentic(
    client, login_as, center, signatory, make_version
):
    version = make_version()
    signatory.preferred_language = "tr"
    db.session.commit()
    login_as(signatory)
    page = _page(client, f"/protocol/v/{version.number}/sign")
    assert '<html lang="tr">' in page
    assert '<article lang="tr" class="protocol-text">' in page and "Madde 1. İşbirliği." in page
    assert version.text("tr").sha256 in page and version.text_sha256 in page
    # Russian is only a translation here, so a Russian reader is given English.
    signatory.preferred_language = "ru"
    db.session.commit()
    page = _page(client, f"/protocol/v/{version.number}/sign")
    assert '<html lang="ru">' in page and '<article lang="en" class="protocol-text">' in page


def test_the_signatory_chooses_any_authentic_text_and_is_told_one_fingerprint_binds_all(
    client, login_as, center, signatory, make_version
):
    version = make_version()
    login_as(signatory)
    page = _page(client, f"/protocol/v/{version.number}/sign?lang=tr&center={center.slug}")
    assert "Madde 1. İşbirliği." in page and "Article 1. The Parties cooperate." not in page
    assert "your signature binds every authentic text of version 1" in page
    assert f'href="/protocol/v/1/sign?lang=en&center={center.slug}"' in page
    action = re.search(r'<form class="stack" method="post" action="([^"]+)"', page).group(1)
    assert action.startswith("/protocol/v/1/sign?") and {"lang=tr", f"center={center.slug}"} == set(
        action.split("?")[1].split("&")
    )
    # A translation that is not authentic is not offered, and asking for it gives English.
    assert "lang=ru" not in page
    assert "Article 1. The Parties cooperate." in _page(client, f"/protocol/v/{version.number}/sign?lang=ru")


def test_signing_after_reading_the_turkish_text_binds_the_version_and_records_what_was_read(
    client, login_as, center, signatory, make_version
):
    version = make_version()
    login_as(signatory)
    response = client.post(
        f"/protocol/v/{version.number}/sign?center={center.slug}&lang=tr",
        data={"fingerprint": version.text_sha256, "signer_name": "Aliya Nurova", "signer_title": "Director",
              "confirm_authority": "y", "password": PASSWORD},
    )  # fmt: skip
    assert response.status_code == 302 and response.headers["Location"].endswith("/protocol/signatures/1")
    [event] = audit_rows("protocol.sign")
    assert event.details["read"] == "tr" and event.details["version"] == 1
