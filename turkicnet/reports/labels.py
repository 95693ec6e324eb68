"""How report visibilities read to people; the notices and mail this feature sends."""

from flask_babel import lazy_gettext as _l

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
