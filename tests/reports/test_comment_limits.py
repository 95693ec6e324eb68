"""Comments are limited per signed-in account, and the mail they send per recipient (F-18).

The data is made through the ``app`` fixture (limits off); the requests go to a second app
on the same database with the limits switched on and a small allowance, from one address.
"""

from datetime import timedelta

import pytest
from limits import parse

from tests.conftest import PASSWORD, audit_rows, mails_to
from turkicnet.config import Defaults
from turkicnet.extensions import db
from turkicnet.reports import services
from turkicnet.reports.models import Comment

SHARED_ADDRESS = {"REMOTE_ADDR": "203.0.113.41"}
ALLOWED = 3


@pytest.fixture
def limited(make_app, app):
    return make_app(RATELIMIT_ENABLED=True, COMMENT_LIMIT_PER_USER=f"{ALLOWED} per hour")


def logged_in(limited_app, user):
    client = limited_app.test_client()
    response = client.post(
        "/auth/login", data={"email": user.email, "password": PASSWORD}, environ_base=SHARED_ADDRESS
    )
    assert response.status_code == 302
    return client


def comment(client, report, body):
    return client.post(f"/reports/{report.id}/comments", data={"body": body}, environ_base=SHARED_ADDRESS)


def comment_count() -> int:
    return db.session.scalar(db.select(db.func.count(Comment.id)))


def test_the_comment_over_the_limit_is_refused_with_the_429_page_and_saves_nothing(
    limited, center, editor, focal_point, make_report
):
    report = make_report(editor, center)
    client = logged_in(limited, focal_point)

    statuses = [comment(client, report, f"Remark {n}").status_code for n in range(ALLOWED)]
    refused = comment(client, report, "One too many")

    assert statuses == [302] * ALLOWED
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    page = refused.get_data(as_text=True)
    assert "<h1>Too many attempts</h1>" in page and '<footer class="site-footer">' in page
    assert comment_count() == ALLOWED
    assert "One too many" not in "".join(m.body for m in mails_to(editor.email))


def test_one_persons_comments_do_not_use_up_anothers_allowance_behind_the_same_address(
    limited, center, editor, focal_point, make_report
):
    report = make_report(editor, center)
    first, second = logged_in(limited, focal_point), logged_in(limited, editor)
    for n in range(ALLOWED + 1):
        comment(first, report, f"Remark {n}")

    response = comment(second, report, "My own answer")

    assert response.status_code == 302
    assert comment_count() == ALLOWED + 1


def test_the_default_comment_limit_is_a_count_per_hour():
    limit = parse(Defaults.COMMENT_LIMIT_PER_USER)
    assert limit.get_expiry() == 3600 and 10 <= limit.amount <= 100


# ---------------------------------------------------------------- the mail a comment sends


def new_comment_mails(user) -> list:
    return [m for m in mails_to(user.email) if "New comment" in m.subject]


def test_a_burst_of_comments_mails_each_editor_once_per_quiet_period(
    app, center, editor, focal_point, make_report
):
    report = make_report(editor, center)
    for n in range(5):
        services.add_comment(focal_point, report, f"Remark {n}")

    [mail] = new_comment_mails(editor)
    assert "Remark 0" in mail.body
    assert [e.details["mailed"] for e in audit_rows("reports.comment", report)] == [[editor.id]] + [[]] * 4


def test_a_comment_after_the_quiet_period_mails_again(app, center, editor, focal_point, make_report):
    report = make_report(editor, center)
    services.add_comment(focal_point, report, "First remark")
    [first] = audit_rows("reports.comment", report)
    quiet = timedelta(minutes=app.config["COMMENT_MAIL_QUIET_MINUTES"])
    first.created_at -= quiet + timedelta(seconds=1)
    db.session.commit()

    services.add_comment(focal_point, report, "Second remark, later")

    assert ["Second remark, later" in m.body for m in new_comment_mails(editor)] == [False, True]


def test_an_editor_who_was_not_mailed_yet_is_mailed_within_anothers_quiet_period(
    app, center, editor, focal_point, make_report
):
    report = make_report(editor, center)
    services.add_comment(focal_point, report, "A question for the editor")
    services.add_comment(editor, report, "An answer for the focal point")

    assert len(new_comment_mails(editor)) == 1
    [mail] = new_comment_mails(focal_point)
    assert "An answer for the focal point" in mail.body
