"""The account pages: status, redirect, and what a person reads on the page."""

import html
import re
from urllib.parse import urljoin, urlsplit

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD, audit_rows, is_logged_in, later, outbox_links, path_of, user_count
from turkicnet.auth import passwords, services
from turkicnet.auth.models import User
from turkicnet.core.models import AuditEvent, OutboxMessage
from turkicnet.extensions import db

NEW_PASSWORD = "copper kettle harbour 91 willow"
SAME_ANSWER = "The e-mail address or password is not right."


# ---------------------------------------------------------------- helpers


def text(response) -> str:
    return response.get_data(as_text=True)


def field_error(page: str, field_id: str) -> str:
    """The error shown under a field (``""`` when there is none)."""
    found = re.search(rf'<p class="error" id="{field_id}-error">(.*?)</p>', page, re.S)
    return html.unescape(found.group(1)) if found else ""


def input_tag(page: str, name: str) -> str:
    found = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', page)
    assert found, f"no input named {name}"
    return found.group(0)


def input_value(page: str, name: str) -> str:
    found = re.search(r'\bvalue="([^"]*)"', input_tag(page, name))
    return html.unescape(found.group(1)) if found else ""


def flashes(page: str) -> list[str]:
    return [
        html.unescape(m) for m in re.findall(r'<div class="flash flash-\w+" role="status">(.*?)</div>', page)
    ]


def mail_subjects(address: str) -> list[str]:
    query = select(OutboxMessage.subject).where(OutboxMessage.recipient == address).order_by(OutboxMessage.id)
    return list(db.session.scalars(query))


def newest_link(app, address: str, marker: str) -> str:
    """The path of the newest link containing ``marker`` in the mail for ``address``."""
    return path_of([link for link in outbox_links(app, address) if marker in link][-1])


def lands_on(location: str) -> str:
    """The host a browser goes to for ``location`` (it drops tabs and newlines, reads ``\\`` as ``/``)."""
    cleaned = re.sub(r"[\t\n\r]", "", location).replace("\\", "/")
    return urlsplit(urljoin("http://localhost/auth/login", cleaned)).netloc


