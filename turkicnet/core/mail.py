"""Mail: an outbox row in the change's transaction, delivered after the commit.

The outbox is the source of truth. With ``MAIL_DELIVERY = "after_response"`` (the
default) the messages a request's change queued are delivered once the response has been
sent, so no one waits on a mail server; outside a request (the CLI) right after the
commit. With ``"outbox"`` nothing is sent here: ``flask --app wsgi mail deliver`` (and the
worker, when there is one) sends what waits. A failed delivery stays in the outbox.

The development transport writes ``instance/mail/<id>.eml``; SMTP is used when
``TURKICNET_MAIL_SERVER`` is set. Core knows no mail category: each feature registers its
own (:func:`register_category`).
"""

import logging
import smtplib
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import make_msgid
from pathlib import Path

from flask import after_this_request, current_app, g, has_request_context, render_template
from flask_babel import force_locale
from sqlalchemy import select

from ..extensions import db
from .db import after_commit, unit_of_work
from .models import OutboxMessage
from .timeutil import utcnow

log = logging.getLogger(__name__)

#: Categories a user may switch off (name → the label on their preferences page).
OPTIONAL_CATEGORIES: dict[str, object] = {}
#: Categories always sent.
MANDATORY_CATEGORIES: set[str] = set()

_AFTER_RESPONSE_KEY = "turkicnet_mail_after_response"


def register_category(name: str, label=None) -> None:
    """Add a feature's mail category: optional (a person may switch it off) when it has a
    ``label`` for the preferences page, mandatory otherwise."""
    if name in OPTIONAL_CATEGORIES or name in MANDATORY_CATEGORIES:
        if OPTIONAL_CATEGORIES.get(name) is label or (label is None and name in MANDATORY_CATEGORIES):
            return
        raise ValueError(f"mail category {name!r} is registered twice")
    if label is None:
        MANDATORY_CATEGORIES.add(name)
    else:
        OPTIONAL_CATEGORIES[name] = label


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
    after_commit(lambda: schedule_delivery([message.id]))
    return message


def schedule_delivery(message_ids: list[int]) -> None:
    """Hand committed messages to delivery: after the response in a request, at once
    outside one, or not at all when the outbox is left to ``mail deliver`` (the seam
    where a worker takes over)."""
    mode = current_app.config["MAIL_DELIVERY"]
    if mode == "outbox" or not message_ids:
        return
    if not has_request_context():
        deliver(message_ids)
        return
    waiting = g.get(_AFTER_RESPONSE_KEY)
    if waiting is None:
        waiting = g.setdefault(_AFTER_RESPONSE_KEY, [])
        app = current_app._get_current_object()

        @after_this_request
        def deliver_when_sent(response):
            response.call_on_close(lambda: _deliver_in_own_context(app, waiting))
            return response

    waiting.extend(message_ids)


def _deliver_in_own_context(app, message_ids: list[int]) -> None:
    """Runs when the server has sent the response, outside the request."""
    try:
        with app.app_context():
            deliver(message_ids)
    except Exception:  # noqa: BLE001 - the outbox keeps the message for `mail deliver`
        log.exception("delivering mail %s after the response failed", message_ids)


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
        with unit_of_work(unchecked="the outbox's own delivery bookkeeping"):
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
