"""The account services: each rule, the change it makes, its audit row and its mail."""

import email
import email.policy
import re

import pytest
from argon2 import PasswordHasher
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select

from tests.conftest import PASSWORD, audit_rows, later, mails_to, outbox_links, path_of, sent_mail, user_count
from turkicnet.auth import passwords, services
from turkicnet.core.db import unit_of_work
from turkicnet.core.errors import InvalidState, PermissionDenied, ValidationFailed
from turkicnet.core.mail import queue_mail
from turkicnet.core.models import OutboxMessage
from turkicnet.extensions import db

NEW_PASSWORD = "copper kettle harbour 91 willow"


# ---------------------------------------------------------------- helpers


def last_mail_id() -> int:
    return db.session.scalar(select(func.max(OutboxMessage.id))) or 0


def token_in(app, address: str, marker: str) -> str:
    """The token of the newest link containing ``marker`` in the mail for ``address``."""
    links = [link for link in outbox_links(app, address) if marker in link]
    return path_of(links[-1]).split("?")[0].rsplit("/", 1)[1]


def register(email_address="gulnara@example.kz", full_name="Gulnara Abdrakhmanova", password=PASSWORD, **kw):
    return services.register_user(
        email=email_address,
        full_name=full_name,
        position=kw.pop("position", "Analyst"),
        password=password,
        **kw,
    )


# ---------------------------------------------------------------- register


def test_register_creates_an_unverified_user_with_an_argon2id_hash(app):
    user = register(email_address="  Gulnara.A@Example.KZ ", full_name="  Gulnara   Abdrakhmanova ")

    assert user.email == "gulnara.a@example.kz"
    assert user.full_name == "Gulnara Abdrakhmanova"
    assert user.is_verified is False
    assert user.active is True and user.is_admin is False
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert passwords.verify_password(user.password_hash, PASSWORD)
    [row] = audit_rows("auth.register")
    assert (row.actor_id, row.target_type, row.target_id) == (user.id, "user", user.id)


def test_register_writes_the_verification_mail_to_the_outbox_and_a_utf8_eml_file(app):
    user = register(full_name="Gülnara Äbdrakhmanova")

    [message] = mails_to(user.email)
    assert message.subject == "Confirm your e-mail address for TurkicNet"
    assert message.sent_at is None, "registering only writes the outbox; the worker sends"
    [link] = [link for link in outbox_links(app, user.email) if "/auth/verify/" in link]
    assert link.startswith("http://turkicnet.test/auth/verify/")

    raw = sent_mail()[message.id]
    assert db.session.get(OutboxMessage, message.id).sent_at is not None
    assert b"Content-Transfer-Encoding: 8bit" in raw
    assert b'charset="utf-8"' in raw
    # 8bit: the name is plain UTF-8 and the link is whole, not quoted-printable or base64.
    assert "Hello Gülnara Äbdrakhmanova,".encode() in raw
    assert link.encode() in raw
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["To"] == user.email
    assert link in parsed.get_content()


@pytest.mark.parametrize(
    ("full_name", "password"),
    [
        ("Gulnara Abdrakhmanova", "passwordpassword"),
        ("Gulnara Abdrakhmanova", "Abdrakhmanova2024"),
        ("Gulnara Abdrakhmanova", "gulnara19871987"),
        ("Gulnara Abdrakhmanova", "qwertyuiopasdfgh"),
    ],
)
def test_register_refuses_a_guessable_password_with_advice_and_creates_nothing(app, full_name, password):
    with pytest.raises(ValidationFailed) as refused:
        register(full_name=full_name, password=password)

    assert refused.value.field == "password"
    assert refused.value.message.startswith("This password is too easy to guess.")
    assert len(refused.value.message) > len("This password is too easy to guess."), "zxcvbn's advice"
    assert user_count() == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert audit_rows("auth.register") == []


def test_the_persons_own_name_counts_against_the_password(app):
    with pytest.raises(ValidationFailed):
        register("gulnara@example.kz", full_name="Gulnara Abdrakhmanova", password="Abdrakhmanova2024")
    # The same string is not guessable for someone whose name it is not.
    assert register("aliya@example.kz", full_name="Aliya Sadykova", password="Abdrakhmanova2024") is not None


