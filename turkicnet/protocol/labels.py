"""How versions and a center's standing read to people."""

from flask_babel import lazy_gettext as _l

from ..core.formatting import format_moment
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
    """A ledger time (``2026-11-29T10:00:00Z``) as people read it, in the page's language and
    the reader's zone: ``29 нояб. 2026 г., 15:00 UTC+5``."""
    return format_moment(stamp)
