"""The main journeys, in a real browser. upload.js sends the two upload forms; they work
without it too (tests/browser/test_upload_feedback.py)."""

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
    page.get_by_role("button", name="Confirm my address").click()
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
    page.get_by_label("Kind of body").select_option("government_agency")  # a required select: no default
    page.get_by_label("Nomination letter (PDF)").set_input_files(str(letter))
    page.get_by_role("button", name="Send the application").click()
    page.get_by_text("was sent").wait_for()  # upload.js sends it: no navigation to wait for
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


def test_a_signatory_reads_and_signs_the_protocol_and_gets_a_certificate(
    app, live_server, browser_page, center, signatory, make_version
):
    version = make_version()
    page = browser_page
    _log_in(page, live_server, signatory.email, PASSWORD)
    page.goto(f"{live_server}/protocol")
    page.get_by_role("link", name=f"Sign version {version.number} for {center.acronym}").click()
    assert version.text_sha256 in page.content()
    page.get_by_label("Your position").fill("Deputy director")
    page.get_by_label("I am authorised to sign").check()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name=f"Sign for {center.name}").click()
    assert page.get_by_role("heading", name="Certificate of signature").is_visible()
    assert "Deputy director" in page.content()
    page.goto(f"{live_server}/protocol")
    assert "1 of 3 centers have signed" in page.content()


def test_an_editor_posts_a_report_that_search_then_finds(
    app, live_server, browser_page, center, editor, tmp_path
):
    from turkicnet.core.pdf import simple_pdf

    report_file = tmp_path / "caspian.pdf"
    report_file.write_bytes(simple_pdf(["Caspian shipping volumes"]))
    page = browser_page
    _log_in(page, live_server, editor.email, PASSWORD)
    page.goto(f"{live_server}/reports/new")
    page.get_by_label("Section").select_option(index=1)  # the first section after the empty placeholder
    page.get_by_label("Title").fill("Trans-Caspian freight in 2026")
    page.get_by_label("Abstract (Markdown)").fill("Freight volumes and tariffs.")
    page.get_by_label("Who may see it").select_option("public")
    page.get_by_label("Files").set_input_files(str(report_file))
    page.get_by_role("button", name="Save the report").click()
    page.get_by_role("heading", name="Trans-Caspian freight in 2026").wait_for()  # sent by upload.js
    page.get_by_role("button", name="Log out").click()
    page.goto(f"{live_server}/search?q=shipping")
    assert page.get_by_role("link", name="Trans-Caspian freight in 2026").is_visible()
