"""Password hashing (Argon2id) and strength (zxcvbn, and what is left without the context words)."""

import re

from anyascii import anyascii
from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from zxcvbn import zxcvbn

from ..core.errors import ValidationFailed

MIN_LENGTH = 12
MIN_SCORE = 3
# zxcvbn's cost grows with length; what it cannot judge in 100 characters is strong anyway.
_JUDGED_LENGTH = 100


def hasher() -> PasswordHasher:
    cached = current_app.extensions.get("turkicnet_argon2")
    if cached is None:
        profile = getattr(profiles, current_app.config["ARGON2_PROFILE"])
        cached = current_app.extensions["turkicnet_argon2"] = PasswordHasher.from_parameters(profile)
    return cached


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return hasher().check_needs_rehash(password_hash)


def burn_time(password: str) -> None:
    """Spend a verification's time when there is no account, so timing says nothing."""
    verify_password(_dummy_hash(), password)


def _dummy_hash() -> str:
    cached = current_app.extensions.get("turkicnet_dummy_hash")
    if cached is None:
        cached = current_app.extensions["turkicnet_dummy_hash"] = hash_password("not a password")
    return cached


#: Words anyone guessing a TurkicNet password tries first: the platform's names, the
#: network's cities (capitals of members and observers, the summits'), its everyday words
#: and the demo's published password. Lower case, matched anywhere in the password.
PLATFORM_WORDS = (
    "turkicnet", "turkic", "turkish", "organization", "ots", "network", "secretariat", "protocol",
    "research", "center", "centre", "economic", "economy", "policy", "institute", "workshop", "summit",
    "demo", "password", "admin", "astana", "nursultan", "almaty", "tashkent", "samarkand", "baku",
    "shusha", "bishkek", "cholponata", "ankara", "istanbul", "ashgabat", "budapest", "lefkosa",
    "kazakhstan", "uzbekistan", "azerbaijan", "kyrgyzstan", "turkey", "turkiye", "turkmenistan",
    "hungary",
    # The same as the network's people write them, folded to ASCII (Taşkent → taskent).
    "taskent", "toshkent", "semerkant", "samarqand", "baki", "almati", "biskek", "asgabat", "turan",
    "qazaqstan", "kazakistan", "ozbekiston", "ozbekistan", "azerbaycan", "kirgizistan", "qirgiziston",
    "turkmenistan", "macaristan", "kibris",
)  # fmt: skip
_LEET = str.maketrans(
    {"4": "a", "@": "a", "3": "e", "0": "o", "1": "i", "!": "i", "5": "s", "$": "s", "7": "t"}
)
_WORD = re.compile(r"[^\W\d_]{3,}")
_SEPARATORS = frozenset(" -_.'’")


class PublishedPassword(str):
    """A password printed for everyone to read on purpose (the demo's)."""


def published_password(password: str) -> PublishedPassword:
    """Mark ``password`` as published on purpose, so :func:`check_strength` lets it through.

    Only the demo seed uses it: its accounts share the password the README prints, which
    the strength check refuses to anyone else. No form can make one.
    """
    return PublishedPassword(password)


def context_words(user_inputs: list[str]) -> list[str]:
    """The platform's words and the person's (name parts, e-mail local part and domain words)."""
    own = {anyascii(word).lower() for item in user_inputs if item for word in _WORD.findall(item)}
    return sorted(own | set(PLATFORM_WORDS), key=len, reverse=True)


def _folded(password: str) -> tuple[str, list[int]]:
    """``password`` in lower-case ASCII without separators (İstanbul, Ташкент, Nur-Sultan →
    istanbul, tashkent, nursultan), and for each folded letter the position it came from."""
    folded, origin = [], []
    for position, ch in enumerate(password):
        if ch in _SEPARATORS:
            continue
        for letter in anyascii(ch).lower():
            folded.append(letter)
            origin.append(position)
    return "".join(folded), origin


def without_context(password: str, words: list[str]) -> str:
    """What is left of ``password`` once every context word is taken out of it, in any script
    and also when spelt with digits for letters (``T4shk3nt``); separators go with them."""
    folded, origin = _folded(password)
    kept = [ch not in _SEPARATORS for ch in password]
    for spelling in (folded, folded.translate(_LEET)):
        for word in words:
            for match in re.finditer(re.escape(word), spelling):
                for index in range(match.start(), match.end()):
                    kept[origin[index]] = False
    return "".join(ch for ch, keep in zip(password, kept, strict=True) if keep)


def check_strength(password: str, user_inputs: list[str], field: str = "password") -> None:
    """Refuse short passwords, those zxcvbn scores below 3 given the person's details, and
    those that are weak once the platform's and the person's words are taken out.

    :raises ValidationFailed: with zxcvbn's advice on ``field``
    """
    if isinstance(password, PublishedPassword):
        return
    if len(password) < MIN_LENGTH:
        raise ValidationFailed(field, _("Use at least %(n)d characters.", n=MIN_LENGTH))
    words = context_words(user_inputs)
    result = zxcvbn(password[:_JUDGED_LENGTH], user_inputs=[item for item in user_inputs if item] + words)
    if result["score"] < MIN_SCORE:
        feedback = result.get("feedback") or {}
        advice = [feedback.get("warning") or ""] + list(feedback.get("suggestions") or [])
        advice_text = " ".join(part for part in advice if part)
        message = _("This password is too easy to guess.")
        raise ValidationFailed(field, f"{message} {advice_text}".strip())
    rest = without_context(password[:_JUDGED_LENGTH], words)
    if len(rest) < 8 or zxcvbn(rest, user_inputs=words)["score"] < MIN_SCORE:
        raise ValidationFailed(
            field,
            _("This password is too easy to guess. Without the words anyone can link to you or to "
              "TurkicNet (your name, its cities, the platform's own words), little is left: add "
              "a few unrelated words."),
        )  # fmt: skip
