"""How centers, roles and kinds read to people; the notices and mail this feature sends."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from .models import CenterKind, CenterStatus, Role

ROLE_LABELS = {
    Role.FOCAL_POINT: _l("Focal point"),
    Role.EDITOR: _l("Editor"),
    Role.VIEWER: _l("Viewer"),
}
STATUS_LABELS = {
    CenterStatus.PENDING: _l("Pending"),
    CenterStatus.CHANGES_REQUESTED: _l("Changes requested"),
    CenterStatus.APPROVED: _l("Approved"),
    CenterStatus.REJECTED: _l("Rejected"),
    CenterStatus.SUSPENDED: _l("Suspended"),
    CenterStatus.WITHDRAWN: lazy_pgettext("center status", "Withdrawn"),
}
KIND_LABELS = {
    CenterKind.GOVERNMENT_AGENCY: _l("Government agency"),
    CenterKind.ACADEMY: _l("Academy of sciences"),
    CenterKind.UNIVERSITY: _l("University"),
    CenterKind.INDEPENDENT: _l("Independent"),
    CenterKind.INTERNATIONAL: _l("International organisation"),
}
#: How the profile's fields (and the letter) read in a record of what changed.
FIELD_LABELS = {
    "name": _l("Name in English"),
    "native_name": _l("Name in the national language"),
    "acronym": _l("Acronym"),
    "country_code": _l("Country"),
    "city": _l("City"),
    "website": _l("Website"),
    "kind": _l("Kind of body"),
    "parent_body": _l("Parent body"),
    "description": _l("About the center"),
    "founded_year": _l("Year founded"),
    "letter": _l("Nomination letter"),
}


def change_value(value) -> str:
    """One side of a recorded change as a person reads it: a letter by its name and hash."""
    if isinstance(value, dict):
        return f"{value.get('name')} (SHA-256 {str(value.get('sha256', ''))[:16]}…)"
    if value is None or value == "":
        return "—"
    return str(value)


#: The in-app notices this feature sends (core.notifications renders them).
NOTICES = {
    "center_approved": _l("%(center)s was approved and is now a member of the network."),
    "center_changes_requested": _l("The Secretariat asks for changes to the application of %(center)s."),
    "center_rejected": _l("The application of %(center)s was rejected."),
    "center_suspended": _l("%(center)s was suspended."),
    "center_reinstated": _l("%(center)s was reinstated."),
    "center_withdrawn": _l("%(center)s was withdrawn from the network."),
    "application_resubmitted": _l("%(center)s resubmitted its application."),
    "join_requested": _l("%(user)s asks to join %(center)s."),
    "join_accepted": _l("You are now a member of the staff of %(center)s."),
    "join_declined": _l("Your request to join %(center)s was declined."),
    "role_changed": _l("Your role at %(center)s is now: %(role)s."),
    "removed_from_center": _l("You were removed from the staff of %(center)s."),
    "made_primary": _l("You are now the primary focal point of %(center)s."),
    "center_change_accepted": _l(
        "The Secretariat accepted the change to the official details of %(center)s."
    ),
    "center_change_declined": _l(
        "The Secretariat declined the change to the official details of %(center)s."
    ),
}

#: Mail a person may switch off (the label on their preferences page).
OPTIONAL_MAIL = {
    "join_requests": _l("Requests to join my center"),
    "staff_changes": _l("Changes to my role and my center's staff"),
}
