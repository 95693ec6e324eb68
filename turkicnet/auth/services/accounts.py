"""Accounts: registration, login, reset, profile. Each change checks permission, audits, commits once."""

import hashlib

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from ...core import audit
from ...core.db import unit_of_work
from ...core.errors import InvalidState, NotFound, ValidationFailed
from ...core.formatting import TIME_ZONES
from ...core.mail import OPTIONAL_CATEGORIES, queue_mail
from ...core.permissions import Actor, require, user_of
from ...core.text import normalise_line
from ...core.timeutil import utcnow
from ...core.urls import external_url
from ...extensions import db
from .. import passwords
from ..models import User
from ..permissions import can_change_own_account, can_manage_users

_VERIFY_SALT = "turkicnet.email-verify"
_RESET_SALT = "turkicnet.password-reset"


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such user."))
    return user


def load_session_user(session_id: str) -> User | None:
    """The user behind a Flask-Login id ``"<id>:<generation>"``, if that session still stands."""
    user_id, _sep, generation = (session_id or "").partition(":")
    if not (user_id.isdigit() and generation.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_generation != int(generation):
        return None
    return user


def _user_inputs(email: str, full_name: str) -> list[str]:
    return [email, email.split("@")[0], *full_name.split()]


def register_user(
    *,
    email: str,
    full_name: str,
    position: str,
    password: str,
    preferred_language: str = "en",
    next_path: str = "",
) -> User | None:
    """Create an unverified account and send the verification link.

    Registering an address that already has an account creates nothing; its owner is
    told by e-mail instead, so the form's answer never reveals who has an account.

    :raises ValidationFailed: for a weak password or a name that is empty once cleaned
    :returns: the new user, or ``None`` when the address was already registered
    """
    with unit_of_work(unchecked="registration is open to anyone"):
        email = normalise_email(email)
        full_name = normalise_line(full_name)
        if not full_name:
            raise ValidationFailed("full_name", _("Give your full name."))
        passwords.check_strength(password, _user_inputs(email, full_name))
        existing = get_user_by_email(email)
        if existing is not None:
            # Spend the hash a new account would cost, so the answer's timing says nothing either.
            passwords.hash_password(password)
            queue_mail(
                existing,
                _l("Someone tried to register with your e-mail address"),
                "account_exists",
                category="account",
                login_url=external_url("auth.login"),
                reset_url=external_url("auth.reset_request"),
            )
            audit.record(None, "auth.register_existing", existing)
            return None
        user = User(
            email=email,
            full_name=full_name,
            position=normalise_line(position),
            password_hash=passwords.hash_password(password),
            preferred_language=preferred_language
            if preferred_language in current_app.config["LANGUAGES"]
            else "en",
        )
        db.session.add(user)
        db.session.flush()
        _queue_verification(user, next_path)
        audit.record(user, "auth.register", user)
        return user


def _serializer(salt: str) -> URLSafeTimedSerializer:
    # Signed with the key; links made before a rotation still verify with a fallback key.
    keys = [*current_app.config["SECRET_KEY_FALLBACKS"], current_app.config["SECRET_KEY"]]
    return URLSafeTimedSerializer(keys, salt=salt)


def _load_token(salt: str, token: str, *, max_age: int, expired: str, invalid: str) -> dict:
    """The payload of a signed link, or :class:`InvalidState` with the message that fits."""
    try:
        return _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise InvalidState(expired) from exc
    except BadSignature as exc:
        raise InvalidState(invalid) from exc


def verification_token(user: User) -> str:
    """The signed token of the link that confirms ``user``'s address (what the mail carries)."""
    return _serializer(_VERIFY_SALT).dumps({"u": user.id, "e": user.email})


def _queue_verification(user: User, next_path: str = "") -> None:
    token = verification_token(user)
    values = {"token": token}
    if next_path:
        values["next"] = next_path
    queue_mail(
        user,
        _l("Confirm your e-mail address for TurkicNet"),
        "verify_email",
        category="account",
        verify_url=external_url("auth.verify_email", **values),
    )


def resend_verification(actor: Actor) -> None:
    """Send a fresh verification link to an unverified user."""
    with unit_of_work():
        require(can_change_own_account(actor))
        user = user_of(actor)
        if user.is_verified:
            raise InvalidState(_("Your e-mail address is already confirmed."))
        _queue_verification(user)
        audit.record(actor, "auth.verification_resent", user)


def user_for_verification_token(token: str) -> User:
    """The unverified user a verification link is for (nothing changes).

    :raises InvalidState: for an expired, altered or already used link
    """
    data = _load_token(
        _VERIFY_SALT,
        token,
        max_age=current_app.config["EMAIL_TOKEN_MAX_AGE"],
        expired=_("This confirmation link has expired. Log in to get a new one."),
        invalid=_("This confirmation link is not valid."),
    )
    user = db.session.get(User, data.get("u"))
    if user is None or user.email != data.get("e"):
        raise InvalidState(_("This confirmation link is not valid."))
    if user.is_verified:
        raise InvalidState(_("This confirmation link was already used."))
    return user


def verify_email(token: str) -> User:
    """Mark the address in a verification link as confirmed; a link works once.

    :raises InvalidState: for an expired, altered or already used link
    """
    with unit_of_work(unchecked="the signed link is the permission"):
        user = user_for_verification_token(token)
        user.email_verified_at = utcnow()
        audit.record(user, "auth.verify_email", user)
        return user


def authenticate(email: str, password: str) -> User:
    """The user with these credentials, or one message that does not say which was wrong.

    :raises ValidationFailed: on ``password`` for unknown e-mail, wrong password, or a
        deactivated account
    """
    user = get_user_by_email(email)
    if user is None:
        passwords.burn_time(password)
    if user is None or not passwords.verify_password(user.password_hash, password) or not user.active:
        with unit_of_work(unchecked="a failed login is recorded for anyone"):
            audit.record(None, "auth.login_failed", user, email=normalise_email(email)[:254])
        raise ValidationFailed("password", _("The e-mail address or password is not right."))
    return user


def log_in(user: User, password: str) -> User:
    """Record a successful login, re-hashing the password if its parameters are old."""
    with unit_of_work(unchecked="the password was just checked"):
        if passwords.needs_rehash(user.password_hash):
            user.password_hash = passwords.hash_password(password)
        user.last_login_at = utcnow()
        audit.record(user, "auth.login", user)
        return user


def log_out(actor: Actor) -> None:
    """End every session of the user, this one and copied cookies included."""
    with unit_of_work():
        require(can_change_own_account(actor))
        user = user_of(actor)
        user.session_generation += 1
        audit.record(actor, "auth.logout", user)


def change_password(actor: Actor, *, current_password: str, new_password: str) -> User:
    """Change the password given the old one; every other session ends.

    :raises ValidationFailed: when the current password is wrong or the new one weak
    """
    with unit_of_work():
        require(can_change_own_account(actor))
        user = user_of(actor)
        if not passwords.verify_password(user.password_hash, current_password):
            raise ValidationFailed("current_password", _("This is not your current password."))
        passwords.check_strength(new_password, _user_inputs(user.email, user.full_name), "new_password")
        user.password_hash = passwords.hash_password(new_password)
        user.session_generation += 1
        queue_mail(user, _l("Your TurkicNet password was changed"), "password_changed", category="account")
        audit.record(actor, "auth.change_password", user)
        return user


def request_password_reset(email: str) -> None:
    """E-mail a reset link if the account exists; the answer is the same either way."""
    with unit_of_work(unchecked="anyone may ask for a reset link"):
        user = get_user_by_email(email)
        if user is None or not user.active:
            return
        token = _serializer(_RESET_SALT).dumps({"u": user.id, "h": _password_tag(user)})
        queue_mail(
            user,
            _l("Reset your TurkicNet password"),
            "reset_password",
            category="account",
            reset_url=external_url("auth.reset_password", token=token),
            hours=max(1, current_app.config["RESET_TOKEN_MAX_AGE"] // 3600),
        )
        audit.record(None, "auth.reset_requested", user)


def _password_tag(user: User) -> str:
    """A digest of the current hash: the link dies when the password changes, and shows nothing of it."""
    return hashlib.sha256(f"reset:{user.password_hash}".encode()).hexdigest()[:20]


def user_for_reset_token(token: str) -> User:
    """The user a reset link is for; it stops working once the password changes.

    :raises InvalidState: for an expired, altered or used link
    """
    data = _load_token(
        _RESET_SALT,
        token,
        max_age=current_app.config["RESET_TOKEN_MAX_AGE"],
        expired=_("This reset link has expired. Ask for a new one."),
        invalid=_("This reset link is not valid."),
    )
    user = db.session.get(User, data.get("u"))
    if user is None or not user.active or _password_tag(user) != data.get("h"):
        raise InvalidState(_("This reset link was already used or is no longer valid."))
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link; every session of the user ends.

    :raises InvalidState: for a bad link
    :raises ValidationFailed: for a weak password
    """
    with unit_of_work(unchecked="the signed link is the permission"):
        user = user_for_reset_token(token)
        passwords.check_strength(new_password, _user_inputs(user.email, user.full_name))
        user.password_hash = passwords.hash_password(new_password)
        user.session_generation += 1
        if user.email_verified_at is None:
            user.email_verified_at = utcnow()  # the link reached the mailbox
        queue_mail(user, _l("Your TurkicNet password was changed"), "password_changed", category="account")
        audit.record(user, "auth.reset_password", user)
        return user


def update_profile(actor: Actor, *, full_name: str, position: str, preferred_language: str,
                   time_zone: str | None = None) -> User:
    """Change the actor's own name, position, language and time zone (one of ``TIME_ZONES``;
    ``""``: none of their own, their center's country's; None, as from a form without it: kept)."""
    with unit_of_work():
        require(can_change_own_account(actor))
        user = user_of(actor)
        if preferred_language not in current_app.config["LANGUAGES"]:
            raise ValidationFailed("preferred_language", _("Choose one of the offered languages."))
        if time_zone and time_zone not in TIME_ZONES:
            raise ValidationFailed("time_zone", _("Choose one of the offered time zones."))
        full_name = normalise_line(full_name)
        # Checked before anything is set: a refused change must leave the account as it was.
        if not full_name:
            raise ValidationFailed("full_name", _("Give your full name."))
        zone = user.time_zone if time_zone is None else time_zone or None
        wanted = {"full_name": full_name, "position": normalise_line(position),
                  "preferred_language": preferred_language, "time_zone": zone}
        changes = {field: value for field, value in wanted.items() if getattr(user, field) != value}
        for field, value in changes.items():
            setattr(user, field, value)
        audit.record(actor, "auth.update_profile", user, changed=sorted(changes))
        return user


def choose_language(actor: Actor, language: str) -> User:
    """Save the language the actor chose in the switcher as their preference."""
    with unit_of_work():
        require(can_change_own_account(actor))
        if language not in current_app.config["LANGUAGES"]:
            raise ValidationFailed("preferred_language", _("Choose one of the offered languages."))
        user = user_of(actor)
        if user.preferred_language != language:
            user.preferred_language = language
            audit.record(actor, "auth.choose_language", user, language=language)
        return user


def set_mail_preferences(actor: Actor, *, receive: set[str]) -> User:
    """Keep the optional categories in ``receive``; switch the others off."""
    with unit_of_work():
        require(can_change_own_account(actor))
        user = user_of(actor)
        user.mail_opt_outs = sorted(set(OPTIONAL_CATEGORIES) - set(receive))
        audit.record(actor, "auth.mail_preferences", user, opt_outs=user.mail_opt_outs)
        return user


def set_user_active(actor: Actor, user: User, *, active: bool, reason: str = "") -> User:
    """Deactivate (ending every session) or reactivate an account.

    :raises PermissionDenied: unless ``actor`` is an admin
    :raises InvalidState: when an admin would deactivate themselves
    """
    with unit_of_work():
        require(can_manage_users(actor))
        if user.id == actor.id and not active:
            raise InvalidState(_("You cannot deactivate your own account."))
        if user.active == active:
            return user
        user.active = active
        if not active:
            user.session_generation += 1
        audit.record(actor, "auth.activate" if active else "auth.deactivate", user, reason=reason or None)
        return user


def create_admin(*, email: str, password: str, full_name: str = "Administrator") -> User:
    """Make a verified admin account, or promote the existing one (CLI only).

    :raises ValidationFailed: for a weak password
    """
    with unit_of_work(unchecked="a command-line job of the operator"):
        email = normalise_email(email)
        user = get_user_by_email(email)
        passwords.check_strength(password, _user_inputs(email, full_name))
        if user is None:
            user = User(email=email, full_name=full_name, password_hash="")
            db.session.add(user)
        else:
            user.session_generation += 1  # a new password ends the account's other sessions
        user.password_hash = passwords.hash_password(password)
        user.is_admin = True
        user.active = True
        user.email_verified_at = user.email_verified_at or utcnow()
        audit.record(None, "auth.create_admin", user)
        return user


def list_users(actor: Actor, *, q: str = "", page: int = 1, per_page: int = 50):
    """Users for the admin screen, newest first, filtered by e-mail or name."""
    require(can_manage_users(actor))
    query = select(User).order_by(User.created_at.desc(), User.id.desc())
    if q:
        pattern = f"%{q.strip().lower()}%"
        query = query.where(func.lower(User.email).like(pattern) | func.lower(User.full_name).like(pattern))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
