import hashlib
import html
import re
from pathlib import Path

from sqlalchemy import select

from tests.conftest import PASSWORD, path_of
from turkicnet.extensions import db
from turkicnet.protocol.models import LedgerEntry, ProtocolVersion, VersionStatus


def _sign_form(version, **changes):
    data = {
        "fingerprint": version.text_sha256,
        "signer_name": "Aliya Nurova",
        "signer_title": "Director",
        "confirm_authority": "y",
        "password": PASSWORD,
    }
    data.update(changes)
    return data


def test_the_signing_page_shows_the_text_its_fingerprint_and_the_center(
    client, login_as, center, signatory, make_version
):
    version = make_version()
    login_as(signatory)
    page = client.get(f"/protocol/v/{version.number}/sign").get_data(as_text=True)
    assert "Article 1. The Parties cooperate." in page
    assert version.text_sha256 in page
    assert center.name in page
    assert f'name="fingerprint" type="hidden" value="{version.text_sha256}"' in page
    assert '<label for="password">Your password</label>' in page


def test_a_signatory_signs_and_lands_on_the_certificate(client, login_as, center, signatory, make_version):
    version = make_version()
    login_as(signatory)
    response = client.post(
        f"/protocol/v/{version.number}/sign?center={center.slug}", data=_sign_form(version)
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/protocol/signatures/1")
    certificate = client.get("/protocol/signatures/1").get_data(as_text=True)
    entry = db.session.get(LedgerEntry, 1)
    for value in ("Aliya Nurova", "Director", center.name, entry.hash, entry.prev_hash, version.text_sha256,
                  entry.at, version.text("en").sha256):  # fmt: skip
        assert value in certificate
    assert version.text("ru").sha256 not in certificate  # not authentic


def test_a_second_click_is_told_already_signed_never_an_error_page(
    client, login_as, center, signatory, make_version
):
    version = make_version()
    login_as(signatory)
    client.post(f"/protocol/v/{version.number}/sign", data=_sign_form(version))
    response = client.post(
        f"/protocol/v/{version.number}/sign", data=_sign_form(version), follow_redirects=True
    )
    assert response.status_code == 200
    assert "already signed version 1 on" in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(LedgerEntry.seq))) == 1


def test_a_stale_fingerprint_is_refused_with_a_clear_page(client, login_as, center, signatory, make_version):
    version = make_version()
    login_as(signatory)
    response = client.post(
        f"/protocol/v/{version.number}/sign", data=_sign_form(version, fingerprint="a" * 64)
    )
    assert response.status_code == 409
    assert "The text is not the one you were shown" in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(LedgerEntry.seq))) == 0


def test_a_wrong_password_is_shown_beside_the_field_and_the_name_is_kept(
    client, login_as, center, signatory, make_version
):
    version = make_version()
    login_as(signatory)
    response = client.post(
        f"/protocol/v/{version.number}/sign", data=_sign_form(version, password="not the password at all")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="password-error">This is not your password.' in page
    assert 'value="Aliya Nurova"' in page


def test_someone_who_may_not_sign_gets_403(client, login_as, editor, make_version):
    version = make_version()
    login_as(editor)
    assert client.get(f"/protocol/v/{version.number}/sign").status_code == 403
    assert client.post(f"/protocol/v/{version.number}/sign", data=_sign_form(version)).status_code == 403


WITHDRAWAL = {
    "signer_name": "Aliya Nurova",
    "signer_title": "Director",
    "reason": "Mandate ended",
    "password": PASSWORD,
}


def test_withdrawal_through_the_page_records_the_reason(
    client, login_as, center, signatory, make_version, sign
):
    version = make_version()
    sign(signatory, center, version)
    login_as(signatory)
    response = client.post(
        f"/protocol/v/{version.number}/withdraw",
        data=WITHDRAWAL,
    )
    assert response.status_code == 302
    entry = db.session.get(LedgerEntry, 2)
    assert (entry.action, entry.note) == ("withdraw", "Mandate ended")
    notices = client.get("/protocol/notices").get_data(as_text=True)
    assert "withdrew its signature of version 1. Reason: Mandate ended" in notices


def test_withdrawing_without_a_signature_gives_the_services_answer_and_adds_nothing(
    client, login_as, center, signatory, make_version
):
    version = make_version()
    login_as(signatory)
    response = client.post(
        f"/protocol/v/{version.number}/withdraw",
        data=WITHDRAWAL,
    )
    assert response.status_code == 409
    assert f"{center.name} holds no signature on version 1." in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(LedgerEntry.seq))) == 0


