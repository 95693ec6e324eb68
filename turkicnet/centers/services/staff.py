"""A center's staff: who is on it, roles and the primary focal point, and who is told of a change."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...auth.models import User
from ...core import audit
from ...core.db import unit_of_work
from ...core.errors import InvalidState, NotFound, ValidationFailed
from ...core.mail import queue_mail
from ...core.notifications import notify
from ...core.permissions import Actor, require
from ...core.urls import external_url
from ...extensions import db
from ..labels import ROLE_LABELS
from ..models import Center, CenterStatus, Membership, Role
from ..permissions import can_leave_center, can_manage_staff, can_view_staff

_ROLE_ORDER = {Role.FOCAL_POINT: 0, Role.EDITOR: 1, Role.VIEWER: 2}


def staff_of(actor: Actor, center: Center) -> list[Membership]:
    """The staff list, focal points first."""
    require(can_view_staff(actor, center), target=center)
    memberships = db.session.scalars(select(Membership).where(Membership.center_id == center.id)).all()
    # Sorted in Python: in SQL, PostgreSQL would order names by its locale and SQLite by code point.
    return sorted(memberships, key=lambda m: (not m.is_primary, _ROLE_ORDER[m.role], m.user.full_name))


def focal_points(center: Center) -> list[User]:
    """The center's focal points, whether or not their account is active, in the order they
    joined: who hears about its application, its decisions and requests to join it."""
    return [membership.user for membership in center.memberships if membership.role is Role.FOCAL_POINT]


def may_sign_for_a_center(user: User) -> bool:
    """Whether ``user`` holds the right to sign for any center (whatever its status)."""
    signing = select(Membership.id).where(Membership.user_id == user.id, Membership.can_sign.is_(True))
    return db.session.scalar(select(signing.exists())) or False


def _role(value) -> Role:
    try:
        return Role(value)
    except ValueError as exc:
        raise ValidationFailed("role", _("Choose a role.")) from exc


def get_membership(membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None:
        raise NotFound(_("No such staff member."))
    return membership


def change_staff(actor: Actor, membership: Membership, *, role: str, can_sign: bool) -> Membership:
    """Set a staff member's role and whether they may sign for the center.

    :raises PermissionDenied: unless a focal point of the center (or an admin)
    :raises InvalidState: when it would demote the primary focal point
    """
    with unit_of_work():
        require(can_manage_staff(actor, membership.center), target=membership)
        center = membership.center
        role = _role(role)
        if membership.is_primary and role is not Role.FOCAL_POINT:
            raise InvalidState(_("Make another focal point primary before changing this person's role."))
        changed = membership.role is not role or membership.can_sign != bool(can_sign)
        if not changed:
            return membership
        old_role = membership.role
        membership.role = role
        membership.can_sign = bool(can_sign)
        audit.record(
            actor,
            "centers.change_staff",
            center,
            user_id=membership.user_id,
            from_role=old_role.value,
            role=role.value,
            can_sign=membership.can_sign,
        )
        link = external_url("site.center", slug=center.slug)
        notify(membership.user, "role_changed", link=link, center=center.name, role=str(ROLE_LABELS[role]))
        queue_mail(
            membership.user,
            _l("Your role at %(center)s", center=center.name),
            "role_changed",
            category="staff_changes",
            center=center,
            role=ROLE_LABELS[role],
            can_sign=membership.can_sign,
            url=link,
        )
        return membership


def make_primary(actor: Actor, membership: Membership) -> Membership:
    """Make a focal point the center's primary contact; the former primary becomes a deputy.

    :raises PermissionDenied: unless a focal point of the center (or an admin)
    :raises InvalidState: unless the person is a focal point
    """
    with unit_of_work():
        require(can_manage_staff(actor, membership.center), target=membership)
        center = membership.center
        if membership.role is not Role.FOCAL_POINT:
            raise InvalidState(_("Only a focal point can be the primary contact."))
        if membership.is_primary:
            return membership
        _hand_over_primary(center, membership)
        audit.record(actor, "centers.make_primary", center, user_id=membership.user_id)
        notify(
            membership.user,
            "made_primary",
            link=external_url("centers.staff", slug=center.slug),
            center=center.name,
        )
        return membership


def _hand_over_primary(center: Center, successor: Membership) -> None:
    for other in center.memberships:
        if other.is_primary and other.id != successor.id:
            other.is_primary = False
    db.session.flush()  # the unique index allows one primary at a time
    successor.role = Role.FOCAL_POINT
    successor.is_primary = True


def require_removable(actor: Actor, membership: Membership) -> None:
    """What :func:`remove_staff` checks before it acts (a confirmation page asks it too).

    :raises PermissionDenied: unless a focal point of the center (or an admin)
    :raises InvalidState: for the primary focal point
    """
    require(can_manage_staff(actor, membership.center), target=membership)
    if membership.is_primary:
        raise InvalidState(
            _("The primary focal point cannot be removed; make another focal point primary first.")
        )


def remove_staff(actor: Actor, membership: Membership) -> None:
    """Remove someone from a center's staff.

    :raises PermissionDenied: unless a focal point of the center (or an admin)
    :raises InvalidState: for the primary focal point
    """
    with unit_of_work():
        require_removable(actor, membership)
        center = membership.center
        user = membership.user
        db.session.delete(membership)
        audit.record(actor, "centers.remove_staff", center, user_id=user.id)
        notify(user, "removed_from_center", center=center.name)
        queue_mail(
            user,
            _l("You were removed from %(center)s", center=center.name),
            "removed_from_center",
            category="staff_changes",
            center=center,
        )


def leave_center(actor: Actor, membership: Membership, *, successor: Membership | None = None) -> None:
    """Leave a center's staff; the primary focal point names a successor first.

    :raises PermissionDenied: unless it is the actor's own membership
    :raises ValidationFailed: when the primary focal point names no valid successor
    """
    with unit_of_work():
        require(can_leave_center(actor, membership), target=membership)
        center = membership.center
        if membership.is_primary:
            if successor is None or successor.center_id != center.id or successor.id == membership.id:
                raise ValidationFailed(
                    "successor", _("Name the colleague who takes over as primary focal point.")
                )
            membership.is_primary = False
            _hand_over_primary(center, successor)
            notify(
                successor.user,
                "made_primary",
                link=external_url("centers.staff", slug=center.slug),
                center=center.name,
            )
        db.session.delete(membership)
        audit.record(actor, "centers.leave", center, successor_id=successor.user_id if successor else None)


def require_manage(actor: Actor, center: Center) -> None:
    """:raises PermissionDenied: unless the actor may manage the center's staff"""
    require(can_manage_staff(actor, center), target=center)


def staff_recipients(center_ids=None, roles=None, *, approved_only: bool = False) -> list[User]:
    """Active staff of the given centers (of every center when ``None``), each person once,
    in a stable order; only those with one of ``roles`` when given, only at approved
    centers with ``approved_only``. The one query that picks who is told about a change."""
    members = select(Membership.user_id)
    if center_ids is not None:
        center_ids = list(center_ids)
        if not center_ids:
            return []
        members = members.where(Membership.center_id.in_(center_ids))
    if roles:
        members = members.where(Membership.role.in_(list(roles)))
    if approved_only:
        members = members.join(Center, Center.id == Membership.center_id).where(
            Center.status == CenterStatus.APPROVED
        )
    return list(db.session.scalars(select(User).where(User.active, User.id.in_(members)).order_by(User.id)))
