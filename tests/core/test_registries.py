"""Core knows no feature's vocabulary: the features register their notices and mail."""

import pytest

from turkicnet.core import mail, notifications


def test_the_features_register_their_notice_kinds_and_mail_categories(app):
    assert {"center_approved", "join_requested", "report_shared", "coauthorship_to_confirm"} <= set(
        notifications.MESSAGES
    )
    assert list(mail.OPTIONAL_CATEGORIES) == ["join_requests", "staff_changes", "reports"]
    assert {"account", "center_decisions"} <= mail.MANDATORY_CATEGORIES


def test_building_the_app_again_registers_nothing_twice(app, make_app):
    before = dict(notifications.MESSAGES), dict(mail.OPTIONAL_CATEGORIES)
    make_app()
    assert (dict(notifications.MESSAGES), dict(mail.OPTIONAL_CATEGORIES)) == before


def test_a_kind_claimed_by_two_features_is_a_programming_error(app):
    with pytest.raises(ValueError):
        notifications.register_kinds({"center_approved": "Something else"})
    with pytest.raises(ValueError):
        mail.register_category("reports")  # optional already; mandatory now?


def test_a_notice_renders_in_the_readers_words_and_an_unknown_kind_as_itself(app, make_user):
    from turkicnet.core.models import Notification

    notice = Notification(kind="center_approved", params={"center": "CERR"})
    assert notifications.render(notice) == "CERR was approved and is now a member of the network."
    assert notifications.render(Notification(kind="retired_kind", params={})) == "retired_kind"
    with pytest.raises(ValueError):
        notifications.notify(make_user(), "no_such_kind")


def test_the_features_register_their_stored_files_and_what_a_restore_counts(app):
    from turkicnet.core import inventory

    assert set(inventory._FILE_SOURCES) == {"centers.letters", "reports.files"}
    assert set(inventory._COUNTS) == {"centers", "ledger_entries", "reports"}
    with pytest.raises(ValueError):
        inventory.register_file_source("reports.files", lambda: [])