def test_register_refuses_a_short_password(app):
    with pytest.raises(ValidationFailed) as refused:
        register(password="x7#Lq9!zR2w")  # 11 characters, random-looking

    assert refused.value.field == "password"
    assert "at least 12 characters" in refused.value.message
    assert user_count() == 0


def test_register_refuses_a_name_that_is_empty_once_cleaned(app):
    with pytest.raises(ValidationFailed) as refused:
        register(full_name="\u200b\u200b")

    assert refused.value.field == "full_name"
    assert user_count() == 0


def test_registering_an_existing_address_creates_nothing_and_mails_its_owner(app, make_user):
    owner = make_user("gulnara@example.kz")
    hash_before = owner.password_hash

    assert register(email_address="GULNARA@example.kz", password=NEW_PASSWORD) is None

    assert user_count() == 1
    assert owner.password_hash == hash_before
    subjects = [m.subject for m in mails_to("gulnara@example.kz")]
    assert subjects[-1] == "Someone tried to register with your e-mail address"
    links = outbox_links(app, "gulnara@example.kz")
    assert "http://turkicnet.test/auth/login" in links and "http://turkicnet.test/auth/reset" in links
    assert [row.target_id for row in audit_rows("auth.register_existing")] == [owner.id]


def test_registering_an_existing_address_spends_a_password_hash_like_a_new_registration(
    app, make_user, monkeypatch
):
    make_user("gulnara@example.kz")
    hashed = []
    real_hash = passwords.hash_password
    monkeypatch.setattr(
        passwords, "hash_password", lambda password: hashed.append(password) or real_hash(password)
    )

    register(email_address="gulnara@example.kz", password=NEW_PASSWORD)
    register(email_address="someone.new@example.kz", password=NEW_PASSWORD)

    assert hashed == [NEW_PASSWORD, NEW_PASSWORD]


def test_register_keeps_only_an_offered_language(app):
    assert register("a@example.kz", preferred_language="tr").preferred_language == "tr"
    assert register("b@example.kz", preferred_language="xx").preferred_language == "en"


# ---------------------------------------------------------------- verification


def test_a_verification_link_works_once(app):
    user = register()
    token = token_in(app, user.email, "/auth/verify/")

    assert services.verify_email(token) is user
    assert user.is_verified
    assert [row.target_id for row in audit_rows("auth.verify_email")] == [user.id]
    with pytest.raises(InvalidState, match="already used"):
        services.verify_email(token)


def test_an_altered_verification_link_is_refused(app):
    user = register()
    token = token_in(app, user.email, "/auth/verify/")
    altered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    with pytest.raises(InvalidState, match="not valid"):
        services.verify_email(altered)
    assert not user.is_verified


def test_a_verification_link_expires_after_the_configured_age(app, monkeypatch):
    user = register()
    token = token_in(app, user.email, "/auth/verify/")
    max_age = app.config["EMAIL_TOKEN_MAX_AGE"]

    later(monkeypatch, max_age + 60)
    with pytest.raises(InvalidState, match="expired"):
        services.verify_email(token)
    assert not user.is_verified

    later(monkeypatch, max_age - 60)
    services.verify_email(token)
    assert user.is_verified


def test_a_reset_link_is_not_a_verification_link(app, make_user):
    user = make_user(verified=False)
    services.request_password_reset(user.email)
    reset_token = token_in(app, user.email, "/auth/reset/")

    with pytest.raises(InvalidState, match="not valid"):
        services.verify_email(reset_token)
    assert not user.is_verified


def test_resend_verification_sends_a_new_link_only_while_unverified(app, make_user):
    user = make_user(verified=False)
    mark = last_mail_id()

    services.resend_verification(user)

    assert [m.subject for m in mails_to(user.email, after=mark)] == [
        "Confirm your e-mail address for TurkicNet"
    ]
    assert len([link for link in outbox_links(app, user.email) if "/auth/verify/" in link]) == 2
    assert [row.target_id for row in audit_rows("auth.verification_resent")] == [user.id]

    services.verify_email(token_in(app, user.email, "/auth/verify/"))
    with pytest.raises(InvalidState):
        services.resend_verification(user)


# ---------------------------------------------------------------- authenticate, log in, log out