def registration(**overrides) -> dict:
    data = {
        "email": "gulnara@example.kz",
        "full_name": "Gulnara Abdrakhmanova",
        "position": "Senior analyst",
        "preferred_language": "en",
        "password": PASSWORD,
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- register


def test_registering_creates_an_unverified_account_and_asks_to_check_the_mail(app, client):
    response = client.post("/auth/register", data=registration(email="Gulnara@Example.KZ"))

    assert response.status_code == 200
    page = text(response)
    assert "<h1>Check your e-mail</h1>" in page
    assert "We sent a message to gulnara@example.kz." in page
    user = services.get_user_by_email("gulnara@example.kz")
    assert user.email == "gulnara@example.kz"
    assert user.full_name == "Gulnara Abdrakhmanova" and user.position == "Senior analyst"
    assert user.password_hash.startswith("$argon2id$")
    assert not user.is_verified
    assert mail_subjects("gulnara@example.kz") == ["Confirm your e-mail address for TurkicNet"]
    assert newest_link(app, "gulnara@example.kz", "/auth/verify/")


@pytest.mark.parametrize(
    ("password", "advice"),
    [
        ("passwordpassword", 'Repeats like "abcabcabc" are only slightly harder to guess than "abc".'),
        ("Abdrakhmanova2024", "Add another word or two. Uncommon words are better."),
    ],
    ids=["repeated-word", "own-name-and-digits"],
)
def test_a_weak_password_is_refused_with_advice_next_to_the_field_and_the_input_kept(
    app, client, password, advice
):
    response = client.post("/auth/register", data=registration(password=password))

    assert response.status_code == 200
    page = text(response)
    error = field_error(page, "password")
    assert error.startswith("This password is too easy to guess.")
    assert advice in error
    password_input = input_tag(page, "password")
    assert 'aria-invalid="true"' in password_input and "password-error" in password_input
    assert input_value(page, "email") == "gulnara@example.kz"
    assert input_value(page, "full_name") == "Gulnara Abdrakhmanova"
    assert input_value(page, "position") == "Senior analyst"
    assert input_value(page, "password") == "" and password not in page
    assert user_count() == 0
    assert mail_subjects("gulnara@example.kz") == []


def test_a_short_password_is_refused_by_the_form(app, client):
    page = text(client.post("/auth/register", data=registration(password="Xk7#q2!Lm9z")))

    assert "Field must be between 12 and 256 characters long." in field_error(page, "password")
    assert input_value(page, "email") == "gulnara@example.kz"
    assert user_count() == 0


def test_a_name_that_is_only_invisible_characters_is_refused_next_to_the_field(app, client):
    page = text(client.post("/auth/register", data=registration(full_name="\u200b\u200b")))

    assert field_error(page, "full_name") == "Give your full name."
    assert user_count() == 0


def test_registering_an_existing_address_answers_exactly_like_a_new_registration(app, client):
    first = client.post("/auth/register", data=registration())
    user = services.get_user_by_email("gulnara@example.kz")
    hash_before = user.password_hash

    again = client.post(
        "/auth/register",
        data=registration(email="GULNARA@example.kz", full_name="Someone Else", password=NEW_PASSWORD),
    )

    assert (again.status_code, text(again)) == (first.status_code, text(first))
    assert user_count() == 1
    assert user.full_name == "Gulnara Abdrakhmanova" and user.password_hash == hash_before
    assert mail_subjects("gulnara@example.kz") == [
        "Confirm your e-mail address for TurkicNet",
        "Someone tried to register with your e-mail address",
    ]


def test_the_honeypot_field_filled_in_refuses_the_registration(app, client):
    response = client.post("/auth/register", data=registration(website_url="http://spam.example"))

    page = text(response)
    assert "Your form could not be accepted. Please try again." in page
    assert "Check your e-mail" not in page
    assert user_count() == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_the_address_is_stored_lower_case_and_login_ignores_its_case(app, client):
    client.post("/auth/register", data=registration(email="Gulnara.A@Example.KZ"))
    assert db.session.scalars(select(User.email)).all() == ["gulnara.a@example.kz"]

    response = client.post("/auth/login", data={"email": "GULNARA.a@EXAMPLE.kz", "password": PASSWORD})

    assert response.status_code == 302
    assert is_logged_in(client)


def test_a_logged_in_person_is_sent_from_register_to_the_profile(client, make_user, login_as):
    login_as(make_user())
    response = client.get("/auth/register")
    assert (response.status_code, response.location) == (302, "/auth/profile")


# ---------------------------------------------------------------- verification link


def test_the_verification_link_works_once(app, client):
    client.post("/auth/register", data=registration())
    link = newest_link(app, "gulnara@example.kz", "/auth/verify/")

    opened = client.get(link)
    assert opened.status_code == 200 and "Confirm my address" in text(opened)
    assert not services.get_user_by_email("gulnara@example.kz").is_verified, (
        "opening the link changes nothing"
    )
    first = client.post(link)
    assert (first.status_code, first.location) == (302, "/auth/login")
    assert "Thank you: your e-mail address is confirmed." in flashes(text(client.get("/auth/login")))
    assert services.get_user_by_email("gulnara@example.kz").is_verified

    second = client.post(link)
    assert second.status_code == 400
    assert "This confirmation link was already used." in text(second)


def test_an_altered_verification_link_is_refused(app, client):
    client.post("/auth/register", data=registration())
    link = newest_link(app, "gulnara@example.kz", "/auth/verify/")
    altered = link[:-4] + ("AAAA" if not link.endswith("AAAA") else "BBBB")

    response = client.post(altered)

    assert response.status_code == 400
    assert "This confirmation link is not valid." in text(response)
    assert not services.get_user_by_email("gulnara@example.kz").is_verified


def test_an_expired_verification_link_is_refused(app, client, monkeypatch):
    client.post("/auth/register", data=registration())
    link = newest_link(app, "gulnara@example.kz", "/auth/verify/")
    later(monkeypatch, app.config["EMAIL_TOKEN_MAX_AGE"] + 1)

    response = client.post(link)

    assert response.status_code == 400
    assert "This confirmation link has expired. Log in to get a new one." in text(response)
    assert not services.get_user_by_email("gulnara@example.kz").is_verified


def test_a_safe_next_path_travels_through_the_verification_link_and_an_unsafe_one_does_not(app, client):
    client.post("/auth/register", data=registration(email="a@example.kz", next="/centers"))
    client.post("/auth/register", data=registration(email="b@example.kz", next="https://evil.example/"))

    assert (
        client.post(newest_link(app, "a@example.kz", "/auth/verify/")).location == "/auth/login?next=/centers"
    )
    evil_link = newest_link(app, "b@example.kz", "/auth/verify/")
    assert "evil" not in evil_link
    assert client.post(evil_link).location == "/auth/login"


def test_the_profile_offers_an_unverified_user_a_new_link(app, client, make_user, login_as):
    user = make_user(verified=False)
    login_as(user)
    assert "is not confirmed yet" in text(client.get("/auth/profile"))

    response = client.post("/auth/verify/resend", follow_redirects=True)

    assert f"We sent a new confirmation link to {user.email}." in flashes(text(response))
    assert mail_subjects(user.email).count("Confirm your e-mail address for TurkicNet") == 2


# ---------------------------------------------------------------- login


def test_a_wrong_password_and_an_unknown_address_get_the_identical_answer(app, client, make_user):
    known = make_user("known@example.kz")

    wrong_password = client.post("/auth/login", data={"email": known.email, "password": "not the password 1"})
    unknown = client.post("/auth/login", data={"email": "ghost@example.kz", "password": PASSWORD})

    assert wrong_password.status_code == unknown.status_code == 200
    assert field_error(text(wrong_password), "password") == SAME_ANSWER
    assert text(wrong_password).replace("known@example.kz", "EMAIL") == text(unknown).replace(
        "ghost@example.kz", "EMAIL"
    )
    assert not is_logged_in(client)


def test_a_deactivated_user_cannot_log_in(app, client, make_user, admin):
    user = make_user()
    services.set_user_active(admin, user, active=False)

    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})

    assert response.status_code == 200
    assert field_error(text(response), "password") == SAME_ANSWER
    assert not is_logged_in(client)


