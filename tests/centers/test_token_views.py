"""A center's API tokens page: for its focal points and admins; the token shown once; revoking."""

import re

from sqlalchemy import select

from tests.conftest import audit_rows, flashes
from turkicnet.auth.models import ApiToken
from turkicnet.centers import services
from turkicnet.centers.models import CenterStatus
from turkicnet.extensions import db

TOKEN = re.compile(r"tn_[0-9a-f]{12}_[A-Za-z0-9_-]{40,}")
FORM = {"name": "Publication pipeline", "scopes": "write", "expires_in_days": "365"}


def center_tokens(center) -> list[ApiToken]:
    db.session.expire_all()
    return list(db.session.scalars(select(ApiToken).where(ApiToken.center_id == center.id)))


def test_the_staff_page_links_the_tokens_page_for_a_focal_point_only(login_as, center, focal_point, editor):
    link = f'href="/centers/{center.slug}/tokens"'
    assert link in login_as(focal_point).get(f"/centers/{center.slug}/staff").get_data(as_text=True)
    assert link not in login_as(editor).get(f"/centers/{center.slug}/staff").get_data(as_text=True)


def test_a_focal_point_makes_a_center_token_and_sees_it_once(login_as, center, focal_point):
    client = login_as(focal_point)

    response = client.post(f"/centers/{center.slug}/tokens", data=FORM)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    [raw] = set(TOKEN.findall(page))
    assert "Copy it now: it will not be shown again" in page
    assert response.headers["Cache-Control"] == "no-store"
    assert all(raw not in cookie for cookie in response.headers.getlist("Set-Cookie"))
    [token] = center_tokens(center)
    assert token.scopes == "read write" and token.user_id == focal_point.id
    assert services.authenticate_bearer(raw) == token
    listing = client.get(f"/centers/{center.slug}/tokens").get_data(as_text=True)
    assert raw not in listing and "Publication pipeline" in listing and f"tn_{token.prefix}_" in listing


def test_a_form_error_shows_the_form_again_and_makes_nothing(login_as, center, focal_point):
    response = login_as(focal_point).post(
        f"/centers/{center.slug}/tokens", data=FORM | {"name": "", "scopes": "admin"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'class="error"' in page and not TOKEN.search(page)
    assert center_tokens(center) == []


def test_staff_who_are_not_focal_points_are_refused(login_as, center, editor, viewer):
    for person in (editor, viewer):
        client = login_as(person)
        assert client.get(f"/centers/{center.slug}/tokens").status_code == 403
        assert client.post(f"/centers/{center.slug}/tokens", data=FORM).status_code == 403
    assert center_tokens(center) == []


def test_a_pending_centers_tokens_are_hidden_from_others(login_as, make_center, outsider):
    pending = make_center(CenterStatus.PENDING)
    assert login_as(outsider).get(f"/centers/{pending.slug}/tokens").status_code == 404


def test_revoking_a_center_token(login_as, center, focal_point):
    token, raw = services.create_center_token(focal_point, center, name="Pipeline")
    client = login_as(focal_point)

    response = client.post(f"/centers/{center.slug}/tokens/{token.id}/revoke")

    assert response.status_code == 302 and response.location == f"/centers/{center.slug}/tokens"
    assert services.authenticate_bearer(raw) is None
    assert audit_rows("centers.revoke_token", center)[0].actor_id == focal_point.id
    page = client.get(f"/centers/{center.slug}/tokens").get_data(as_text=True)
    assert ("success", f"The token {token.prefix} was revoked.") in flashes(page) and "revoked" in page


def test_a_token_of_another_center_is_not_found_under_this_one(login_as, make_center, admin):
    own, other = make_center(), make_center()
    token, raw = services.create_center_token(admin, other, name="Pipeline")
    assert login_as(admin).post(f"/centers/{own.slug}/tokens/{token.id}/revoke").status_code == 404
    assert services.authenticate_bearer(raw) == token


def test_an_editor_cannot_revoke_a_center_token(login_as, center, focal_point, editor):
    token, raw = services.create_center_token(focal_point, center, name="Pipeline")
    assert login_as(editor).post(f"/centers/{center.slug}/tokens/{token.id}/revoke").status_code == 404
    assert services.authenticate_bearer(raw) == token
