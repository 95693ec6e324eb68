import email
from email import policy

import pytest

from turkicnet.core import mail
from turkicnet.core.db import unit_of_work
from turkicnet.core.models import OutboxMessage
from turkicnet.extensions import db


def _unsent():
    return db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))).all()


def test_mail_is_written_to_the_outbox_and_delivered_as_a_utf8_file_after_commit(app, tmp_path):
    with unit_of_work(unchecked="the test queues mail by hand"):
        mail.queue_mail(
            "aýgül@example.org",
            "Salam — Сәлем",
            "verify_email",
            category="account",
            recipient_name="x",
            verify_url="https://turkicnet.test/auth/verify/abc?next=/centers",
        )
        db.session.flush()
        assert list(tmp_path.glob("mail/*.eml")) == [], "nothing is delivered before the commit"
    message = db.session.scalars(db.select(OutboxMessage)).one()
    assert message.sent_at is not None
    raw = (tmp_path / "mail" / f"{message.id}.eml").read_bytes()
    assert b"Content-Transfer-Encoding: 8bit" in raw
    assert b"https://turkicnet.test/auth/verify/abc?next=/centers" in raw
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert parsed["Subject"] == "Salam — Сәлем"


def test_a_failed_delivery_stays_in_the_outbox_and_mail_deliver_retries_it(
    app, runner, tmp_path, monkeypatch, make_user
):
    user = make_user()

    def broken(message):
        raise OSError("mail server down")

    monkeypatch.setattr(mail, "_transport", lambda: broken)
    with unit_of_work(unchecked="the test queues mail by hand"):
        mail.queue_mail(user, "Hello", "password_changed", category="account")
    [message] = _unsent()
    assert message.attempts == 1
    assert "mail server down" in message.last_error

    monkeypatch.undo()
    result = runner.invoke(args=["mail", "deliver"])
    assert result.exit_code == 0, result.output
    assert "Sent 1, failed 0" in result.output
    assert _unsent() == []
    assert (tmp_path / "mail" / f"{message.id}.eml").exists()


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


def test_mail_a_request_queues_leaves_once_the_response_is_sent(app, client, make_user, tmp_path):
    """Nothing in the request waits on the mail server: the outbox row is committed with the
    change, and delivery runs when the server closes the response."""
    user = make_user()
    mark = db.session.scalar(db.select(db.func.max(OutboxMessage.id))) or 0
    response = client.post("/auth/reset", data={"email": user.email}, buffered=False)
    assert response.status_code == 200
    db.session.expire_all()
    [message] = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.id > mark)).all()
    assert message.recipient == user.email and message.sent_at is None, "queued, not yet sent"
    assert not (tmp_path / "mail" / f"{message.id}.eml").exists()

    response.close()  # what the server does once it has sent the body
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).sent_at is not None
    assert (tmp_path / "mail" / f"{message.id}.eml").exists()


def test_with_outbox_delivery_the_request_sends_nothing_and_mail_deliver_does(make_app, make_user, tmp_path):
    app = make_app(MAIL_DELIVERY="outbox")
    with app.app_context():
        user = make_user()  # its verification mail waits in the outbox too
        response = app.test_client().post("/auth/reset", data={"email": user.email})
        assert response.status_code == 200
        db.session.expire_all()
        waiting = _unsent()
        assert [m.recipient for m in waiting] == [user.email, user.email]
        assert {m.attempts for m in waiting} == {0}
        message = waiting[-1]
        result = app.test_cli_runner().invoke(args=["mail", "deliver"])
        assert "Sent 2, failed 0" in result.output
        assert (tmp_path / "mail" / f"{message.id}.eml").exists()
        db.session.remove()


def test_a_failed_delivery_after_the_response_is_logged_and_kept_for_retry(
    app, client, make_user, monkeypatch, caplog
):
    user = make_user()
    monkeypatch.setattr(mail, "deliver", lambda ids: (_ for _ in ()).throw(OSError("disk full")))
    response = client.post("/auth/reset", data={"email": user.email})
    assert response.status_code == 200, "the person's request is not affected"
    assert "after the response failed" in caplog.text
    db.session.expire_all()
    assert [m.recipient for m in _unsent()] == [user.email]