def test_wrong_password_and_unknown_address_fail_with_the_same_error(app, make_user):
    user = make_user("gulnara@example.kz")

    with pytest.raises(ValidationFailed) as wrong_password:
        services.authenticate(user.email, "not the right password at all")
    with pytest.raises(ValidationFailed) as unknown:
        services.authenticate("nobody@example.kz", PASSWORD)

    assert (wrong_password.value.field, wrong_password.value.message) == (
        unknown.value.field,
        unknown.value.message,
    )
    rows = audit_rows("auth.login_failed")
    assert [(row.actor_id, row.target_id, row.details["email"]) for row in rows] == [
        (None, user.id, "gulnara@example.kz"),
        (None, None, "nobody@example.kz"),
    ]


def test_an_unknown_address_still_costs_a_password_verification(app, monkeypatch):
    verified = []
    real_verify = passwords.verify_password
    monkeypatch.setattr(passwords, "verify_password", lambda h, p: verified.append(p) or real_verify(h, p))

    with pytest.raises(ValidationFailed):
        services.authenticate("nobody@example.kz", PASSWORD)
    assert verified == [PASSWORD]


def test_a_deactivated_user_cannot_authenticate_even_with_the_right_password(app, make_user, admin):
    user = make_user()
    services.set_user_active(admin, user, active=False)

    with pytest.raises(ValidationFailed, match="e-mail address or password is not right"):
        services.authenticate(user.email, PASSWORD)


def test_authenticate_ignores_the_case_of_the_address_but_not_of_the_password(app, make_user):
    user = make_user("gulnara@example.kz")

    assert services.authenticate("  GULNARA@Example.KZ ", PASSWORD) is user
    with pytest.raises(ValidationFailed):
        services.authenticate(user.email, PASSWORD.upper())
    with pytest.raises(ValidationFailed):
        services.authenticate(user.email, PASSWORD + " ")


def test_log_in_records_the_login_and_rehashes_an_outdated_hash(app, make_user):
    user = make_user()
    old_hash = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1).hash(PASSWORD)
    user.password_hash = old_hash
    db.session.commit()
    assert passwords.needs_rehash(old_hash)

    services.log_in(user, PASSWORD)

    assert user.password_hash != old_hash
    assert not passwords.needs_rehash(user.password_hash)
    assert passwords.verify_password(user.password_hash, PASSWORD)
    assert user.last_login_at is not None
    [row] = audit_rows("auth.login")
    assert (row.actor_id, row.target_id) == (user.id, user.id)


def test_log_out_makes_every_session_id_of_the_user_stale(app, make_user):
    user = make_user()
    session_id = user.get_id()
    assert services.load_session_user(session_id) is user

    services.log_out(user)

    assert services.load_session_user(session_id) is None
    assert services.load_session_user(user.get_id()) is user
    [row] = audit_rows("auth.logout")
    assert (row.actor_id, row.target_id) == (user.id, user.id)


@pytest.mark.parametrize("session_id", ["", "1", "1:", ":1", "x:1", "1:x", "1:1:1", "999:1", "-1:1"])
def test_a_malformed_or_unknown_session_id_loads_nobody(app, make_user, session_id):
    make_user()
    assert services.load_session_user(session_id) is None


# ---------------------------------------------------------------- change password


def test_change_password_requires_the_current_one(app, make_user):
    user = make_user()
    hash_before, generation = user.password_hash, user.session_generation
    mark = last_mail_id()

    with pytest.raises(ValidationFailed) as refused:
        services.change_password(user, current_password="not my password", new_password=NEW_PASSWORD)

    assert refused.value.field == "current_password"
    assert (user.password_hash, user.session_generation) == (hash_before, generation)
    assert mails_to(user.email, after=mark) == []
    assert audit_rows("auth.change_password") == []


def test_change_password_refuses_a_weak_new_password_on_its_field(app, make_user):
    user = make_user(full_name="Gulnara Abdrakhmanova")
    hash_before = user.password_hash

    with pytest.raises(ValidationFailed) as refused:
        services.change_password(user, current_password=PASSWORD, new_password="Abdrakhmanova2024")

    assert refused.value.field == "new_password"
    assert user.password_hash == hash_before


def test_change_password_sets_the_new_hash_ends_sessions_mails_and_audits(app, make_user):
    user = make_user()
    old_session = user.get_id()
    mark = last_mail_id()

    services.change_password(user, current_password=PASSWORD, new_password=NEW_PASSWORD)

    assert passwords.verify_password(user.password_hash, NEW_PASSWORD)
    assert not passwords.verify_password(user.password_hash, PASSWORD)
    assert services.load_session_user(old_session) is None
    assert [m.subject for m in mails_to(user.email, after=mark)] == ["Your TurkicNet password was changed"]
    [row] = audit_rows("auth.change_password")
    assert (row.actor_id, row.target_id) == (user.id, user.id)


