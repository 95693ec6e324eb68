"""Mail: an outbox row written in the change's transaction; a worker sends it.

The outbox is the source of truth. Nothing here talks to a mail server, so no request
waits on one (and a reset for a known address answers as fast as one for an unknown
address): ``flask --app wsgi worker`` claims and sends what waits, with retries
(:mod:`core.outbox`). A rolled-back change leaves no mail.

The development transport writes ``instance/mail/<id>.eml``; SMTP is used when
``TURKICNET_MAIL_SERVER`` is set. Core knows no mail category: each feature registers its
own (:func:`register_category`).
"""

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import make_msgid
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale

from ..extensions import db
from .formatting import force_time_zone, zone_of
from .models import OutboxMessage

#: Categories a user may switch off (name → the label on their preferences page).
OPTIONAL_CATEGORIES: dict[str, object] = {}
#: Categories always sent.
MANDATORY_CATEGORIES: set[str] = set()


@dataclass(frozen=True)
class Envelope:
    """What a transport needs of a claimed message, read before its claim commits, so that
    sending holds no transaction open."""

    id: int
    recipient: str
    subject: str
    body: str

    @classmethod
    def of(cls, message: OutboxMessage) -> "Envelope":
        return cls(message.id, message.recipient, message.subject, message.body)


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
    The subject and the body are rendered in the recipient's language, its times in their
    time zone (an address alone: UTC).
    """
    if category not in MANDATORY_CATEGORIES and category not in OPTIONAL_CATEGORIES:
        raise ValueError(f"unknown mail category {category!r}")
    address = getattr(recipient, "email", recipient)
    language = getattr(recipient, "preferred_language", None) or "en"
    if category in OPTIONAL_CATEGORIES and category in (getattr(recipient, "mail_opt_outs", None) or []):
        return None
    # The recipient's language and time zone, not those of whoever caused the mail.
    zone = zone_of(recipient) if hasattr(recipient, "email") else "UTC"
    with force_locale(language), force_time_zone(zone):
        body = render_template(f"email/{template}.txt", recipient=recipient, **context)
        subject_text = str(subject) % subject_params if subject_params else str(subject)
    message = OutboxMessage(recipient=address, subject=subject_text[:200], body=body)
    db.session.add(message)
    return message


def _build(message: Envelope) -> EmailMessage:
    email = EmailMessage(policy=SMTP.clone(cte_type="8bit", utf8=True))
    email["From"] = current_app.config["MAIL_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}", domain="turkicnet")
    email.set_content(message.body, charset="utf-8", cte="8bit")
    return email


def transport():
    """The configured way out: SMTP when ``MAIL_SERVER`` is set, else a file per message."""
    if current_app.config["MAIL_SERVER"]:
        return _send_smtp
    return _write_file


def _write_file(message: Envelope) -> None:
    folder = Path(current_app.config["MAIL_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{message.id}.eml").write_bytes(bytes(_build(message)))


def _send_smtp(message: Envelope) -> None:
    config = current_app.config
    # MAIL_TIMEOUT bounds each step of the conversation (connect, each command).
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(_build(message))
