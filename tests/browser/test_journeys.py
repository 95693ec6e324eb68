"""The main journeys, in a real browser, without JavaScript doing any of the work."""

import pytest

from tests.conftest import PASSWORD, outbox_links, path_of

pytestmark = pytest.mark.browser

STRONG = "granite ferry whistle 73 orchard"


def _log_in(page, base, email, password):
    page.goto(f"{base}/auth/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_a_newcomer_registers_applies_and_is_approved_into_the_directory(
    app, live_server, browser_page, admin, tmp_path
):
    page = browser_page
    page.goto(f"{live_server}/auth/register")
    page.get_by_label("E-mail address").fill("gulnara@example.kz")
    page.get_by_label("Full name").fill("Gulnara Seitova")
    page.get_by_label("Position").fill("Director")
    page.get_by_label("Password").fill(STRONG)
    page.get_by_role("button", name="Create the account").click()
    assert page.get_by_role("heading", name="Check your e-mail").is_visible()

    [verify_link] = [link for link in outbox_links(app, "gulnara@example.kz") if "/auth/verify/" in link]
    page.goto(live_server + path_of(verify_link))
    assert "confirmed" in page.content()
    _log_in(page, live_server, "gulnara@example.kz", STRONG)

    letter = tmp_path / "nomination.pdf"
    from turkicnet.core.pdf import simple_pdf

    letter.write_bytes(simple_pdf(["Nomination letter"]))
    page.goto(f"{live_server}/apply")
    page.get_by_label("Name in English").fill("Institute for Economic Policy Studies")
    page.get_by_label("Name in the national language").fill("Экономикалық саясатты зерттеу институты")
    page.get_by_label("Acronym").fill("IEPS")
    page.get_by_label("Country").select_option("KZ")
    page.get_by_label("City").fill("Almaty")
    page.get_by_label("Nomination letter (PDF)").set_input_files(str(letter))
    page.get_by_role("button", name="Send the application").click()
    assert "was sent" in page.content()
    page.get_by_role("button", name="Log out").click()

    _log_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server}/admin/applications")
    page.get_by_role("link", name="Institute for Economic Policy Studies (IEPS)").click()
    page.get_by_label("Comment or reason").fill("Welcome.")
    page.get_by_role("button", name="Approve").click()
    assert "Approved" in page.content()
    page.get_by_role("button", name="Log out").click()

    page.goto(f"{live_server}/centers?country=KZ")
    assert page.get_by_role("link", name="Institute for Economic Policy Studies").is_visible()
    page.screenshot(path=str(tmp_path / "directory.png"), full_page=True)


def test_a_form_with_an_error_keeps_what_was_typed(live_server, browser_page):
    page = browser_page
    page.goto(f"{live_server}/auth/register")
    page.get_by_label("E-mail address").fill("weak@example.org")
    page.get_by_label("Full name").fill("Weak Password")
    page.get_by_label("Password").fill("passwordpassword")
    page.get_by_role("button", name="Create the account").click()
    assert page.get_by_label("E-mail address").input_value() == "weak@example.org"
    assert page.get_by_label("Full name").input_value() == "Weak Password"
    assert "too easy to guess" in page.locator(".field.has-error .error").inner_text()
