"""How versions and a center's standing read to people."""

from flask_babel import lazy_gettext as _l

from .models import VersionStatus

STATUS_LABELS = {
    VersionStatus.DRAFT: _l("Draft"),
    VersionStatus.OPEN: _l("Open for signature"),
    VersionStatus.IN_FORCE: _l("In force"),
    VersionStatus.SUPERSEDED: _l("Superseded"),
}

#: A center's standing in the network (DESIGN §1), computed by :mod:`protocol.standing`.
STANDING_LABELS = {
    "applicant": _l("Applicant"),
    "member": _l("Member"),
    "signatory": _l("Signatory member"),
    "suspended": _l("Suspended"),
    "former": _l("Former member"),
    "rejected": _l("Not admitted"),
}


#: How this feature's audit events read to an admin (registered with core.audit).
AUDIT_ACTIONS = {
    "protocol.create_version": _l("Protocol version created"),
    "protocol.update_version": _l("Protocol version updated"),
    "protocol.save_text": _l("Protocol text saved"),
    "protocol.delete_text": _l("Protocol text removed"),
    "protocol.open": _l("Protocol version opened for signature"),
    "protocol.sign": _l("Protocol signed"),
    "protocol.withdraw": _l("Signature withdrawn"),
    "protocol.supersede": _l("Protocol version superseded"),
    "protocol.enter_into_force": _l("Protocol version entered into force"),
}
AUDIT_TARGETS = {
    "protocolversion": _l("Protocol version"),
    "protocoltext": _l("Protocol text"),
    "ledgerentry": _l("Ledger entry"),
}
AUDIT_DETAILS = {
    "number": _l("Version"),
    "version": _l("Version"),
    "by": _l("Superseded by version"),
    "seq": _l("Ledger entry"),
    "hash": _l("Fingerprint of the ledger entry"),
    "sha256": _l("Fingerprint of the text"),
    "text_sha256": _l("Fingerprint of the texts"),
    "read": _l("Text read before signing"),
}


def readable_stamp(stamp: str) -> str:
    """A ledger time (``2026-11-29T10:00:00Z``) as people read it: ``2026-11-29 10:00:00 UTC``."""
    return stamp.replace("T", " ").replace("Z", " UTC")


def readable_moment(stamp: str) -> str:
    """A ledger time as words in the page's language and time zone (Babel's long form, which
    names the zone): ``4 December 2026 at 19:36:10 UTC``. The exact UTC string stays in
    ``<time datetime>`` beside it."""
    from datetime import UTC, datetime

    from flask_babel import format_datetime

    moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return format_datetime(moment, "long")


def readable_day(stamp: str) -> str:
    """The day of a ledger time, as the page's language writes a date in a table (``4 Dec 2026``)."""
    from datetime import datetime

    from flask_babel import format_date

    return format_date(datetime.strptime(stamp[:10], "%Y-%m-%d").date(), "medium")
