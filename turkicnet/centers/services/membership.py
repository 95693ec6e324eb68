"""Joining a center's staff: requests to join, and invitations sent by its focal points."""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ...auth.models import User
from ...core import audit
from ...core.db import unit_of_work
from ...core.errors import Conflict, InvalidState, NotFound, ValidationFailed
from ...core.mail import queue_mail
from ...core.notifications import notify
from ...core.permissions import Actor, require, user_of
from ...core.text import normalise_block
from ...core.timeutil import utcnow
from ...core.urls import external_url
from ...extensions import db
from ..labels import ROLE_LABELS
from ..models import Center, CenterStatus, Invitation, JoinRequest, Membership, RequestStatus
from ..permissions import can_manage_staff, can_request_to_join, membership_of
from .staff import _role, focal_points

# ---------------------------------------------------------------- joining


def has_pending_join_request(actor: Actor, center: Center) -> bool:
    return (
        db.session.scalar(
            select(func.count(JoinRequest.id)).where(
                JoinRequest.user_id == actor.id,
                JoinRequest.center_id == center.id,
                JoinRequest.status == RequestStatus.PENDING,
            )
        )
        > 0
    )


def pending_join_requests(actor: Actor, center: Center) -> list[JoinRequest]:
    require(can_manage_staff(actor, center), target=center)
    return list(
        db.session.scalars(
            select(JoinRequest)
            .where(JoinRequest.center_id == center.id, JoinRequest.status == RequestStatus.PENDING)
            .order_by(JoinRequest.created_at)
        )
    )


def request_to_join(actor: Actor, center: Center, *, message: str = "") -> JoinRequest:
    """Ask the focal points of a member center to join its staff.

    :raises PermissionDenied: unless verified, not yet staff, and the center is a member
    :raises Conflict: when a request is already waiting
    """
    with unit_of_work():
        require(can_request_to_join(actor, center), target=center)
        if has_pending_join_request(actor, center):
            raise Conflict(
                _("Your request to join %(center)s is already waiting for an answer.", center=center.name)
            )
        join_request = JoinRequest(user_id=actor.id, center=center, message=normalise_block(message))
        db.session.add(join_request)
        audit.record(actor, "centers.request_join", center)
        link = external_url("centers.staff", slug=center.slug)
        for focal_point in focal_points(center):
            notify(focal_point, "join_requested", link=link, user=actor.full_name, center=center.name)
            queue_mail(
                focal_point,
                _l("%(user)s asks to join %(center)s", user=actor.full_name, center=center.name),
                "join_requested",
                category="join_requests",
                center=center,
                requester=actor,
                message=join_request.message,
                url=link,
            )
        return join_request


def get_join_request(request_id: int) -> JoinRequest:
    join_request = db.session.get(JoinRequest, request_id)
    if join_request is None:
        raise NotFound(_("No such request."))
    return join_request


def accept_join_request(actor: Actor, join_request: JoinRequest, *, role: str) -> Membership:
    """Add the requester to the staff with ``role``.

    :raises PermissionDenied: unless a focal point of the center (or an admin)
    :raises InvalidState: when the request was already answered
    """
    with unit_of_work():
        require(can_manage_staff(actor, join_request.center), target=join_request)
        center = join_request.center
        if join_request.status is not RequestStatus.PENDING:
            raise InvalidState(_("This request was already answered."))
        role = _role(role)
        join_request.status = RequestStatus.ACCEPTED
        join_request.decided_by_id = actor.id
        join_request.decided_at = utcnow()
        membership = membership_of(join_request.user, center)
        if membership is None:
            membership = Membership(user=join_request.user, center=center, role=role)
            db.session.add(membership)
        audit.record(actor, "centers.accept_join", center, user_id=join_request.user_id, role=role.value)
        link = external_url("site.center", slug=center.slug)
        notify(join_request.user, "join_accepted", link=link, center=center.name)
        queue_mail(
            join_request.user,
            _l("You joined %(center)s on TurkicNet", center=center.name),
            "join_answered",
            category="center_decisions",
            center=center,
            accepted=True,
            role=ROLE_LABELS[role],
            reason="",
            url=link,
        )
        return membership


def decline_join_request(actor: Actor, join_request: JoinRequest, *, reason: str) -> JoinRequest:
    """Decline a request to join, telling the requester why.

    :raises PermissionDenied: unless a focal point of the center (or an admin)
    :raises InvalidState: when already answered
    :raises ValidationFailed: without a reason
    """
    with unit_of_work():
        require(can_manage_staff(actor, join_request.center), target=join_request)
        center = join_request.center
        if join_request.status is not RequestStatus.PENDING:
            raise InvalidState(_("This request was already answered."))
        reason = normalise_block(reason)
        if not reason:
            raise ValidationFailed("reason", _("Give the reason; the person will read it."))
        join_request.status = RequestStatus.DECLINED
        join_request.reason = reason
        join_request.decided_by_id = actor.id
        join_request.decided_at = utcnow()
        audit.record(actor, "centers.decline_join", center, user_id=join_request.user_id, reason=reason)
        notify(join_request.user, "join_declined", center=center.name)
        queue_mail(
            join_request.user,
            _l("Your request to join %(center)s", center=center.name),
            "join_answered",
            category="center_decisions",
            center=center,
            accepted=False,
            role="",
            reason=reason,
            url=external_url("site.center", slug=center.slug),
        )
        return join_request