def test_logging_in_greets_the_person_and_opens_the_profile(client, make_user):
    user = make_user(full_name="Gulnara Abdrakhmanova")

    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})

    assert (response.status_code, response.location) == (302, "/auth/profile")
    page = text(client.get("/auth/profile"))
    assert "Welcome, Gulnara Abdrakhmanova." in flashes(page)
    assert "<h1>Your account</h1>" in page


EVIL_NEXT = [
    "https://evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "/%09/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "http:evil.example",
]


@pytest.mark.parametrize("target", EVIL_NEXT)
@pytest.mark.parametrize("channel", ["form", "query"])
def test_login_redirects_only_to_a_path_on_this_site(client, make_user, target, channel):
    user = make_user()
    data = {"email": user.email, "password": PASSWORD}
    if channel == "form":
        response = client.post("/auth/login", data={**data, "next": target})
    else:
        response = client.post("/auth/login", data=data, query_string={"next": target})

    assert response.status_code == 302
    assert lands_on(response.location) == "localhost", response.location
    # Refused targets fall back to the profile; an odd but local path may be kept as it is.
    assert response.location in ("/auth/profile", target)


@pytest.mark.parametrize("channel", ["form", "query"])
def test_login_follows_a_local_next_path(client, make_user, channel):
    user = make_user()
    data = {"email": user.email, "password": PASSWORD}
    if channel == "form":
        response = client.post("/auth/login", data={**data, "next": "/centers"})
    else:
        response = client.post("/auth/login", data=data, query_string={"next": "/centers"})

    assert (response.status_code, response.location) == (302, "/centers")


def test_the_login_form_carries_the_next_path_it_was_opened_with(client):
    page = text(client.get("/auth/login", query_string={"next": "/centers"}))
    assert input_value(page, "next") == "/centers"


def test_a_protected_page_sends_an_anonymous_visitor_to_login_and_back(client, make_user):
    user = make_user()
    response = client.get("/auth/profile")
    assert response.status_code == 302
    assert response.location == "/auth/login?next=%2Fauth%2Fprofile"

    back = client.post(
        "/auth/login",
        query_string={"next": "/auth/profile"},
        data={"email": user.email, "password": PASSWORD},
    )
    assert back.location == "/auth/profile"


# ---------------------------------------------------------------- logout


def test_logout_is_post_only(client, make_user, login_as):
    login_as(make_user())

    response = client.get("/auth/logout")

    assert response.status_code == 405
    assert "Not allowed here" in text(response)
    assert is_logged_in(client), "a GET must not log anyone out"


