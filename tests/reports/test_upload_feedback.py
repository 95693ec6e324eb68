"""The report editor and the application tell the browser what a file may be, load the
upload script without inline code, and a failed form opens with a summary of its errors."""

import re

from tests.centers.test_views import apply_form


def test_the_report_editor_tells_the_browser_the_files_it_takes_and_their_limit(
    app, client, login_as, center, editor
):
    login_as(editor)

    page = client.get(f"/reports/new?center={center.slug}").get_data(as_text=True)

    files = re.search(r'<input[^>]*id="files"[^>]*>', page).group()
    assert 'accept=".pdf,.docx,.xlsx,.pptx,.odt,.ods,.csv,application/pdf,' in files
    assert f'data-max-size="{app.config["UPLOAD_MAX_SIZE"]}"' in files
    assert 'data-too-large="“{name}” is larger than 25 MB: choose a smaller file."' in files
    kinds = "PDF, DOCX, XLSX, PPTX, ODT, ODS, CSV"
    assert f'data-wrong-type="“{{name}}” is not a kind of file accepted here ({kinds})."' in files
    assert "at most 25 MB each" in page
    form = re.search(r'<form class="stack" method="post" enctype="multipart/form-data"[^>]*>', page).group()
    assert 'data-upload data-sending="Sending the form…"' in form
    assert 'data-failed="The form could not be sent: the connection was interrupted.' in form
    script = re.search(r'<script src="(/assets/js/upload\.[0-9a-f]{12}\.js)" defer></script>', page)
    assert "<script>" not in page
    served = client.get(script.group(1))
    assert served.status_code == 200 and "javascript" in served.headers["Content-Type"]


def test_the_feedback_stylesheet_is_served_as_a_hashed_asset(client):
    page = client.get("/auth/login").get_data(as_text=True)
    path = re.search(r'href="(/assets/css/feedback\.[0-9a-f]{12}\.css)"', page).group(1)

    assert client.get(path).status_code == 200


def test_the_apply_form_takes_a_pdf_letter_of_the_configured_size(app, client, login_as, outsider):
    login_as(outsider)

    page = client.get("/apply").get_data(as_text=True)

    letter = re.search(r'<input[^>]*id="nomination_letter"[^>]*>', page).group()
    assert 'accept=".pdf,application/pdf"' in letter
    assert f'data-max-size="{app.config["MAX_LETTER_SIZE"]}"' in letter
    assert re.search(r'<script src="/assets/js/upload\.[0-9a-f]{12}\.js" defer></script>', page)


def test_a_failed_report_form_opens_with_an_error_summary_linking_each_field(
    client, login_as, center, editor, sections
):
    login_as(editor)
    section = sections["national-development-priorities"]

    response = client.post(
        f"/reports/new?center={center.slug}",
        data={"section_id": str(section.id), "title": "", "language": "en", "visibility": "public",
              "external_url": "not a url"},
        content_type="multipart/form-data",
    )  # fmt: skip

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r"<title>Error: Post a report · TurkicNet</title>", page)
    summary = re.search(
        r'<div class="flash flash-error error-summary" role="alert".*?</div>', page, re.S
    ).group()
    assert '<a href="#title">Title</a>' in summary
    assert '<a href="#external_url">' in summary
    assert "The form was not sent: 2 fields need correcting." in summary
    assert page.index("error-summary") < page.index("Browsers cannot keep chosen files")


def test_a_failed_application_has_its_summary_above_the_notice_about_the_letter(client, login_as, outsider):
    login_as(outsider)

    response = client.post("/apply", data=apply_form(name=""), content_type="multipart/form-data")

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert '<a href="#name">' in page
    assert page.index('role="alert"') < page.index("Browsers cannot keep a chosen file")
    assert "<title>Error: Apply to register your center · TurkicNet</title>" in page


def test_a_page_whose_form_did_not_fail_has_no_error_title(client, login_as, center, editor):
    login_as(editor)

    page = client.get(f"/reports/new?center={center.slug}").get_data(as_text=True)

    assert "<title>Post a report · TurkicNet</title>" in page
    assert "error-summary" not in page
