"""The API's writes: a token with the write scope posts, changes, uploads to and shares a
report through the same services as the web forms; anything else is refused."""

import io
from datetime import timedelta

import pytest

from tests.api.conftest import bearer
from tests.conftest import audit_rows, pdf_upload
from turkicnet.core.timeutil import utcnow
from turkicnet.extensions import db
from turkicnet.reports.models import Report

NEW = {
    "section": "national-development-priorities",
    "title": "Water and energy nexus",
    "abstract": "Rivers **and** grids.",
    "authors": ["Dana Bek"],
    "visibility": "public",
}


def _post(client, token, center, **fields):
    return client.post(
        "/api/v1/reports", json={"center": center.slug, **NEW, **fields}, headers=bearer(token)
    )


def test_a_write_token_posts_a_report_for_its_holders_center(client, editor, center, personal_token):
    response = _post(client, personal_token(editor, "read write"), center)
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == body["api_url"]
    report = db.session.get(Report, body["id"])
    assert (report.title, report.lead_center_id, report.created_by_id) == (NEW["title"], center.id, editor.id)
    assert audit_rows("reports.create", report)


def test_a_read_token_cannot_write(client, editor, center, personal_token):
    response = _post(client, personal_token(editor, "read"), center)
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert db.session.query(Report).count() == 0


@pytest.mark.parametrize("spoil", ["revoke", "expire"])
def test_a_revoked_or_expired_token_is_refused(client, editor, center, personal_token, spoil):
    from turkicnet.auth.models import ApiToken

    token = personal_token(editor, "read write")
    stored = db.session.query(ApiToken).one()
    if spoil == "revoke":
        stored.revoked_at = utcnow()
    else:
        stored.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert _post(client, token, center).status_code == 401
    assert client.get("/api/v1/reports", headers=bearer(token)).status_code == 401
    assert db.session.query(Report).count() == 0


