"""The upload script in a real browser: it refuses a file before sending it, and after a
sent form shows the server's answer, the page it redirected to or the form with its errors."""

import pytest

from tests.conftest import PASSWORD
from turkicnet.extensions import db
from turkicnet.reports.models import Report

pytestmark = pytest.mark.browser


def _log_in(page, base, email):
    page.goto(f"{base}/auth/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def _report_form(page, base, title="Trans-Caspian freight in 2026"):
    page.goto(f"{base}/reports/new")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Abstract (Markdown)").fill("Freight volumes and tariffs.")
    page.get_by_label("Who may see it").select_option("public")
    page.get_by_label("Section").select_option(index=1)  # the first section after the empty placeholder


def test_a_file_over_the_limit_is_refused_before_anything_is_sent(
    app, live_server, browser_page, center, editor, tmp_path
):
    app.config["UPLOAD_MAX_SIZE"] = 2048
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * 4096)
    page = browser_page
    _log_in(page, live_server, editor.email)
    _report_form(page, live_server)
    sent = []
    page.on("request", lambda request: sent.append(request) if request.method == "POST" else None)

    page.get_by_label("Files").set_input_files(str(big))
    message = page.locator("#files-check")
    assert message.text_content() == "“big.pdf” is larger than 2 kB: choose a smaller file."
    page.get_by_role("button", name="Save the report").click()

    assert page.evaluate("document.activeElement.id") == "files"
    assert sent == []
    assert db.session.scalar(db.select(db.func.count()).select_from(Report)) == 0


def test_a_file_of_a_kind_not_taken_is_refused_next_to_its_field(
    live_server, browser_page, center, editor, tmp_path
):
    program = tmp_path / "setup.exe"
    program.write_bytes(b"MZ" + b"\0" * 64)
    page = browser_page
    _log_in(page, live_server, editor.email)
    _report_form(page, live_server)

    page.get_by_label("Files").set_input_files(str(program))

    assert "“setup.exe” is not a kind of file accepted here" in page.locator("#files-check").text_content()
    assert page.get_by_label("Files").get_attribute("aria-invalid") == "true"


def test_a_sent_report_lands_on_its_page_with_the_confirmation(
    live_server, browser_page, center, editor, tmp_path
):
    from turkicnet.core.pdf import simple_pdf

    report_file = tmp_path / "caspian.pdf"
    report_file.write_bytes(simple_pdf(["Caspian shipping volumes"]))
    page = browser_page
    _log_in(page, live_server, editor.email)
    _report_form(page, live_server)
    page.get_by_label("Files").set_input_files(str(report_file))

    page.get_by_role("button", name="Save the report").click()

    heading = page.get_by_role("heading", name="Trans-Caspian freight in 2026")
    heading.wait_for()
    report = db.session.scalars(db.select(Report)).one()
    assert page.url.endswith(f"/reports/{report.id}")
    assert page.locator(".flash-success").count() == 1


def test_a_sent_form_with_an_error_comes_back_with_its_summary(
    live_server, browser_page, center, editor, tmp_path
):
    from turkicnet.core.pdf import simple_pdf

    report_file = tmp_path / "caspian.pdf"
    report_file.write_bytes(simple_pdf(["Caspian shipping volumes"]))
    page = browser_page
    _log_in(page, live_server, editor.email)
    _report_form(page, live_server, title="")
    page.get_by_label("Files").set_input_files(str(report_file))

    page.get_by_role("button", name="Save the report").click()

    summary = page.get_by_role("alert")
    summary.wait_for()
    assert summary.get_by_role("link", name="Title").is_visible()
    assert page.title().startswith("Error: ")
    assert page.locator("form[data-upload] button[type=submit]").is_enabled()


def test_without_javascript_the_report_form_posts_as_before(
    live_server, browser_page, center, editor, tmp_path
):
    from turkicnet.core.pdf import simple_pdf

    report_file = tmp_path / "caspian.pdf"
    report_file.write_bytes(simple_pdf(["Caspian shipping volumes"]))
    context = browser_page.context.browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        _log_in(page, live_server, editor.email)
        _report_form(page, live_server)
        page.get_by_label("Files").set_input_files(str(report_file))
        page.get_by_role("button", name="Save the report").click()

        assert page.get_by_role("heading", name="Trans-Caspian freight in 2026").is_visible()
        assert page.locator(".upload-progress").count() == 0
        assert len(db.session.scalars(db.select(Report)).one().files) == 1
    finally:
        context.close()