# ---------------------------------------------------------------- invitations


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite_staff(actor: Actor, center: Center, *, email: str, role: str) -> tuple[Invitation, str]:
    """Invite someone by e-mail to join the staff; returns the invitation and its token.

    :raises PermissionDenied: unless a focal point of an approved center (or an admin)
    :raises ValidationFailed: when the person is already on the staff
    """
    with unit_of_work():
        require(can_manage_staff(actor, center), target=center)
        email = (email or "").strip().lower()
        role = _role(role)
        existing = db.session.scalar(
            select(Membership).join(User).where(Membership.center_id == center.id, User.email == email)
        )
        if existing is not None:
            raise ValidationFailed("email", _("%(email)s is already on the staff.", email=email))
        token = secrets.token_urlsafe(32)
        invitation = Invitation(
            center=center,
            email=email,
            role=role,
            token_hash=_hash_token(token),
            invited_by_id=actor.id,
            expires_at=utcnow() + timedelta(days=current_app.config["INVITATION_DAYS"]),
        )
        db.session.add(invitation)
        audit.record(actor, "centers.invite", center, email=email, role=role.value)
        queue_mail(
            email,
            _l("%(user)s invites you to %(center)s on TurkicNet", user=actor.full_name, center=center.name),
            "invitation",
            category="account",
            center=center,
            inviter=actor,
            role=ROLE_LABELS[role],
            url=external_url("centers.invitation", token=token),
            expires_at=invitation.expires_at,
        )
        return invitation, token


def get_invitation(token: str) -> Invitation:
    """The invitation behind a token, if it can still be accepted.

    :raises NotFound: for an unknown token
    :raises InvalidState: for a used, revoked or expired one
    """
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == _hash_token(token or ""))
    )
    if invitation is None:
        raise NotFound(_("This invitation link is not valid."))
    if invitation.accepted_at is not None:
        raise InvalidState(_("This invitation was already used."))
    if invitation.revoked_at is not None:
        raise InvalidState(_("This invitation was withdrawn."))
    if invitation.expires_at <= utcnow():
        raise InvalidState(_("This invitation has expired. Ask the center for a new one."))
    return invitation


def get_invitation_by_id(invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None:
        raise NotFound(_("No such invitation."))
    return invitation


def accept_invitation(actor: Actor, token: str) -> Membership:
    """Join a center's staff through an invitation sent to the actor's own address.

    :raises NotFound, InvalidState: for a bad token
    :raises PermissionDenied: when the invitation is for another address
    """
    invitation = get_invitation(token)
    with unit_of_work():
        require(
            actor.email == invitation.email,
            _(
                "This invitation was sent to %(email)s; log in with that address to accept it.",
                email=invitation.email,
            ),
        )
        center = invitation.center
        if center.status is not CenterStatus.APPROVED:
            raise InvalidState(
                _(
                    "%(center)s is not an active member; the invitation cannot be used now.",
                    center=center.name,
                )
            )
        invitation.accepted_at = utcnow()
        invitation.accepted_by_id = actor.id
        user = user_of(actor)
        if user.email_verified_at is None:
            user.email_verified_at = utcnow()  # the token reached this mailbox
        membership = membership_of(actor, center)
        if membership is None:
            membership = Membership(user=user, center=center, role=invitation.role)
            db.session.add(membership)
        audit.record(
            actor,
            "centers.accept_invitation",
            center,
            invitation_id=invitation.id,
            role=invitation.role.value,
        )
        return membership


def require_revocable(actor: Actor, invitation: Invitation) -> None:
    """What :func:`revoke_invitation` checks before it acts (a confirmation page asks it too).

    :raises PermissionDenied: unless a focal point of the center (or an admin)
    :raises InvalidState: when it was already used or withdrawn
    """
    require(can_manage_staff(actor, invitation.center), target=invitation)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise InvalidState(_("This invitation can no longer be withdrawn."))


def revoke_invitation(actor: Actor, invitation: Invitation) -> Invitation:
    """Withdraw an invitation that was not used yet.

    :raises PermissionDenied: unless a focal point of the center (or an admin)
    :raises InvalidState: when it was already used or withdrawn
    """
    with unit_of_work():
        require_revocable(actor, invitation)
        invitation.revoked_at = utcnow()
        audit.record(actor, "centers.revoke_invitation", invitation.center, email=invitation.email)
        return invitation


def open_invitations(actor: Actor, center: Center) -> list[Invitation]:
    require(can_manage_staff(actor, center), target=center)
    return list(
        db.session.scalars(
            select(Invitation)
            .where(
                Invitation.center_id == center.id,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > utcnow(),
            )
            .order_by(Invitation.created_at)
        )
    )