def test_a_made_up_token_is_refused_even_for_a_public_read(client):
    response = client.get("/api/v1/centers", headers=bearer("tn_abcdefgh_notarealsecret"))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_same_idempotency_key_posts_once(client, editor, center, personal_token):
    token = personal_token(editor, "read write")
    key = "0f8fad5b-d9cb-469f-a165-70867728950e"
    first = client.post(
        "/api/v1/reports",
        json={"center": center.slug, **NEW},
        headers={**bearer(token), "Idempotency-Key": key},
    )
    again = client.post(
        "/api/v1/reports",
        json={"center": center.slug, **NEW},
        headers={**bearer(token), "Idempotency-Key": key},
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["id"] == again.get_json()["id"]
    assert db.session.query(Report).count() == 1


@pytest.mark.parametrize(
    "fields, named",
    [
        ({"title": ""}, "title"),
        ({"visibility": "everyone"}, "visibility"),
        ({"section": "nope"}, "section"),
        ({"topics": ["nope"]}, "topics"),
        ({"publication_date": "yesterday"}, "publication_date"),
    ],
)
def test_an_invalid_field_is_a_422_naming_it(client, editor, center, personal_token, fields, named):
    response = _post(client, personal_token(editor, "read write"), center, **fields)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert named in [error["field"] for error in response.get_json()["errors"]]


def test_a_body_that_is_not_json_is_a_400(client, editor, personal_token):
    response = client.post(
        "/api/v1/reports", data="title=x", headers=bearer(personal_token(editor, "read write"))
    )
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"


def test_staff_of_another_center_cannot_post_or_change_its_reports(
    client, editor, center, make_center, add_staff, make_report, personal_token
):
    other = make_center()
    stranger = personal_token(add_staff(other, "editor"), "read write")
    assert _post(client, stranger, center).status_code == 403
    report = make_report(editor, center)
    response = client.patch(
        f"/api/v1/reports/{report.id}",
        json={"version": report.lock_version, "title": "Mine"},
        headers=bearer(stranger),
    )
    assert response.status_code == 403
    assert db.session.get(Report, report.id).title != "Mine"


def test_patch_changes_visibility_and_a_stale_version_is_a_409(
    client, editor, center, make_report, personal_token
):
    token = personal_token(editor, "read write")
    report = make_report(editor, center, visibility="draft")
    version = report.lock_version
    done = client.patch(
        f"/api/v1/reports/{report.id}",
        json={"version": version, "visibility": "public"},
        headers=bearer(token),
    )
    assert done.status_code == 200
    assert done.get_json()["visibility"] == "public"
    stale = client.patch(
        f"/api/v1/reports/{report.id}", json={"version": version, "title": "Late"}, headers=bearer(token)
    )
    assert stale.status_code == 409
    assert db.session.get(Report, report.id).title != "Late"


def test_a_file_upload_is_typed_by_content_and_capped(
    app, client, editor, center, make_report, personal_token
):
    token = personal_token(editor, "read write")
    report = make_report(editor, center, files=[])
    upload = pdf_upload("annex.pdf")
    added = client.post(
        f"/api/v1/reports/{report.id}/files",
        headers=bearer(token),
        data={"file": (upload.stream, "annex.pdf", "application/pdf")},
    )
    assert added.status_code == 201
    assert [f["name"] for f in added.get_json()["files"]] == ["annex.pdf"]
    fake = client.post(
        f"/api/v1/reports/{report.id}/files",
        headers=bearer(token),
        data={"file": (io.BytesIO(b"<html><script>x</script>"), "x.pdf", "application/pdf")},
    )
    assert fake.status_code == 422
    app.config["MAX_CONTENT_LENGTH"] = 1000
    big = client.post(
        f"/api/v1/reports/{report.id}/files",
        headers=bearer(token),
        data={"file": (io.BytesIO(b"%PDF-" + b"0" * 5000), "big.pdf", "application/pdf")},
    )
    assert big.status_code == 413
    assert big.mimetype == "application/problem+json"


def test_sharing_and_unsharing_through_the_api(
    client, editor, center, make_center, make_report, personal_token
):
    token = personal_token(editor, "read write")
    partner = make_center()
    report = make_report(editor, center, visibility="draft")
    shared = client.post(
        f"/api/v1/reports/{report.id}/shares", json={"centers": [partner.slug]}, headers=bearer(token)
    )
    assert shared.status_code == 200
    assert [s["center"]["slug"] for s in shared.get_json()["items"]] == [partner.slug]
    assert audit_rows("reports.share", report)
    gone = client.delete(f"/api/v1/reports/{report.id}/shares/{partner.slug}", headers=bearer(token))
    assert gone.status_code == 200 and gone.get_json()["items"] == []


def test_a_center_token_writes_for_its_center_after_its_maker_leaves(
    client, focal_point, center, center_token
):
    token = center_token(focal_point, center)
    focal_point.active = False  # the person who set the pipeline up is gone
    db.session.commit()
    response = _post(client, token, center)
    assert response.status_code == 201
    assert db.session.get(Report, response.get_json()["id"]).lead_center_id == center.id


def test_a_center_token_writes_for_its_center_only(
    client, focal_point, center, make_center, add_staff, center_token
):
    other = make_center()
    add_staff(other, "editor", user=focal_point)
    token = center_token(focal_point, center)
    assert _post(client, token, other).status_code == 403


def test_writes_need_no_csrf_token(make_app, editor, center, personal_token):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        from turkicnet.auth.models import User

        token = personal_token(db.session.get(User, editor.id), "read write")
        response = app.test_client().post(
            "/api/v1/reports", json={"center": center.slug, **NEW}, headers=bearer(token)
        )
        assert response.status_code == 201


@pytest.mark.parametrize(
    "fields, named",
    [({"abstract": "a\u0000b"}, None), ({"abstract": "\ud800"}, "abstract"),
     ({"external_url": "https://x.example/\ud800"}, "external_url"), ({"authors": ["A\u0000B"]}, None)],
)  # fmt: skip
def test_control_characters_are_dropped_and_lone_surrogates_refused(
    client, editor, center, make_report, personal_token, fields, named
):
    token = personal_token(editor, "read write")
    report = make_report(editor, center)
    response = client.patch(f"/api/v1/reports/{report.id}", json={"version": report.lock_version, **fields},
                            headers=bearer(token))  # fmt: skip
    if named is None:
        assert response.status_code == 200
        body = response.get_json()
        assert "\x00" not in body["abstract"] and all("\x00" not in author for author in body["authors"])
    else:
        assert response.status_code == 422
        assert named in [error["field"] for error in response.get_json()["errors"]]


def test_a_body_nested_too_deep_is_a_400(client, editor, personal_token):
    body = "[" * 100_000 + "]" * 100_000
    response = client.post("/api/v1/reports", data=body, content_type="application/json",
                           headers=bearer(personal_token(editor, "read write")))  # fmt: skip
    assert response.status_code == 400


def test_a_version_must_be_a_whole_number(client, editor, center, make_report, personal_token):
    report = make_report(editor, center)
    response = client.patch(f"/api/v1/reports/{report.id}", json={"version": 1.5, "title": "Half"},
                            headers=bearer(personal_token(editor, "read write")))  # fmt: skip
    assert response.status_code == 422


def test_a_file_part_without_a_file_is_a_422(client, editor, center, make_report, personal_token):
    report = make_report(editor, center, files=[])
    token = personal_token(editor, "read write")
    response = client.post(
        f"/api/v1/reports/{report.id}/files", headers=bearer(token), data={"file": (io.BytesIO(b""), "")}
    )
    assert response.status_code == 422
    assert db.session.get(Report, report.id).lock_version == report.lock_version


def test_unsharing_an_unknown_center_is_a_404(client, editor, center, make_report, personal_token):
    report = make_report(editor, center)
    response = client.delete(f"/api/v1/reports/{report.id}/shares/no-such-center",
                             headers=bearer(personal_token(editor, "read write")))  # fmt: skip
    assert response.status_code == 404


def test_no_token_reaches_the_log_through_api_requests(client, editor, center, personal_token, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    token = personal_token(editor, "read write")
    client.get("/api/v1/reports", headers=bearer(token))
    client.get("/api/v1/reports", headers=bearer(token + "x"))
    _post(client, token, center, title="")
    _post(client, token, center)
    assert token not in caplog.text
    assert token.split("_", 2)[2] not in caplog.text  # the secret itself may hold "_"
