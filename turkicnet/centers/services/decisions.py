"""The Secretariat's decisions on an application and on a member's standing."""

from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...core import audit
from ...core.db import unit_of_work
from ...core.errors import InvalidState, ValidationFailed
from ...core.mail import queue_mail
from ...core.notifications import notify
from ...core.permissions import Actor, require
from ...core.text import normalise_block
from ...core.timeutil import utcnow
from ...core.urls import external_url
from ...extensions import db
from ..labels import STATUS_LABELS
from ..models import ApplicationMessage, Center, CenterStatus, MessageKind
from ..permissions import can_review_center
from .staff import focal_points


@dataclass(frozen=True)
class Decision:
    """What one decision does to a center, and how its focal points hear of it."""

    #: the statuses the decision may be taken from
    allowed_from: frozenset[CenterStatus]
    #: the status it leads to
    to_status: CenterStatus
    #: the kind of the message it leaves in the application's thread
    message_kind: MessageKind
    #: whether the Secretariat must say why
    reason_required: bool
    #: the subject of the focal points' mail (``%(center)s`` is the center's name)
    mail_subject: LazyString
    #: the kind of the focal points' in-app notice
    notice_kind: str


# By the name that the audit action (``centers.<name>``) and the mail template use.
_DECISIONS = {
    "approve": Decision(
        allowed_from=frozenset({CenterStatus.PENDING}),
        to_status=CenterStatus.APPROVED,
        message_kind=MessageKind.APPROVED,
        reason_required=False,
        mail_subject=_l("%(center)s is now a member of TurkicNet"),
        notice_kind="center_approved",
    ),
    "request_changes": Decision(
        allowed_from=frozenset({CenterStatus.PENDING}),
        to_status=CenterStatus.CHANGES_REQUESTED,
        message_kind=MessageKind.CHANGES_REQUESTED,
        reason_required=True,
        mail_subject=_l("Changes requested to the application of %(center)s"),
        notice_kind="center_changes_requested",
    ),
    "reject": Decision(
        allowed_from=frozenset({CenterStatus.PENDING, CenterStatus.CHANGES_REQUESTED}),
        to_status=CenterStatus.REJECTED,
        message_kind=MessageKind.REJECTED,
        reason_required=True,
        mail_subject=_l("The application of %(center)s was rejected"),
        notice_kind="center_rejected",
    ),
    "suspend": Decision(
        allowed_from=frozenset({CenterStatus.APPROVED}),
        to_status=CenterStatus.SUSPENDED,
        message_kind=MessageKind.SUSPENDED,
        reason_required=True,
        mail_subject=_l("%(center)s was suspended"),
        notice_kind="center_suspended",
    ),
    "reinstate": Decision(
        allowed_from=frozenset({CenterStatus.SUSPENDED}),
        to_status=CenterStatus.APPROVED,
        message_kind=MessageKind.REINSTATED,
        reason_required=False,
        mail_subject=_l("%(center)s was reinstated"),
        notice_kind="center_reinstated",
    ),
    "withdraw": Decision(
        allowed_from=frozenset({CenterStatus.APPROVED, CenterStatus.SUSPENDED}),
        to_status=CenterStatus.WITHDRAWN,
        message_kind=MessageKind.WITHDRAWN,
        reason_required=True,
        mail_subject=_l("%(center)s was withdrawn from TurkicNet"),
        notice_kind="center_withdrawn",
    ),
}


def require_decidable(name: str, actor: Actor, center: Center) -> None:
    """What the decision ``name`` (``approve``, ``reject``…) checks before it acts; a
    confirmation page asks it too.

    :raises PermissionDenied: unless ``actor`` may review the center
    :raises InvalidState: when the center's status does not allow that decision now
    """
    require(can_review_center(actor, center), target=center)
    if center.status not in _DECISIONS[name].allowed_from:
        raise InvalidState(
            _(
                "This center is %(status)s; that decision is not possible now.",
                status=STATUS_LABELS[center.status],
            )
        )


def _decide(name: str, actor: Actor, center: Center, note: str) -> Center:
    with unit_of_work():
        require_decidable(name, actor, center)
        decision = _DECISIONS[name]
        note = normalise_block(note)
        if decision.reason_required and not note:
            raise ValidationFailed("note", _("Give the reason; the center will read it."))
        from_status = center.status
        center.status = decision.to_status
        center.decided_at = utcnow()
        db.session.add(
            ApplicationMessage(
                center=center,
                author_id=actor.id,
                kind=decision.message_kind,
                body=note,
                from_status=from_status.value,
                to_status=decision.to_status.value,
            )
        )
        audit.record(
            actor,
            f"centers.{name}",
            center,
            from_status=from_status.value,
            to_status=decision.to_status.value,
            note=note or None,
        )
        link = external_url("centers.application", slug=center.slug)
        for focal_point in focal_points(center):
            notify(focal_point, decision.notice_kind, link=link, center=center.name)
        _mail_focal_points(
            center, decision.mail_subject, "center_decision", decision=name, note=note, url=link
        )
        return center


def _mail_focal_points(center: Center, subject, template: str, **context) -> None:
    for focal_point in focal_points(center):
        queue_mail(
            focal_point,
            subject,
            template,
            category="center_decisions",
            subject_params={"center": center.name},
            center=center,
            **context,
        )


def approve_center(actor: Actor, center: Center, *, note: str = "") -> Center:
    """Make a pending center a member of the network.

    :raises PermissionDenied: unless ``actor`` is an admin
    :raises InvalidState: unless the center is pending
    """
    return _decide("approve", actor, center, note)


def request_changes(actor: Actor, center: Center, *, note: str) -> Center:
    """Send a pending application back to its applicant with what to change.

    :raises PermissionDenied: unless an admin
    :raises InvalidState: unless pending
    :raises ValidationFailed: without a comment
    """
    return _decide("request_changes", actor, center, note)


def reject_center(actor: Actor, center: Center, *, note: str) -> Center:
    """Refuse an application, with the reason.

    :raises PermissionDenied: unless an admin
    :raises InvalidState: unless pending or awaiting changes
    :raises ValidationFailed: without a reason
    """
    return _decide("reject", actor, center, note)


def suspend_center(actor: Actor, center: Center, *, note: str) -> Center:
    """Suspend a member; its staff lose what membership gives until reinstated.

    :raises PermissionDenied: unless an admin
    :raises InvalidState: unless approved
    :raises ValidationFailed: without a reason
    """
    return _decide("suspend", actor, center, note)


def reinstate_center(actor: Actor, center: Center, *, note: str = "") -> Center:
    """Restore a suspended member.

    :raises PermissionDenied: unless an admin
    :raises InvalidState: unless suspended
    """
    return _decide("reinstate", actor, center, note)


def withdraw_center(actor: Actor, center: Center, *, note: str) -> Center:
    """Record that a member left the network.

    :raises PermissionDenied: unless an admin
    :raises InvalidState: unless approved or suspended
    :raises ValidationFailed: without a reason
    """
    return _decide("withdraw", actor, center, note)
