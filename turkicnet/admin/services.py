"""Reads for the admin screens: the audit log."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from ..auth.models import User
from ..centers.models import Center, Invitation, JoinRequest, Membership
from ..core.errors import ValidationFailed
from ..core.models import AuditEvent
from ..core.permissions import Actor, require
from ..extensions import db
from ..reports.models import Report
from .permissions import can_use_admin

#: the largest account number a filter accepts (beyond it, no database's integer holds it)
_MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class AuditFilters:
    """What the audit log is narrowed to; empty fields leave it whole."""

    action: str = ""
    actor_id: int | None = None
    center_id: int | None = None
    since: date | None = None
    until: date | None = None


def audit_filters(
    viewer: Actor, *, action: str = "", actor: str = "", center: str = "", since=None, until=None
) -> AuditFilters:
    """Turn what an admin typed into filters: an actor by e-mail address or account number,
    a center by its address (slug).

    :raises PermissionDenied: unless an admin
    :raises ValidationFailed: for an actor or center that names no one, or dates out of order
    """
    require(can_use_admin(viewer))
    actor, center = (actor or "").strip(), (center or "").strip()
    actor_id = None
    if actor.isascii() and actor.isdigit() and int(actor) <= _MAX_ID:
        actor_id = int(actor)
    elif actor and "@" in actor and not actor.isdigit():
        actor_id = db.session.scalar(select(User.id).where(func.lower(User.email) == actor.lower()))
        if actor_id is None:
            raise ValidationFailed("actor", _("No account has that e-mail address."))
    elif actor:
        raise ValidationFailed("actor", _("Give an e-mail address or an account number."))
    center_id = None
    if center:
        center_id = db.session.scalar(select(Center.id).where(Center.slug == center))
        if center_id is None:
            raise ValidationFailed("center", _("No center has that address."))
    if since and until and since > until:
        raise ValidationFailed("until", _("The first day comes after the last one."))
    return AuditFilters(action=(action or "")[:64], actor_id=actor_id, center_id=center_id,
                        since=since, until=until)  # fmt: skip


def _about_center(center_id: int):
    """Events on the center itself, its reports, staff, requests and invitations."""
    owned = (
        ("report", select(Report.id).where(Report.lead_center_id == center_id)),
        ("membership", select(Membership.id).where(Membership.center_id == center_id)),
        ("joinrequest", select(JoinRequest.id).where(JoinRequest.center_id == center_id)),
        ("invitation", select(Invitation.id).where(Invitation.center_id == center_id)),
    )
    return or_(
        (AuditEvent.target_type == "center") & (AuditEvent.target_id == center_id),
        *((AuditEvent.target_type == kind) & AuditEvent.target_id.in_(ids) for kind, ids in owned),
    )


def audit_page(
    actor: Actor,
    filters: AuditFilters | None = None,
    *,
    action: str = "",
    target_type: str = "",
    target_id: int | None = None,
    page: int = 1,
    per_page: int = 50,
):
    """Audit events, newest first, narrowed by ``filters`` (an action prefix, an actor, a
    center, a range of days, both ends included) or to one target."""
    require(can_use_admin(actor))
    filters = filters or AuditFilters(action=action)
    query = select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    if filters.action:
        query = query.where(AuditEvent.action.startswith(filters.action, autoescape=True))
    if filters.actor_id is not None:
        query = query.where(AuditEvent.actor_id == filters.actor_id)
    if filters.center_id is not None:
        query = query.where(_about_center(filters.center_id))
    if filters.since:
        query = query.where(AuditEvent.created_at >= datetime.combine(filters.since, time.min))
    if filters.until:
        day_after = datetime.combine(filters.until + timedelta(days=1), time.min)
        query = query.where(AuditEvent.created_at < day_after)
    if target_type:
        query = query.where(AuditEvent.target_type == target_type)
    if target_id is not None:
        query = query.where(AuditEvent.target_id == target_id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def audit_for(actor: Actor, target) -> list[AuditEvent]:
    """Every audit event on one object, oldest first."""
    require(can_use_admin(actor))
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.target_type == type(target).__name__.lower(), AuditEvent.target_id == target.id)
            .order_by(AuditEvent.created_at, AuditEvent.id)
        )
    )