def test_logout_ends_the_session(client, make_user, login_as):
    login_as(make_user())

    response = client.post("/auth/logout")

    assert (response.status_code, response.location) == (302, "/")
    assert "You are logged out." in flashes(text(client.get("/")))
    assert not is_logged_in(client)


# ---------------------------------------------------------------- change password


def test_changing_the_password_requires_the_current_one(client, make_user, login_as):
    user = make_user()
    login_as(user)
    hash_before = user.password_hash

    response = client.post(
        "/auth/profile/password", data={"current_password": "not my password", "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 400
    assert field_error(text(response), "current_password") == "This is not your current password."
    assert user.password_hash == hash_before


def test_changing_the_password_without_the_current_field_changes_nothing(client, make_user, login_as):
    user = make_user()
    login_as(user)
    hash_before = user.password_hash

    response = client.post("/auth/profile/password", data={"new_password": NEW_PASSWORD})

    assert response.status_code == 400
    assert field_error(text(response), "current_password") == "This field is required."
    assert user.password_hash == hash_before


def test_a_weak_new_password_is_refused_next_to_its_field(client, make_user, login_as):
    user = make_user()
    login_as(user)

    response = client.post(
        "/auth/profile/password", data={"current_password": PASSWORD, "new_password": "passwordpassword"}
    )

    assert response.status_code == 400
    assert field_error(text(response), "new_password").startswith("This password is too easy to guess.")
    assert passwords.verify_password(user.password_hash, PASSWORD)


def test_changing_the_password_keeps_this_session_and_mails_the_owner(client, make_user, login_as):
    user = make_user()
    login_as(user)

    response = client.post(
        "/auth/profile/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )

    assert (response.status_code, response.location) == (302, "/auth/profile")
    page = text(client.get("/auth/profile"))
    assert "Your password was changed. Other sessions were logged out." in flashes(page)
    assert passwords.verify_password(user.password_hash, NEW_PASSWORD)
    assert mail_subjects(user.email)[-1] == "Your TurkicNet password was changed"


def test_a_failed_password_change_still_shows_the_saved_mail_choices(client, make_user, login_as):
    user = make_user()
    login_as(user)

    page = text(
        client.post("/auth/profile/password", data={"current_password": "wrong", "new_password": "x"})
    )

    assert 'checked id="receive-0"' in page and 'checked id="receive-1"' in page
    assert user.mail_opt_outs in ([], None)


# ---------------------------------------------------------------- password reset


def test_a_reset_request_answers_the_same_for_known_and_unknown_addresses(app, client, make_user):
    make_user("known@example.kz")

    known = client.post("/auth/reset", data={"email": "known@example.kz"})
    unknown = client.post("/auth/reset", data={"email": "ghost@example.kz"})

    assert known.status_code == unknown.status_code == 200
    assert "a link to choose a new password is on its way" in text(known)
    assert text(known).replace("known@example.kz", "EMAIL") == text(unknown).replace(
        "ghost@example.kz", "EMAIL"
    )
    assert mail_subjects("known@example.kz")[-1] == "Reset your TurkicNet password"
    assert mail_subjects("ghost@example.kz") == []


def test_a_reset_link_works_once(app, client, make_user):
    user = make_user()
    client.post("/auth/reset", data={"email": user.email})
    link = newest_link(app, user.email, "/auth/reset/")

    form_page = text(client.get(link))
    assert f"For the account {user.email}." in form_page
    response = client.post(link, data={"password": NEW_PASSWORD})

    assert (response.status_code, response.location) == (302, "/auth/login")
    assert "Your password was changed. Log in with the new one." in flashes(text(client.get("/auth/login")))
    assert passwords.verify_password(user.password_hash, NEW_PASSWORD)
    for reuse in (client.get(link), client.post(link, data={"password": "another phrase 55 tundra"})):
        assert reuse.status_code == 400
        assert "This reset link was already used or is no longer valid." in text(reuse)
    assert passwords.verify_password(user.password_hash, NEW_PASSWORD)
    assert client.post("/auth/login", data={"email": user.email, "password": NEW_PASSWORD}).status_code == 302


def test_an_expired_reset_link_is_refused(app, client, make_user, monkeypatch):
    user = make_user()
    client.post("/auth/reset", data={"email": user.email})
    link = newest_link(app, user.email, "/auth/reset/")
    later(monkeypatch, app.config["RESET_TOKEN_MAX_AGE"] + 1)

    for attempt in (client.get(link), client.post(link, data={"password": NEW_PASSWORD})):
        assert attempt.status_code == 400
        assert "This reset link has expired. Ask for a new one." in text(attempt)
    assert passwords.verify_password(user.password_hash, PASSWORD)


def test_a_weak_password_on_the_reset_page_is_refused_and_the_link_still_works(app, client, make_user):
    user = make_user()
    client.post("/auth/reset", data={"email": user.email})
    link = newest_link(app, user.email, "/auth/reset/")

    refused = client.post(link, data={"password": "passwordpassword"})
    assert refused.status_code == 200
    assert field_error(text(refused), "password").startswith("This password is too easy to guess.")

    assert client.post(link, data={"password": NEW_PASSWORD}).status_code == 302
    assert passwords.verify_password(user.password_hash, NEW_PASSWORD)


def test_a_reset_confirms_an_unverified_address(app, client, make_user):
    user = make_user(verified=False)
    client.post("/auth/reset", data={"email": user.email})

    client.post(newest_link(app, user.email, "/auth/reset/"), data={"password": NEW_PASSWORD})

    assert user.is_verified


# ---------------------------------------------------------------- profile and mail preferences


def test_the_profile_saves_name_position_and_language(client, make_user, login_as):
    user = make_user(full_name="Gulnara Abdrakhmanova")
    login_as(user)

    response = client.post(
        "/auth/profile",
        data={"full_name": "Gulnara Sadykova", "position": "Head of Unit", "preferred_language": "tr"},
    )

    assert (response.status_code, response.location) == (302, "/auth/profile")
    assert (user.full_name, user.position, user.preferred_language) == (
        "Gulnara Sadykova",
        "Head of Unit",
        "tr",
    )
    [row] = audit_rows("auth.update_profile")
    assert row.details["changed"] == ["full_name", "position", "preferred_language"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"full_name": "", "position": "", "preferred_language": "en"},
            "full_name",
            "This field is required.",
        ),
        (
            {"full_name": "\u200b", "position": "", "preferred_language": "en"},
            "full_name",
            "Give your full name.",
        ),
        (
            {"full_name": "New Name", "position": "", "preferred_language": "de"},
            "preferred_language",
            "Not a valid choice.",
        ),
    ],
)
def test_a_refused_profile_change_shows_why_and_saves_nothing(
    client, make_user, login_as, data, field, message
):
    user = make_user(full_name="Gulnara Abdrakhmanova", position="Analyst")
    login_as(user)

    response = client.post("/auth/profile", data=data)

    assert response.status_code == 400
    assert message in field_error(text(response), field)
    assert (user.full_name, user.position, user.preferred_language) == (
        "Gulnara Abdrakhmanova",
        "Analyst",
        "en",
    )
    assert audit_rows("auth.update_profile") == []


