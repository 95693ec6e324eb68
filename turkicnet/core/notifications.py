"""In-app notices. The text is kept as a kind and parameters, so it is shown in the
reader's language rather than the sender's."""

from flask_babel import lazy_gettext as _l

from ..extensions import db
from .models import Notification

MESSAGES = {
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
    "coauthorship_to_confirm": _l("%(center)s names your center as co-author of “%(title)s”."),
    "report_shared": _l("%(center)s shared “%(title)s” with your center."),
}


def notify(user, kind: str, /, link: str = "", **params) -> Notification:
    """Add a notice for ``user``; never commits."""
    if kind not in MESSAGES:
        raise ValueError(f"unknown notification kind {kind!r}")
    notice = Notification(user_id=user.id, kind=kind, link=link, params=params)
    db.session.add(notice)
    return notice


def render(notice: Notification) -> str:
    template = MESSAGES.get(notice.kind)
    if template is None:
        return notice.kind
    return str(template) % {key: value for key, value in (notice.params or {}).items()}
