"""The audit log is filtered by actor (address or account number), action, center and dates;
the pager keeps the filters, and a malformed filter is told, not a 500 (F-17)."""

import html
import re
from datetime import datetime

import pytest

from turkicnet.core.models import AuditEvent
from turkicnet.extensions import db


def rows(page: str) -> list[str]:
    """The actions listed, top to bottom."""
    return re.findall(r'<td[^>]*>(?:[^<]*<br><small>)?<code lang="zxx" translate="no">([^<]+)</code>', page)


def audit(client, query: str):
    response = client.get(f"/admin/audit?{query}")
    return response, response.get_data(as_text=True)


@pytest.fixture
def logged_in_admin(client, login_as, admin):
    login_as(admin)
    return client


def test_filtering_by_an_actors_address_or_number_lists_only_their_events(
    logged_in_admin, center, editor, admin
):
    for query in (f"actor={editor.email.upper()}", f"actor={editor.id}"):
        response, page = audit(logged_in_admin, query)
        assert response.status_code == 200
        assert set(rows(page)) == {"auth.register", "centers.accept_invitation"}, query


def test_filtering_by_a_center_lists_what_happened_to_it_and_its_staff(
    logged_in_admin, center, editor, make_center
):
    make_center(name="Another Institute", acronym="AI", country_code="UZ")
    _response, page = audit(logged_in_admin, f"center={center.slug}")
    listed = set(rows(page))
    assert {"centers.apply", "centers.approve", "centers.invite"} <= listed
    assert "auth.register" not in listed
    assert rows(page).count("centers.apply") == 1, "the other center's application is left out"


def test_filtering_by_dates_keeps_the_days_given_both_ends_included(logged_in_admin, admin, make_user):
    old, new = make_user("old@example.org"), make_user("new@example.org")
    for user, when in ((old, datetime(2026, 1, 10, 23, 59)), (new, datetime(2026, 3, 1, 0, 0))):
        event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.actor_id == user.id)).one()
        event.created_at = when
    db.session.commit()

    _response, page = audit(logged_in_admin, "from=2026-01-10&until=2026-01-10")
    assert "old@example.org" in page and "new@example.org" not in page
    _response, page = audit(logged_in_admin, "from=2026-02-01&until=2026-03-01")
    assert "new@example.org" in page and "old@example.org" not in page


def test_the_pager_keeps_the_filters(app, logged_in_admin, make_user):
    app.config["AUDIT_PER_PAGE"] = 2
    for _ in range(5):
        make_user()
    _response, page = audit(logged_in_admin, "action=auth.&from=2020-01-01&until=2100-01-01")
    next_link = html.unescape(re.search(r'<a href="([^"]+)" rel="next">', page).group(1))
    assert "action=auth." in next_link and "from=2020-01-01" in next_link and "until=2100-01-01" in next_link
    assert "page=2" in next_link
    response, second_page = audit(logged_in_admin, next_link.split("?", 1)[1])
    assert response.status_code == 200 and set(rows(second_page)) == {"auth.register"}


@pytest.mark.parametrize(
    "query, message",
    [
        ("from=2026-13-01", "Give the date as YYYY-MM-DD."),
        ("until=yesterday", "Give the date as YYYY-MM-DD."),
        ("from=2026-03-01&until=2026-01-01", "The first day comes after the last one."),
        ("actor=not%20an%20address", "Give an e-mail address or an account number."),
        ("actor=nobody@example.org", "No account has that e-mail address."),
        ("actor=99999999999999999999999", "Give an e-mail address or an account number."),
        ("center=no-such-center", "No center has that address."),
        ("actor=%C2%B2", "Give an e-mail address or an account number."),
        ("until=9999-12-31", "Give a day between 2000 and 2999."),
        ("from=0001-01-01", "Give a day between 2000 and 2999."),
    ],
)
def test_a_malformed_filter_is_told_not_a_500(logged_in_admin, query, message):
    response, page = audit(logged_in_admin, query)
    assert response.status_code == 400
    assert message in html.unescape(page)
    assert rows(page) == []
