import email
from email import policy

import pytest

from tests.conftest import sent_mail
from turkicnet.core import mail
from turkicnet.core.db import unit_of_work
from turkicnet.core.models import OutboxMessage
from turkicnet.core.timeutil import utcnow
from turkicnet.extensions import db


def _unsent():
    return db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))).all()


def test_mail_waits_in_the_outbox_until_a_delivery_pass_sends_it_as_a_utf8_file(app, tmp_path):
    with unit_of_work(unchecked="the test queues mail by hand"):
        mail.queue_mail(
            "aýgül@example.org",
            "Salam — Сәлем",
            "verify_email",
            category="account",
            recipient_name="x",
            verify_url="https://turkicnet.test/auth/verify/abc?next=/centers",
        )
    [message] = _unsent()
    assert (message.attempts, message.next_attempt_at is not None) == (0, True), "due at once"
    assert list(tmp_path.glob("mail/*.eml")) == [], "committing sends nothing"

    raw = sent_mail()[message.id]
    assert _unsent() == []
    assert db.session.get(OutboxMessage, message.id).sent_at is not None
    assert b"Content-Transfer-Encoding: 8bit" in raw
    assert b"https://turkicnet.test/auth/verify/abc?next=/centers" in raw
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert parsed["Subject"] == "Salam — Сәлем"


def test_mail_deliver_sends_what_is_due_and_leaves_a_failure_to_its_retry_time(
    app, runner, tmp_path, monkeypatch, make_user
):
    user = make_user()

    def broken(message):
        raise OSError("mail server down")

    monkeypatch.setattr(mail, "transport", lambda: broken)
    result = runner.invoke(args=["mail", "deliver"])
    assert result.exit_code == 1, "a failure is the command's failure"
    assert "Sent 0, failed 1." in result.output
    db.session.expire_all()
    [message] = _unsent()
    assert message.attempts == 1 and "mail server down" in message.last_error
    assert message.next_attempt_at > utcnow(), "retried later, not at once"

    monkeypatch.undo()
    result = runner.invoke(args=["mail", "deliver"])
    assert (result.exit_code, result.output.strip()) == (0, "Sent 0, failed 0."), "not due yet"

    result = runner.invoke(args=["mail", "retry"])
    assert result.output.strip() == "1 message is due now; a worker sends it."
    result = runner.invoke(args=["mail", "deliver"])
    assert (result.exit_code, result.output.strip()) == (0, "Sent 1, failed 0.")
    db.session.expire_all()
    assert _unsent() == []
    assert (tmp_path / "mail" / f"{message.id}.eml").exists()
    assert user.email in (tmp_path / "mail" / f"{message.id}.eml").read_text()


def test_mail_of_a_transaction_that_fails_is_never_sent(app, make_center, admin, monkeypatch, tmp_path):
    from turkicnet.centers import services

    center = make_center(status="pending")
    before = db.session.scalar(db.select(db.func.count(OutboxMessage.id)))

    def failing_commit():
        raise RuntimeError("database went away")

    monkeypatch.setattr(db.session, "commit", failing_commit)
    with pytest.raises(RuntimeError):
        services.approve_center(admin, center)
    monkeypatch.undo()
    db.session.rollback()
    db.session.expire_all()
    assert center.status.value == "pending"
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == before


def test_an_optional_category_switched_off_is_not_sent(app, make_user):
    from turkicnet.auth.services import set_mail_preferences

    user = make_user()
    set_mail_preferences(user, receive=set())
    assert mail.queue_mail(user, "x", "removed_from_center", category="staff_changes", center=None) is None
    assert mail.queue_mail(user, "x", "password_changed", category="account") is not None


def test_an_unknown_category_is_a_programming_error(app):
    with pytest.raises(ValueError):
        mail.queue_mail("a@example.org", "x", "password_changed", category="newsletter")


def test_a_request_only_writes_the_outbox_and_the_worker_sends_it(app, client, runner, make_user, tmp_path):
    """Nothing in a request waits on a mail server: the outbox row is committed with the
    change, and ``flask worker`` sends it."""
    user = make_user()
    mark = db.session.scalar(db.select(db.func.max(OutboxMessage.id))) or 0
    response = client.post("/auth/reset", data={"email": user.email})
    assert response.status_code == 200
    db.session.expire_all()
    [message] = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.id > mark)).all()
    assert message.recipient == user.email and message.sent_at is None
    assert not (tmp_path / "mail" / f"{message.id}.eml").exists()

    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).sent_at is not None
    assert "/auth/reset/" in (tmp_path / "mail" / f"{message.id}.eml").read_text()
