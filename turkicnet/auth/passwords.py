"""Password hashing (Argon2id) and strength (zxcvbn)."""

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


def check_strength(password: str, user_inputs: list[str], field: str = "password") -> None:
    """Refuse short passwords and those zxcvbn scores below 3 given the person's details.

    :raises ValidationFailed: with zxcvbn's advice on ``field``
    """
    if len(password) < MIN_LENGTH:
        raise ValidationFailed(field, _("Use at least %(n)d characters.", n=MIN_LENGTH))
    inputs = [item for item in user_inputs if item] + ["turkicnet", "turkic", "ots"]
    result = zxcvbn(password[:_JUDGED_LENGTH], user_inputs=inputs)
    if result["score"] < MIN_SCORE:
        feedback = result.get("feedback") or {}
        advice = [feedback.get("warning") or ""] + list(feedback.get("suggestions") or [])
        advice_text = " ".join(part for part in advice if part)
        message = _("This password is too easy to guess.")
        raise ValidationFailed(field, f"{message} {advice_text}".strip())