def test_a_superseded_version_offers_no_signature_and_its_signing_page_is_refused(
    client, login_as, make_center, add_staff, make_version, sign
):
    first = make_version(required_centers=1)
    second = make_version(required_centers=1)
    kz, uz = make_center(country_code="KZ"), make_center(country_code="UZ")
    sign(add_staff(kz, can_sign=True), kz, second)
    db.session.refresh(first)
    assert first.status is VersionStatus.SUPERSEDED
    login_as(add_staff(uz, can_sign=True))
    response = client.get(f"/protocol/v/{first.number}/sign?center={uz.slug}")
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert f"Version {first.number} is not open for signature." in page
    assert 'name="password"' not in page and "<nav" in page  # the site's layout, not a form
    assert f"/protocol/v/{first.number}/sign" not in client.get(f"/protocol/v/{first.number}").get_data(
        as_text=True
    )
    assert f"/protocol/v/{second.number}/sign?center={uz.slug}" in client.get(
        f"/protocol/v/{second.number}"
    ).get_data(as_text=True)


def test_the_protocol_page_shows_status_progress_and_totals(
    client, make_center, add_staff, make_version, sign
):
    version = make_version(required_centers=5, required_states=3)
    for code in ("KZ", "KZ", "UZ"):
        center = make_center(country_code=code)
        sign(add_staff(center, can_sign=True), center, version)
    page = client.get("/protocol").get_data(as_text=True)
    assert "3 of 5 centers have signed, 2 of 3 member states" in page
    assert "2 more centers, 1 more state needed for entry into force." in page
    assert "Kazakhstan: 2" in page and "Uzbekistan: 1" in page
    assert version.text_sha256 in page


def test_the_status_table_sorts_by_country_and_by_date(client, make_center, add_staff, make_version, sign):
    version = make_version()
    uz = make_center(country_code="UZ", name="Uzbek Center")
    az = make_center(country_code="AZ", name="Azeri Center")
    sign(add_staff(uz, can_sign=True), uz, version)
    sign(add_staff(az, can_sign=True), az, version)
    by_country = client.get("/protocol?sort=country").get_data(as_text=True)
    assert by_country.index("Azeri Center") < by_country.index("Uzbek Center")
    by_date_desc = client.get("/protocol?sort=date&dir=desc").get_data(as_text=True)
    assert by_date_desc.index("Azeri Center") < by_date_desc.index("Uzbek Center")
    by_date = client.get("/protocol?sort=date").get_data(as_text=True)
    assert by_date.index("Uzbek Center") < by_date.index("Azeri Center")
    by_country_desc = client.get("/protocol?sort=country&dir=desc").get_data(as_text=True)
    assert by_country_desc.index("Uzbek Center") < by_country_desc.index("Azeri Center")


def test_parallel_texts_side_by_side_and_the_diff_to_the_previous_version(client, make_version):
    make_version()
    second = make_version(english="# Protocol\n\nArticle 1. The Parties cooperate closely.\n")
    page = client.get(f"/protocol/v/{second.number}?compare=tr").get_data(as_text=True)
    assert "Madde 1. İşbirliği." in page and "cooperate closely" in page
    diff = client.get(f"/protocol/v/{second.number}/diff").get_data(as_text=True)
    assert '<span class="diff-del">-Article 1. The Parties cooperate.</span>' in diff
    assert '<span class="diff-add">+Article 1. The Parties cooperate closely.</span>' in diff


