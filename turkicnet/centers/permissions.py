"""Who may do what with centers, their applications and their staff."""

from sqlalchemy import or_, select, true

from ..core.permissions import Actor, is_admin, is_authenticated
from .models import Center, CenterStatus, Membership, Role

#: Statuses in which the applicant still owns an application.
APPLICATION_OPEN = {CenterStatus.PENDING, CenterStatus.CHANGES_REQUESTED}


def membership_of(actor: Actor, center: Center) -> Membership | None:
    """The actor's membership of ``center``, from the memberships loaded with the user."""
    if not is_authenticated(actor) or center is None:
        return None
    for membership in actor.memberships:
        if membership.center_id == center.id:
            return membership
    return None


def is_focal_point(actor: Actor, center: Center) -> bool:
    membership = membership_of(actor, center)
    return membership is not None and membership.role is Role.FOCAL_POINT


def can_view_center(actor: Actor, center: Center) -> bool:
    """Approved centers are public; any other status only to its staff and admins."""
    return (
        center.status is CenterStatus.APPROVED or is_admin(actor) or membership_of(actor, center) is not None
    )


def visible_centers(actor: Actor):
    """SQL filter over :class:`Center` matching :func:`can_view_center`."""
    if is_admin(actor):
        return true()
    approved = Center.status == CenterStatus.APPROVED
    if not is_authenticated(actor):
        return approved
    own = select(Membership.center_id).where(Membership.user_id == actor.id)
    return or_(approved, Center.id.in_(own))


def can_apply_for_center(actor: Actor) -> bool:
    """Any active user with a verified e-mail may apply."""
    return is_authenticated(actor) and actor.is_active and actor.is_verified


def can_review_center(actor: Actor, center: Center) -> bool:
    """Decisions on applications and on a member's standing are the Secretariat's."""
    return is_admin(actor)


def can_view_application(actor: Actor, center: Center) -> bool:
    """The application thread is between the Secretariat and the center's focal points."""
    return is_admin(actor) or is_focal_point(actor, center)


def can_view_letter(actor: Actor, center: Center) -> bool:
    """The nomination letter is seen by the Secretariat and the center's focal points."""
    return is_admin(actor) or is_focal_point(actor, center)


def can_post_application_message(actor: Actor, center: Center) -> bool:
    """Admins write on a thread at any time; focal points while the application is open."""
    return is_admin(actor) or (is_focal_point(actor, center) and center.status in APPLICATION_OPEN)


def can_resubmit_application(actor: Actor, center: Center) -> bool:
    """The focal point resubmits only after the Secretariat asked for changes."""
    return is_focal_point(actor, center) and center.status is CenterStatus.CHANGES_REQUESTED


def can_edit_center(actor: Actor, center: Center) -> bool:
    """Focal points edit their center's profile while it is an application or a member."""
    if is_admin(actor):
        return True
    return is_focal_point(actor, center) and center.status in (APPLICATION_OPEN | {CenterStatus.APPROVED})


def can_change_official_details(actor: Actor, center: Center) -> bool:
    """Country, names, acronym and letter change at once for admins, and for focal points while
    the center is an application (the Secretariat reviews all of it before approving)."""
    if is_admin(actor):
        return True
    return is_focal_point(actor, center) and center.status in APPLICATION_OPEN


def can_request_center_change(actor: Actor, center: Center) -> bool:
    """A member's focal points ask the Secretariat to change its official details."""
    return is_focal_point(actor, center) and center.status is CenterStatus.APPROVED


def can_manage_staff(actor: Actor, center: Center) -> bool:
    """Focal points of an approved center (and admins) invite, change and remove staff."""
    if is_admin(actor):
        return True
    return is_focal_point(actor, center) and center.status is CenterStatus.APPROVED


def can_view_staff(actor: Actor, center: Center) -> bool:
    """A center's staff list is for its own staff and admins."""
    return is_admin(actor) or membership_of(actor, center) is not None


def can_request_to_join(actor: Actor, center: Center) -> bool:
    """A verified person who is not on the staff asks to join an approved center."""
    return (
        is_authenticated(actor)
        and actor.is_verified
        and center.status is CenterStatus.APPROVED
        and membership_of(actor, center) is None
    )


def can_leave_center(actor: Actor, membership: Membership) -> bool:
    """Only the person themselves leaves a center's staff."""
    return is_authenticated(actor) and membership.user_id == actor.id


def can_manage_center_tokens(actor: Actor, center: Center) -> bool:
    """A member center's focal points (and admins) make, list and revoke its API tokens, so a
    publication pipeline outlives the person who set it up."""
    if is_admin(actor):
        return True
    return is_focal_point(actor, center) and center.status is CenterStatus.APPROVED