def test_the_profile_offers_the_centers_country_zone_first_and_a_save_does_not_freeze_it(
    client, login_as, focal_point
):
    login_as(focal_point)  # the test center is in Kazakhstan

    page = text(client.get("/auth/profile"))

    first = re.search(r'<select[^>]*name="time_zone"[^>]*>\s*(<option[^>]*>[^<]*</option>)', page).group(1)
    assert first == (
        '<option selected value="">As my center&#39;s country (Astana, Almaty (Kazakhstan))</option>'
    )
    assert '<option value="Asia/Almaty">' in page  # also offered as a choice of one's own
    response = client.post("/auth/profile", data={
        "full_name": focal_point.full_name, "position": "Head of Unit", "preferred_language": "en",
        "time_zone": "",
    })  # fmt: skip
    assert response.status_code == 302
    db.session.refresh(focal_point)
    assert focal_point.time_zone is None
    [row] = audit_rows("auth.update_profile")
    assert row.details["changed"] == ["position"]


def test_a_chosen_zone_is_selected_and_going_back_to_the_centers_country_clears_it(
    client, login_as, focal_point
):
    focal_point.time_zone = "Europe/Istanbul"
    db.session.commit()
    login_as(focal_point)
    assert '<option selected value="Europe/Istanbul">' in text(client.get("/auth/profile"))

    response = client.post("/auth/profile", data={
        "full_name": focal_point.full_name, "position": focal_point.position, "preferred_language": "en",
        "time_zone": "",
    })  # fmt: skip

    assert response.status_code == 302
    db.session.refresh(focal_point)
    assert focal_point.time_zone is None
    [row] = audit_rows("auth.update_profile")
    assert row.details["changed"] == ["time_zone"]
    assert '<option selected value="">' in text(client.get("/auth/profile"))