def test_a_draft_is_invisible_to_the_public(client, make_version):
    draft = make_version(status="draft")
    assert client.get(f"/protocol/v/{draft.number}").status_code == 404
    assert client.get(f"/protocol/v/{draft.number}/text/en.md").status_code == 404


def test_notices_and_their_feed_announce_openings_signatures_and_entry_into_force(
    client, center, signatory, make_version, sign
):
    version = make_version(required_centers=1)
    sign(signatory, center, version)
    page = client.get("/protocol/notices").get_data(as_text=True)
    assert "was opened for signature" in page
    assert f"{center.name} (ERC" in page and "signed version 1" in page
    assert "Version 1 of the protocol entered into force." in page
    feed = client.get("/protocol/notices.atom")
    assert feed.mimetype == "application/atom+xml"
    assert feed.get_data(as_text=True).count("<entry>") == 3


def test_the_registry_page_says_what_is_recorded_and_what_the_signature_is_not(client):
    page = client.get("/protocol/registry").get_data(as_text=True)
    assert "no e-mail address, no IP address" in page
    assert "not an advanced or qualified electronic signature" in page


def test_the_registry_page_shows_the_head_checkpoint_a_signatory_may_keep(
    client, make_center, add_staff, make_version, sign
):
    version = make_version()
    for code in ("KZ", "UZ"):
        center = make_center(country_code=code)
        sign(add_staff(center, can_sign=True), center, version)
    head = db.session.get(LedgerEntry, 2)
    page = html.unescape(client.get("/protocol/registry").get_data(as_text=True))
    assert head.hash in page
    assert db.session.get(LedgerEntry, 1).hash not in page
    kept = re.search(r'<pre class="command">(\{.*?\})</pre>', page).group(1)
    assert kept.startswith('{"at":"') and f'"hash":"{head.hash}","key_id":"' in kept and '"seq":2,' in kept


def test_the_registry_page_explains_how_to_check_and_links_the_script(client):
    page = html.unescape(client.get("/protocol/registry").get_data(as_text=True))
    assert "Nothing has been signed yet, so there is no checkpoint." in page
    assert '<a href="/protocol/verify_ledger.py" download>verify_ledger.py</a>' in page
    assert "pip install cryptography" in page
    assert "python verify_ledger.py http://turkicnet.test --checkpoint confirmation.eml" in page
    assert "flask --app wsgi protocol verify --checkpoint checkpoint.json" in page


def test_the_verifier_script_downloads_as_an_attachment_of_its_exact_bytes(client):
    response = client.get("/protocol/verify_ledger.py")
    assert response.status_code == 200
    assert response.mimetype == "text/x-python"
    assert response.headers["Content-Disposition"] == "attachment; filename=verify_ledger.py"
    script = Path(__file__).resolve().parents[2] / "tools" / "verify_ledger.py"
    assert response.data == script.read_bytes()


def test_versions_json_lists_public_versions_with_their_rule_dates_and_texts(client, make_version):
    first = make_version(required_centers=2, required_states=2)
    make_version(status="draft")
    [listed] = client.get("/protocol/versions.json").get_json()["versions"]
    assert {key: listed[key] for key in ("number", "title", "status", "text_sha256")} == {
        "number": first.number, "title": "Protocol on Cooperation", "status": "open",
        "text_sha256": first.text_sha256,
    }  # fmt: skip
    assert (listed["required_centers"], listed["required_states"]) == (2, 2)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", listed["opened_at"])
    assert listed["in_force_at"] is None and listed["superseded_at"] is None
    assert [(t["language"], t["authentic"]) for t in listed["texts"]] == [
        ("en", True),
        ("tr", True),
        ("ru", False),
    ]
    assert listed["texts"][0]["url"] == f"http://turkicnet.test/protocol/v/{first.number}/text/en.md"


def test_each_listed_text_fingerprint_is_that_of_the_bytes_its_url_serves(client, make_version):
    make_version()
    make_version(english="# Protocol\n\nArticle 1. The Parties cooperate closely.\n")
    versions = client.get("/protocol/versions.json").get_json()["versions"]
    assert [version["number"] for version in versions] == [1, 2]
    for version in versions:
        for listed in version["texts"]:
            served = client.get(path_of(listed["url"]))
            assert served.status_code == 200
            assert hashlib.sha256(served.data).hexdigest() == listed["sha256"]


