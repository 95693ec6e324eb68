"""How report visibilities read to people; the notices and mail this feature sends."""

from flask_babel import lazy_gettext as _l

from ..core.languages import language_name
from .models import Visibility

VISIBILITY_LABELS = {
    Visibility.DRAFT: _l("Draft (the report's own centers only)"),
    Visibility.NETWORK: _l("Network (staff of signatory member centers)"),
    Visibility.PUBLIC: _l("Public"),
}

#: The in-app notices this feature sends (core.notifications renders them).
NOTICES = {
    "coauthorship_to_confirm": _l("%(center)s names your center as co-author of “%(title)s”."),
    "report_shared": _l("%(center)s shared “%(title)s” with your center."),
}

#: Mail a person may switch off (the label on their preferences page).
OPTIONAL_MAIL = {
    "reports": _l("Reports shared with my center, co-authorships and comments"),
}

#: How this feature's audit events read to an admin (registered with core.audit).
AUDIT_ACTIONS = {
    "reports.create": _l("Report created"),
    "reports.update": _l("Report updated"),
    "reports.delete": _l("Report deleted"),
    "reports.remove_file": _l("File removed from a report"),
    "reports.file_download": _l("File downloaded"),
    "reports.share": _l("Report shared with centers"),
    "reports.unshare": _l("Report no longer shared with a center"),
    "reports.confirm_coauthorship": _l("Co-authorship confirmed"),
    "reports.comment": _l("Comment added"),
    "reports.save_section": _l("Thematic section saved"),
    "reports.move_section": _l("Thematic section moved"),
    "reports.retire_section": _l("Thematic section retired"),
    "reports.restore_section": _l("Thematic section restored"),
    "reports.create_event": _l("Event created"),
}
AUDIT_TARGETS = {
    "report": _l("Report"),
    "reportfile": _l("Report file"),
    "section": _l("Thematic section"),
    "topic": _l("Topic"),
    "event": _l("Event"),
    "comment": _l("Comment"),
}
AUDIT_DETAILS = {
    "visibility": _l("Visibility"),
    "title": _l("Title"),
    "file": _l("File"),
    "file_id": _l("File"),
    "centers": _l("Centers"),
    "mailed": _l("Accounts e-mailed"),
    "offset": _l("Moved by"),
    "tombstone": _l("Removal notice kept at its address"),
    "languages": _l("Translations changed"),
}
AUDIT_VALUES = {"visibility": VISIBILITY_LABELS, "languages": language_name}
