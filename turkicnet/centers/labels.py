"""How centers, roles and kinds read to people; the notices and mail this feature sends."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from ..core.languages import country_name
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


#: How this feature's audit events read to an admin (registered with core.audit).
AUDIT_ACTIONS = {
    "centers.apply": _l("Applied for membership"),
    "centers.resubmit": _l("Application resubmitted"),
    "centers.approve": _l("Application approved"),
    "centers.request_changes": _l("Changes to the application requested"),
    "centers.reject": _l("Application rejected"),
    "centers.suspend": _l("Center suspended"),
    "centers.reinstate": _l("Center reinstated"),
    "centers.withdraw": _l("Center withdrawn from the network"),
    "centers.message": _l("Message in the application thread"),
    "centers.update": _l("Center details updated"),
    "centers.request_change": _l("Change to the official details requested"),
    "centers.accept_change": _l("Change to the official details accepted"),
    "centers.decline_change": _l("Change to the official details declined"),
    "centers.request_join": _l("Asked to join the center"),
    "centers.accept_join": _l("Request to join accepted"),
    "centers.decline_join": _l("Request to join declined"),
    "centers.invite": _l("Staff member invited"),
    "centers.revoke_invitation": _l("Invitation revoked"),
    "centers.accept_invitation": _l("Invitation accepted"),
    "centers.change_staff": _l("Staff member's role changed"),
    "centers.remove_staff": _l("Staff member removed"),
    "centers.leave": _l("Left the center's staff"),
    "centers.make_primary": _l("Primary focal point changed"),
    "centers.create_token": _l("Center API token created"),
    "centers.revoke_token": _l("Center API token revoked"),
}
AUDIT_TARGETS = {
    "center": _l("Center"),
    "membership": _l("Staff membership"),
    "joinrequest": _l("Request to join"),
    "invitation": _l("Invitation"),
    "centerchangerequest": _l("Change request"),
    "applicationmessage": _l("Message"),
}
AUDIT_DETAILS = {
    **FIELD_LABELS,
    "slug": _l("Address of the center's page"),
    "center": _l("Center"),
    "center_id": _l("Center"),
    "role": _l("Role"),
    "from_role": _l("Former role"),
    "can_sign": _l("May sign for the center"),
    "from_status": _l("Former status"),
    "to_status": _l("New status"),
    "note": _l("Note"),
    "change_request": _l("Change request"),
    "invitation_id": _l("Invitation"),
    "successor_id": _l("New primary focal point (account)"),
}
AUDIT_VALUES = {
    "role": ROLE_LABELS,
    "from_role": ROLE_LABELS,
    "from_status": STATUS_LABELS,
    "to_status": STATUS_LABELS,
    "kind": KIND_LABELS,
    "country_code": country_name,
}
