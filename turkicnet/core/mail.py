"""Mail: an outbox row in the change's transaction, delivered after the commit.

The development transport writes ``instance/mail/<id>.eml``; SMTP is used when
``TURKICNET_MAIL_SERVER`` is set. A failed delivery stays in the outbox for
``flask --app wsgi mail deliver``.
"""

import logging
import smtplib
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import make_msgid
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from .models import OutboxMessage
from .timeutil import utcnow

log = logging.getLogger(__name__)

#: Categories a user may switch off; the others are always sent.
OPTIONAL_CATEGORIES = {
    "join_requests": _l("Requests to join my center"),
    "staff_changes": _l("Changes to my role and my center's staff"),
    "reports": _l("Reports shared with my center, co-authorships and comments"),
}
MANDATORY_CATEGORIES = {"account", "center_decisions"}

_PENDING_KEY = "turkicnet_outbox"


def queue_mail(
    recipient, subject, template: str, *, category: str, subject_params: dict | None = None, **context
) -> OutboxMessage | None:
    """Write an e-mail to the outbox unless the recipient switched its category off.

    ``recipient`` is a user (whose language and preferences apply) or an address.
    The subject and the body are rendered in the recipient's language.
    """
    if category not in MANDATORY_CATEGORIES and category not in OPTIONAL_CATEGORIES:
        raise ValueError(f"unknown mail category {category!r}")
    address = getattr(recipient, "email", recipient)
    language = getattr(recipient, "preferred_language", None) or "en"
    if category in OPTIONAL_CATEGORIES and category in (getattr(recipient, "mail_opt_outs", None) or []):
        return None
    with force_locale(language):
        body = render_template(f"email/{template}.txt", recipient=recipient, **context)
        subject_text = str(subject) % subject_params if subject_params else str(subject)
    message = OutboxMessage(recipient=address, subject=subject_text[:200], body=body)
    db.session.add(message)
    db.session.info.setdefault(_PENDING_KEY, []).append(message)
    return message


def commit() -> None:
    """Commit the session, then deliver the mail that the transaction queued."""
    pending = db.session.info.pop(_PENDING_KEY, [])
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    if pending:
        deliver([message.id for message in pending])


def discard_pending() -> None:
    """Forget queued mail after a rollback, so nothing is delivered for it."""
    db.session.info.pop(_PENDING_KEY, None)


def deliver(message_ids: list[int] | None = None) -> tuple[int, int]:
    """Send the given unsent messages (all unsent ones when ``None``).

    :returns: (sent, failed)
    """
    query = select(OutboxMessage).where(OutboxMessage.sent_at.is_(None)).order_by(OutboxMessage.id)
    if message_ids is not None:
        query = query.where(OutboxMessage.id.in_(message_ids))
    transport = _transport()
    sent = failed = 0
    for message in db.session.scalars(query).all():
        message.attempts += 1
        try:
            transport(message)
        except Exception as exc:  # noqa: BLE001 - any transport failure leaves it queued
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            failed += 1
            log.warning("mail %s to %s failed: %s", message.id, message.recipient, exc)
        else:
            message.sent_at = utcnow()
            message.last_error = None
            sent += 1
        db.session.commit()
    return sent, failed


def _build(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage(policy=SMTP.clone(cte_type="8bit", utf8=True))
    email["From"] = current_app.config["MAIL_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}", domain="turkicnet")
    email.set_content(message.body, charset="utf-8", cte="8bit")
    return email


def _transport():
    config = current_app.config
    if config["MAIL_SERVER"]:
        return _send_smtp
    return _write_file


def _write_file(message: OutboxMessage) -> None:
    folder = Path(current_app.config["MAIL_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{message.id}.eml").write_bytes(bytes(_build(message)))


def _send_smtp(message: OutboxMessage) -> None:
    config = current_app.config
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(_build(message))
