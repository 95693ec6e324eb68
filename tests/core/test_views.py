import re


def test_home_shows_live_counts_of_member_centers(client, make_center):
    make_center(country_code="KZ")
    make_center(country_code="UZ")
    make_center(status="pending", country_code="TR")
    page = client.get("/").get_data(as_text=True)
    assert '<span class="stat-value">2</span> <span class="stat-label">member centers' in page
    assert '<span class="stat-value">2</span> <span class="stat-label">countries' in page


def test_healthz_reports_the_database_as_json(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["database"] == "ok"


def test_unknown_page_is_a_404_in_the_site_layout(client):
    response = client.get("/no/such/page")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in page
    assert 'class="site-header"' in page


def test_wrong_method_is_a_405_page(client):
    response = client.get("/auth/logout")
    assert response.status_code == 405
    assert "Not allowed here" in response.get_data(as_text=True)


def test_oversized_upload_gets_the_friendly_413_page(make_app, make_user):
    app = make_app(MAX_CONTENT_LENGTH=2000)
    client = app.test_client()
    with app.app_context():
        email = make_user().email
    client.post("/auth/login", data={"email": email, "password": "quiet orbit lantern 58 meadow"})
    response = client.post(
        "/apply",
        data={
            "name": "Big",
            "nomination_letter": (__import__("io").BytesIO(b"%PDF-" + b"x" * 5000), "a.pdf"),
        },
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "The file is too large" in page
    assert 'class="site-header"' in page


def test_every_response_carries_the_security_headers(client):
    for path in ("/", "/no/such/page", "/healthz"):
        headers = client.get(path).headers
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "Access-Control-Allow-Origin" not in headers


def test_pages_for_logged_in_people_are_not_cached(client, login_as, make_user):
    login_as(make_user())
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_stylesheet_is_served_under_its_content_hash_for_a_year(client):
    page = client.get("/").get_data(as_text=True)
    href = re.search(r'href="(/assets/css/site\.[0-9a-f]{12}\.css)"', page).group(1)
    response = client.get(href)
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert b"--accent" in response.data
    response.close()
    assert client.get("/assets/css/site.000000000000.css").status_code == 404
    assert client.get("/assets/../setup.cfg").status_code == 404


def test_notifications_page_lists_and_marks_notices_read(client, login_as, make_center, focal_point):
    from turkicnet.core.models import AuditEvent, Notification
    from turkicnet.extensions import db

    login_as(focal_point)
    page = client.get("/notifications").get_data(as_text=True)
    assert "was approved and is now a member of the network" in page
    assert 'badge-unread">1<' in page
    client.post("/notifications/read")
    unread = db.session.scalars(
        db.select(Notification).where(Notification.user_id == focal_point.id, Notification.read_at.is_(None))
    ).all()
    assert unread == []
    [event] = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "core.read_notifications"))
    assert (event.actor_id, event.details["count"]) == (focal_point.id, 1)
    assert "badge-unread" not in client.get("/").get_data(as_text=True)


def test_public_pages_have_one_h1_and_a_plain_title(client, center, make_version):
    make_version()
    paths = ["/", "/centers", f"/centers/{center.slug}", "/countries/KZ", "/protocol", "/protocol/v/1",
             "/protocol/notices", "/protocol/registry", "/sections", "/search?q=x", "/auth/login",
             "/sections/national-development-priorities", "/auth/register"]  # fmt: skip
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        assert page.count("<h1") == 1, path
        title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
        assert "<" not in title and title.endswith("· TurkicNet"), path


def test_home_shows_the_protocols_status_and_progress(client, make_center, add_staff, make_version, sign):
    assert "no version is open for signature yet" in client.get("/").get_data(as_text=True)
    version = make_version(required_centers=3)
    center = make_center(country_code="KZ")
    sign(add_staff(center, can_sign=True), center, version)
    page = client.get("/").get_data(as_text=True)
    assert "Version 1, “Protocol on Cooperation”, is open" in page
    assert "1 of 3 centers have signed" in page
    assert "2 more centers needed for entry into force." in page


def test_every_page_names_its_icon_and_the_icon_is_served(client):
    page = client.get("/").get_data(as_text=True)
    icon_link = r'<link rel="icon" type="image/svg\+xml" href="(/assets/img/favicon\.[0-9a-f]{12}\.svg)"'
    href = re.search(icon_link, page)
    assert href is not None
    icon = client.get(href.group(1))
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
