"""Password strength: the platform's own words and the person's do not make a password (F-09)."""

import pytest

from turkicnet.auth import passwords
from turkicnet.auth import services as auth_services
from turkicnet.core.errors import ValidationFailed
from turkicnet.demo.content import DEMO_PASSWORD

PROBE = ["probe.person@example.org", "probe.person", "Probe", "Person"]


def _refusal(password: str, user_inputs=PROBE) -> str:
    with pytest.raises(ValidationFailed) as refused:
        passwords.check_strength(password, user_inputs)
    return refused.value.message


@pytest.mark.parametrize(
    "password",
    [
        "turkicnet2026!!!",
        "ResearchCenter2025",
        "Astana2023Astana2023",
        "probeperson2026!",
        "tashkent samarkand 2024",
        "astana workshop demo 2023",
        "T4shk3nt-S4m4rk4nd-2024",
        "Bishkek Baku Ankara 2025",
        "OTS research centre 2026",
        "example.org probe 2026!",
        # As people of the network spell them: native names, Cyrillic, dotted and dashed.
        "Taşkent Semerkant 2024!",
        "İstanbulİstanbul2024",
        "Türkiye Bakı 2025!!",
        "Nur-Sultan 2023 Almatı",
        "Qazaqstan Özbekistan 24",
        "Ташкент Самарканд 2024",
    ],
)
def test_a_password_of_the_platforms_or_the_persons_words_is_refused(app, password):
    assert _refusal(password).startswith("This password is too easy to guess.")


def test_a_refusal_for_context_words_says_so(app):
    assert "anyone can link to you or to TurkicNet" in _refusal("astana workshop demo 2023")


@pytest.mark.parametrize(
    "password",
    ["quiet orbit lantern 58 meadow", "Kx9#mP2$vL7!qR4w", "astana quiet orbit lantern meadow 7"],
)
def test_a_good_passphrase_unrelated_to_those_words_passes(app, password):
    passwords.check_strength(password, PROBE)


def test_a_persons_name_counts_against_their_own_password_only(app):
    passphrase = "gulnara abdrakhmanova 1987 astana"
    _refusal(passphrase, ["gulnara@example.org", "gulnara", "Gulnara", "Abdrakhmanova"])
    passwords.check_strength(passphrase, PROBE)


def test_the_published_demo_password_is_refused_for_an_account_made_through_the_form(app):
    with pytest.raises(ValidationFailed) as refused:
        auth_services.register_user(
            email="someone@example.org", full_name="Some One", position="", password=DEMO_PASSWORD
        )
    assert refused.value.field == "password"


def test_only_a_password_marked_published_skips_the_check(app):
    passwords.check_strength(passwords.published_password(DEMO_PASSWORD), PROBE)
    with pytest.raises(ValidationFailed):
        passwords.check_strength(str(passwords.published_password(DEMO_PASSWORD)), PROBE)