def test_someone_on_no_centers_staff_is_told_their_times_read_in_utc_until_they_join(
    client, login_as, make_user
):
    login_as(make_user())

    page = text(client.get("/auth/profile"))

    assert ('<option selected value="">As my center&#39;s country once I am on a center&#39;s staff '
            "(until then UTC (coordinated universal time))</option>") in page


def test_switching_off_an_optional_mail_category_sticks_and_shows(client, make_user, login_as):
    user = make_user()
    login_as(user)

    response = client.post("/auth/profile/mail", data={"receive": ["staff_changes", "reports"]})

    assert (response.status_code, response.location) == (302, "/auth/profile")
    assert user.mail_opt_outs == ["join_requests"]
    page = text(client.get("/auth/profile"))
    assert "Your e-mail preferences were saved." in flashes(page)
    assert 'checked id="receive-0"' not in page and 'checked id="receive-1"' in page


def test_the_mail_form_does_not_accept_a_mandatory_category(client, make_user, login_as):
    user = make_user()
    login_as(user)

    response = client.post("/auth/profile/mail", data={"receive": ["account"]})

    assert response.status_code == 400
    assert user.mail_opt_outs in ([], None)


# ---------------------------------------------------------------- audit trail of the pages


def test_the_account_pages_leave_an_audit_trail(app, client):
    client.post("/auth/register", data=registration())
    user = services.get_user_by_email("gulnara@example.kz")
    client.post("/auth/login", data={"email": user.email, "password": "not the password 1"})
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    client.post("/auth/profile/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    client.post("/auth/logout")

    rows = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(row.action, row.actor_id, row.target_id) for row in rows] == [
        ("auth.register", user.id, user.id),
        ("auth.login_failed", None, user.id),
        ("auth.login", user.id, user.id),
        ("auth.change_password", user.id, user.id),
        ("auth.logout", user.id, user.id),
    ]
    assert {row.ip for row in rows} == {"127.0.0.1"}
    assert rows[1].details == {"email": "gulnara@example.kz"}


# ---------------------------------------------------------------- the create-admin command


def test_create_admin_makes_a_verified_admin(runner):
    result = runner.invoke(
        args=["create-admin", "Boss@Example.org", "--password", NEW_PASSWORD, "--name", "Bo Ss"]
    )

    assert result.exit_code == 0, result.output
    assert "Admin boss@example.org is ready." in result.output
    user = services.get_user_by_email("boss@example.org")
    assert (user.is_admin, user.is_verified, user.active, user.full_name) == (True, True, True, "Bo Ss")
    assert passwords.verify_password(user.password_hash, NEW_PASSWORD)


def test_create_admin_asks_for_the_password_when_it_is_not_given(runner):
    result = runner.invoke(
        args=["create-admin", "boss@example.org"], input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n"
    )

    assert result.exit_code == 0, result.output
    assert NEW_PASSWORD not in result.output
    assert services.get_user_by_email("boss@example.org").is_admin


@pytest.mark.parametrize("password", ["passwordpassword", "short"])
def test_create_admin_refuses_a_weak_password(runner, password):
    result = runner.invoke(args=["create-admin", "boss@example.org", "--password", password])

    assert result.exit_code != 0
    assert "Error:" in result.output
    assert services.get_user_by_email("boss@example.org") is None


# ---------------------------------------------------------------- markup


def test_the_register_form_marks_only_required_fields_and_renders_no_none_attributes(client):
    page = text(client.get("/auth/register"))

    assert '="None"' not in page
    assert "required" not in input_tag(page, "position")
    assert "required" in input_tag(page, "email")


def test_a_profile_edit_is_audited_on_the_user_not_on_the_login_proxy(client, login_as, make_user):
    from tests.conftest import audit_rows

    user = make_user(full_name="Gulnara Abdrakhmanova")
    login_as(user)
    response = client.post(
        "/auth/profile",
        data={"full_name": "Gulnara Abdrakhmanova", "position": "Head of unit", "preferred_language": "en"},
    )
    assert response.status_code in (200, 302)
    [event] = audit_rows("auth.update_profile")
    assert (event.target_type, event.target_id, event.actor_id) == ("user", user.id, user.id)