# ---------------------------------------------------------------- password reset


def test_a_reset_request_for_an_unknown_or_deactivated_address_sends_nothing(app, make_user, admin):
    gone = make_user("gone@example.kz")
    services.set_user_active(admin, gone, active=False)
    sent_before = db.session.scalar(select(func.count()).select_from(OutboxMessage))

    assert services.request_password_reset("nobody@example.kz") is None
    assert services.request_password_reset("gone@example.kz") is None

    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == sent_before
    assert audit_rows("auth.reset_requested") == []


def test_a_reset_request_mails_a_link_to_the_account(app, make_user):
    user = make_user("gulnara@example.kz")
    mark = last_mail_id()

    services.request_password_reset("Gulnara@Example.kz")

    [message] = mails_to(user.email, after=mark)
    assert message.subject == "Reset your TurkicNet password"
    assert token_in(app, user.email, "/auth/reset/")
    assert [row.target_id for row in audit_rows("auth.reset_requested")] == [user.id]


def test_a_reset_link_carries_nothing_of_the_password_hash(app, make_user):
    """The link's payload is readable by anyone who sees it; it holds only a digest of the hash."""
    user = make_user("gulnara@example.kz")
    services.request_password_reset(user.email)
    payload = URLSafeTimedSerializer("any key").loads_unsafe(token_in(app, user.email, "/auth/reset/"))[1]
    assert set(payload) == {"u", "h"} and payload["u"] == user.id
    salt, digest = user.password_hash.split("$")[-2:]
    assert salt not in payload["h"] and digest not in payload["h"]
    assert re.fullmatch(r"[0-9a-f]{20}", payload["h"])


def test_a_reset_link_works_once_and_ends_every_session(app, make_user):
    user = make_user()
    old_session = user.get_id()
    services.request_password_reset(user.email)
    token = token_in(app, user.email, "/auth/reset/")

    assert services.reset_password(token, NEW_PASSWORD) is user

    assert passwords.verify_password(user.password_hash, NEW_PASSWORD)
    assert services.load_session_user(old_session) is None
    assert [row.target_id for row in audit_rows("auth.reset_password")] == [user.id]
    with pytest.raises(InvalidState, match="already used"):
        services.reset_password(token, "another fresh phrase 77 tundra")
    assert passwords.verify_password(user.password_hash, NEW_PASSWORD)


def test_a_reset_link_with_a_weak_password_changes_nothing_and_stays_usable(app, make_user):
    user = make_user(full_name="Gulnara Abdrakhmanova")
    services.request_password_reset(user.email)
    token = token_in(app, user.email, "/auth/reset/")

    with pytest.raises(ValidationFailed):
        services.reset_password(token, "passwordpassword")
    assert passwords.verify_password(user.password_hash, PASSWORD)

    services.reset_password(token, NEW_PASSWORD)
    assert passwords.verify_password(user.password_hash, NEW_PASSWORD)


def test_a_reset_link_expires_after_the_configured_age(app, make_user, monkeypatch):
    user = make_user()
    services.request_password_reset(user.email)
    token = token_in(app, user.email, "/auth/reset/")

    later(monkeypatch, app.config["RESET_TOKEN_MAX_AGE"] + 60)

    with pytest.raises(InvalidState, match="expired"):
        services.reset_password(token, NEW_PASSWORD)
    assert passwords.verify_password(user.password_hash, PASSWORD)


def test_an_altered_or_forged_reset_link_is_refused(app, make_user):
    user = make_user()
    services.request_password_reset(user.email)
    token = token_in(app, user.email, "/auth/reset/")
    victim = make_user()
    # Knowing the payload's format is not enough without the secret key.
    forged = URLSafeTimedSerializer("a-guessed-secret-key", salt="turkicnet.password-reset").dumps(
        {"u": victim.id, "h": victim.password_hash[-16:]}
    )

    for bad in (forged, token[:-3] + ("abc" if not token.endswith("abc") else "xyz"), "not-a-token"):
        with pytest.raises(InvalidState, match="not valid"):
            services.reset_password(bad, NEW_PASSWORD)
    assert passwords.verify_password(victim.password_hash, PASSWORD)
    assert passwords.verify_password(user.password_hash, PASSWORD)


