"""WTForms' own messages ("This field is required.", "Not a valid choice.", length and range
messages) come from the site's catalogues, in every language of the interface: WTForms ships
none for Azerbaijani, Kyrgyz or Uzbek, and its Turkish, Russian and Kazakh words are not ours."""

import html
import re

import pytest
from flask_babel import force_locale, get_translations

from turkicnet.config import Defaults
from turkicnet.core import form_messages
from turkicnet.extensions import LANGUAGE_COOKIE

LANGUAGES = [code for code in Defaults.LANGUAGES if code != "en"]


def _errors(page: str) -> list[str]:
    """Every error message under a field."""
    return [
        html.unescape(found)
        for found in re.findall(r'<p class="error" id="[^"]+-error">(.*?)</p>', page, re.S)
    ]


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_failed_form_shows_no_english_validator_message(app, client, make_user, login_as, code):
    user = make_user()
    user.preferred_language = code
    login_as(user)

    response = client.post(
        "/auth/profile",
        data={
            "full_name": "",
            "position": "x" * 121,
            "preferred_language": "de",
            "time_zone": "Mars/Olympus",
        },
    )

    assert response.status_code == 400
    shown = _errors(response.get_data(as_text=True))
    english = {
        "This field is required.",
        "Not a valid choice.",
        "Field cannot be longer than 120 characters.",
    }
    assert len(shown) == 4 and not english & set(shown), shown
    with app.test_request_context(), force_locale(code):
        ours = get_translations()  # WTForms fills the placeholders in itself
        assert shown == [
            ours.gettext("This field is required."),
            ours.ngettext("Field cannot be longer than %(max)d character.",
                          "Field cannot be longer than %(max)d characters.", 120) % {"max": 120},
            ours.gettext("Not a valid choice."),
            ours.gettext("Not a valid choice."),
        ]  # fmt: skip


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_registration_forms_address_and_length_messages_are_ours(client, code):
    client.set_cookie(LANGUAGE_COOKIE, code)

    page = client.post(
        "/auth/register",
        data={"email": "not an address", "full_name": "", "password": "short"},
    ).get_data(as_text=True)

    shown = set(_errors(page))
    english = {
        "Invalid email address.",
        "Field must be between 12 and 256 characters long.",
        "This field is required.",
    }
    assert len(shown) == 3 and not shown & english, shown


def test_every_wtforms_message_marked_for_our_catalogues_is_one_wtforms_uses():
    """The marked msgids are WTForms' own, letter for letter: otherwise the lookup misses."""
    from pathlib import Path

    import flask_wtf
    import wtforms

    sources = "".join(
        path.read_text(encoding="utf-8")
        for package in (wtforms, flask_wtf)
        for path in Path(package.__file__).parent.rglob("*.py")
    )
    for message in form_messages.MESSAGES:
        assert f'"{message}"' in sources, message
