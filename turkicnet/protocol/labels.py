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