def test_a_verification_link_is_not_a_reset_link(app):
    user = register()
    verify_token = token_in(app, user.email, "/auth/verify/")

    with pytest.raises(InvalidState, match="not valid"):
        services.reset_password(verify_token, NEW_PASSWORD)


def test_a_reset_marks_an_unverified_address_as_verified(app, make_user):
    user = make_user(verified=False)
    services.request_password_reset(user.email)

    services.reset_password(token_in(app, user.email, "/auth/reset/"), NEW_PASSWORD)

    assert user.is_verified


def test_a_reset_link_stops_working_when_the_account_is_deactivated(app, make_user, admin):
    user = make_user()
    services.request_password_reset(user.email)
    token = token_in(app, user.email, "/auth/reset/")
    services.set_user_active(admin, user, active=False)

    with pytest.raises(InvalidState):
        services.reset_password(token, NEW_PASSWORD)


# ---------------------------------------------------------------- profile and mail preferences


def test_update_profile_saves_cleaned_values_and_audits_what_changed(app, make_user):
    user = make_user(full_name="Gulnara Abdrakhmanova", position="Analyst")

    services.update_profile(
        user, full_name="  Gulnara  Abdrakhmanova-Sadykova ", position="Head of Unit", preferred_language="ru"
    )

    db.session.expire_all()
    assert (user.full_name, user.position, user.preferred_language) == (
        "Gulnara Abdrakhmanova-Sadykova",
        "Head of Unit",
        "ru",
    )
    [row] = audit_rows("auth.update_profile")
    assert row.details["changed"] == ["full_name", "position", "preferred_language"]


def test_update_profile_keeps_an_unsent_zone_and_clears_the_zone_given_as_the_centers(app, focal_point):
    def update(**zone):
        services.update_profile(focal_point, full_name=focal_point.full_name,
                                position=focal_point.position, preferred_language="en", **zone)  # fmt: skip
        db.session.expire_all()
        return focal_point.time_zone

    assert update(time_zone="Asia/Tashkent") == "Asia/Tashkent"
    assert update() == "Asia/Tashkent"  # a form without the field
    assert update(time_zone="") is None  # as the center's country: no choice of one's own
    assert [row.details["changed"] for row in audit_rows("auth.update_profile")] == [
        ["time_zone"], [], ["time_zone"],
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"full_name": "\u200b", "position": "Head", "preferred_language": "en"}, "full_name"),
        ({"full_name": "   ", "position": "Head", "preferred_language": "en"}, "full_name"),
        ({"full_name": "New Name", "position": "Head", "preferred_language": "de"}, "preferred_language"),
    ],
)
def test_a_refused_profile_update_leaves_the_account_as_it_was(app, make_user, values, field):
    user = make_user(full_name="Gulnara Abdrakhmanova", position="Analyst")

    with pytest.raises(ValidationFailed) as refused:
        services.update_profile(user, **values)

    assert refused.value.field == field
    # Nothing half-applied waits in the session for the next commit.
    db.session.commit()
    db.session.expire_all()
    assert (user.full_name, user.position, user.preferred_language) == (
        "Gulnara Abdrakhmanova",
        "Analyst",
        "en",
    )
    assert audit_rows("auth.update_profile") == []


def test_switched_off_optional_mail_is_not_written_but_mandatory_mail_is(app, make_user):
    user = make_user()
    mark = last_mail_id()

    services.set_mail_preferences(user, receive={"staff_changes", "reports"})

    assert user.mail_opt_outs == ["join_requests"]
    [row] = audit_rows("auth.mail_preferences")
    assert row.details["opt_outs"] == ["join_requests"]
    with unit_of_work(unchecked="the test queues mail by hand"):
        assert queue_mail(user, "Join request", "password_changed", category="join_requests") is None
        assert queue_mail(user, "Staff change", "password_changed", category="staff_changes") is not None
    assert [m.subject for m in mails_to(user.email, after=mark)] == ["Staff change"]


