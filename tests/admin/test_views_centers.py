"""The admin list of all centers, and its status filter."""

import re

import pytest

from turkicnet.centers.models import CenterStatus


def _listed(page: str) -> list[str]:
    """The names of the centers the list shows, in its order."""
    return re.findall(r'<td[^>]*><a href="/admin/centers/[^"]+">([^<]+)</a></td>', page)


def _status_choices(page: str) -> str:
    return page.split('id="status"')[1].split("</select>")[0]


@pytest.fixture
def network(make_center):
    """One center in each status, named after it."""
    return {
        status: make_center(status, name=f"{status.value.replace('_', ' ').title()} Institute")
        for status in CenterStatus
    }


def test_without_a_filter_every_center_is_listed_by_name(client, login_as, admin, network):
    login_as(admin)
    page = client.get("/admin/centers").get_data(as_text=True)
    by_name = sorted(network.values(), key=lambda center: center.name)
    assert _listed(page) == [center.display_name for center in by_name]
    assert " selected>" not in _status_choices(page)


@pytest.mark.parametrize("status", list(CenterStatus))
def test_the_status_filter_lists_only_the_centers_of_that_status(client, login_as, admin, network, status):
    login_as(admin)
    page = client.get(f"/admin/centers?status={status.value}").get_data(as_text=True)
    assert _listed(page) == [network[status].display_name]
    assert f'<option value="{status.value}" selected>' in page


def test_a_status_no_center_has_says_so(client, login_as, admin, make_center):
    make_center(name="Only Approved Institute")
    login_as(admin)
    page = client.get("/admin/centers?status=suspended").get_data(as_text=True)
    assert _listed(page) == [] and "No center has this status." in page


def test_an_unknown_status_is_ignored_and_every_center_is_listed(client, login_as, admin, network):
    login_as(admin)
    page = client.get("/admin/centers?status=everything").get_data(as_text=True)
    assert len(_listed(page)) == len(CenterStatus)
    assert " selected>" not in _status_choices(page)


def test_center_staff_cannot_filter_the_centers(client, login_as, focal_point):
    login_as(focal_point)
    assert client.get("/admin/centers?status=pending").status_code == 403


def test_the_admin_home_leads_to_the_applications_queue(client, login_as, admin):
    login_as(admin)
    response = client.get("/admin/")
    assert response.status_code == 302 and response.location == "/admin/applications"


def test_an_unknown_decision_is_refused_and_the_application_stays_pending(
    client, login_as, admin, make_center
):
    from tests.conftest import audit_rows
    from turkicnet.extensions import db

    pending = make_center(CenterStatus.PENDING)
    login_as(admin)
    response = client.post(f"/admin/centers/{pending.slug}/decide", data={"decision": "promote", "note": ""})
    assert response.status_code == 400
    assert pending.name in response.get_data(as_text=True)
    db.session.refresh(pending)
    assert pending.status is CenterStatus.PENDING
    assert audit_rows("centers.approve") == []


def test_an_empty_message_to_an_applicant_is_refused(client, login_as, admin, make_center):
    from tests.conftest import audit_rows, mails_to

    pending = make_center(CenterStatus.PENDING)
    applicant = pending.memberships[0].user
    login_as(admin)
    response = client.post(f"/admin/centers/{pending.slug}/message", data={"body": "  "})
    assert response.status_code == 400
    assert '<p class="error" id="body-error">This field is required.</p>' in response.get_data(as_text=True)
    assert audit_rows("centers.message") == []
    assert not [m for m in mails_to(applicant.email) if "A message about the application" in m.subject]