def test_versions_json_leaves_drafts_out_even_for_an_admin(client, login_as, admin, make_version):
    make_version(status="draft")
    login_as(admin)
    assert client.get("/protocol/versions.json").get_json() == {"versions": []}


def test_versions_json_reads_versions_and_texts_in_two_queries_however_many_there_are(
    client, make_version, count_queries
):
    make_version()
    with count_queries() as one:
        client.get("/protocol/versions.json")
    for _ in range(3):
        make_version()
    with count_queries() as four:
        client.get("/protocol/versions.json")
    assert len(four.statements) == len(one.statements)
    assert sum("FROM protocol_versions" in statement for statement in four.statements) == 1
    assert sum("FROM protocol_texts" in statement for statement in four.statements) == 1


def test_standing_is_shown_in_the_directory_and_on_the_profile(client, center, signatory, make_version, sign):
    sign(signatory, center, make_version())
    assert "Signatory member" in client.get("/centers").get_data(as_text=True)
    assert "Signatory member" in client.get(f"/centers/{center.slug}").get_data(as_text=True)


def test_protocol_page_queries_do_not_grow_with_signatures(
    client, make_center, add_staff, make_version, sign, count_queries
):
    version = make_version(required_centers=50)
    center = make_center()
    sign(add_staff(center, can_sign=True), center, version)
    with count_queries() as few:
        client.get("/protocol")
    for _ in range(6):
        center = make_center()
        sign(add_staff(center, can_sign=True), center, version)
    with count_queries() as many:
        client.get("/protocol")
    assert len(many.statements) == len(few.statements)


def test_admin_writes_previews_and_opens_a_version_through_the_screens(client, login_as, admin):
    login_as(admin)
    response = client.post(
        "/admin/protocol", data={"title": "Amended Protocol", "required_centers": "4", "required_states": "2"}
    )
    number = int(re.search(r"/admin/protocol/v/(\d+)$", response.headers["Location"]).group(1))
    preview = client.post(
        f"/admin/protocol/v/{number}/text",
        data={"language": "en", "body": "# Title\n\n<script>alert(1)</script>\n\n**bold**", "authentic": "y",
              "preview": "1"},
    )  # fmt: skip
    page = preview.get_data(as_text=True)
    assert "<strong>bold</strong>" in page and "<script>alert(1)</script>" not in page
    assert db.session.scalar(select(ProtocolVersion).where(ProtocolVersion.number == number)).texts == []
    crlf_text = {"language": "en", "body": "# Title\r\n\r\nText.\r\n", "authentic": "y"}
    client.post(f"/admin/protocol/v/{number}/text", data=crlf_text)
    client.post(f"/admin/protocol/v/{number}/open")
    version = db.session.scalar(select(ProtocolVersion).where(ProtocolVersion.number == number))
    assert version.status is VersionStatus.OPEN and version.text_sha256
    assert client.get(f"/protocol/v/{number}/text/en.md").data == b"# Title\n\nText.\n"


def test_staff_cannot_reach_the_protocol_admin(client, login_as, focal_point):
    login_as(focal_point)
    assert client.get("/admin/protocol").status_code == 403
    assert client.post("/admin/protocol", data={"title": "x", "required_centers": "1"}).status_code == 403


def test_more_states_than_the_rule_needs_are_shown_as_a_count_not_as_n_of_fewer(
    client, make_center, add_staff, make_version, sign
):
    version = make_version(required_centers=5, required_states=2)
    for code in ("KZ", "UZ", "KG"):
        center = make_center(country_code=code)
        sign(add_staff(center, can_sign=True), center, version)
    page = client.get("/protocol").get_data(as_text=True)
    assert "3 of 5 centers have signed, 3 member states (2 needed)" in page
    assert "3 of 2" not in page