def test_account_and_center_decision_mail_cannot_be_switched_off(app, make_user):
    user = make_user()
    services.set_mail_preferences(user, receive=set())
    assert sorted(user.mail_opt_outs) == ["join_requests", "reports", "staff_changes"]
    # Even a preference list that names them (by hand, or from an old version) is ignored.
    user.mail_opt_outs = ["account", "center_decisions", "join_requests", "staff_changes"]
    db.session.commit()
    mark = last_mail_id()

    with unit_of_work(unchecked="the test queues mail by hand"):
        queue_mail(user, "Decision", "password_changed", category="center_decisions")
        queue_mail(user, "Account", "password_changed", category="account")
        queue_mail(user, "Join request", "password_changed", category="join_requests")

    assert [m.subject for m in mails_to(user.email, after=mark)] == ["Decision", "Account"]
    assert len(sent_mail()) == len(db.session.scalars(select(OutboxMessage)).all())


def test_mail_preferences_ignore_categories_that_are_not_optional(app, make_user):
    user = make_user()
    services.set_mail_preferences(user, receive={"account", "join_requests", "reports", "made_up"})
    assert user.mail_opt_outs == ["staff_changes"]


def test_queue_mail_refuses_an_unknown_category(app, make_user):
    with pytest.raises(ValueError, match="unknown mail category"):
        queue_mail(make_user(), "Subject", "password_changed", category="newsletter")


# ---------------------------------------------------------------- activation (admin)


def test_an_admin_deactivating_a_user_ends_their_sessions_and_audits(app, make_user, admin):
    user = make_user()
    old_session = user.get_id()

    services.set_user_active(admin, user, active=False, reason="Left the institute.")

    assert user.active is False
    assert services.load_session_user(old_session) is None
    [row] = audit_rows("auth.deactivate")
    assert (row.actor_id, row.target_id, row.details) == (
        admin.id,
        user.id,
        {"reason": "Left the institute."},
    )


def test_reactivating_lets_the_user_log_in_again_but_does_not_revive_old_sessions(app, make_user, admin):
    user = make_user()
    old_session = user.get_id()
    services.set_user_active(admin, user, active=False)

    services.set_user_active(admin, user, active=True)

    assert services.authenticate(user.email, PASSWORD) is user
    assert services.load_session_user(old_session) is None
    assert [row.target_id for row in audit_rows("auth.activate")] == [user.id]


@pytest.mark.parametrize("persona", ["outsider", "focal_point", "editor", "signatory"])
def test_only_an_admin_may_deactivate_a_user(app, make_user, request, persona):
    actor = request.getfixturevalue(persona)
    user = make_user()
    generation = user.session_generation

    with pytest.raises(PermissionDenied):
        services.set_user_active(actor, user, active=False)

    assert user.active is True and user.session_generation == generation
    assert audit_rows("auth.deactivate") == []


def test_an_admin_cannot_deactivate_themselves(app, admin):
    with pytest.raises(InvalidState, match="own account"):
        services.set_user_active(admin, admin, active=False)
    assert admin.active is True


def test_list_users_is_for_admins_and_filters_by_address_or_name(app, make_user, admin, outsider):
    make_user("gulnara@example.kz", full_name="Gulnara Abdrakhmanova")
    make_user("aliya@example.kz", full_name="Aliya Sadykova")

    with pytest.raises(PermissionDenied):
        services.list_users(outsider)
    assert [u.email for u in services.list_users(admin, q="GULNARA").items] == ["gulnara@example.kz"]
    assert [u.email for u in services.list_users(admin, q="sadyk").items] == ["aliya@example.kz"]


# ---------------------------------------------------------------- create-admin


def test_create_admin_makes_a_verified_admin(app):
    user = services.create_admin(email="Boss@Example.org", password=NEW_PASSWORD)

    assert (user.email, user.is_admin, user.is_verified, user.active) == (
        "boss@example.org",
        True,
        True,
        True,
    )
    assert passwords.verify_password(user.password_hash, NEW_PASSWORD)
    assert [row.target_id for row in audit_rows("auth.create_admin")] == [user.id]


def test_create_admin_on_an_existing_account_promotes_it_and_ends_its_sessions(app, make_user):
    user = make_user("boss@example.org")
    old_session = user.get_id()

    promoted = services.create_admin(email="boss@example.org", password=NEW_PASSWORD)

    assert promoted is user and user.is_admin
    assert user_count() == 1
    assert services.load_session_user(old_session) is None


def test_create_admin_refuses_a_weak_password(app):
    with pytest.raises(ValidationFailed):
        services.create_admin(email="boss@example.org", password="passwordpassword")
    assert user_count() == 0
