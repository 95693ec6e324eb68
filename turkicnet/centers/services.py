"""Center operations: applications and decisions, membership, staff, and the directory.

Every state change takes the actor first, checks permission, guards the state, audits,
queues mail and commits once.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from ..auth.models import User
from ..core import audit, storage
from ..core.db import commit
from ..core.errors import Conflict, InvalidState, NotFound, ValidationFailed
from ..core.mail import queue_mail
from ..core.notifications import notify
from ..core.permissions import is_admin, require, user_of
from ..core.text import match_key, normalise_block, normalise_line, slugify, website_domain
from ..core.timeutil import utcnow
from ..core.urls import external_url
from ..extensions import db
from .labels import ROLE_LABELS, STATUS_LABELS
from .models import (
    ApplicationMessage,
    Center,
    CenterKind,
    CenterStatus,
    Country,
    Invitation,
    JoinRequest,
    Membership,
    MessageKind,
    RequestStatus,
    Role,
)
from .permissions import (
    can_apply_for_center,
    can_edit_center,
    can_leave_center,
    can_manage_staff,
    can_post_application_message,
    can_request_to_join,
    can_resubmit_application,
    can_review_center,
    can_view_application,
    can_view_center,
    can_view_letter,
    can_view_staff,
    membership_of,
    visible_centers,
)

#: Statuses whose centers still count as taking a name, acronym or website.
_HOLDS_NAME = (
    CenterStatus.PENDING,
    CenterStatus.CHANGES_REQUESTED,
    CenterStatus.APPROVED,
    CenterStatus.SUSPENDED,
)


@dataclass
class CenterDetails:
    """What an applicant or focal point types about a center."""

    name: str
    native_name: str
    acronym: str
    country_code: str
    city: str
    website: str
    kind: str
    parent_body: str
    description: str
    founded_year: int | None


# ---------------------------------------------------------------- reads


def list_countries() -> list[Country]:
    return list(db.session.scalars(select(Country).order_by(Country.sort_order, Country.name)))


def get_country(code: str) -> Country:
    country = db.session.get(Country, (code or "").upper())
    if country is None:
        raise NotFound(_("No such country."))
    return country


def get_center(actor, slug: str) -> Center:
    """The center with ``slug`` if the actor may see it.

    :raises NotFound: when there is none, or the actor may not know it exists
    """
    center = db.session.scalar(select(Center).where(Center.slug == slug))
    if center is None or not can_view_center(actor, center):
        raise NotFound(_("No such center."))
    return center


def _directory_query(actor, *, country: str = "", q: str = "", approved_only: bool = True):
    query = select(Center).where(visible_centers(actor))
    if approved_only:
        query = query.where(Center.status == CenterStatus.APPROVED)
    if country:
        query = query.where(Center.country_code == country.upper())
    key = match_key(q)
    if key:
        pattern = f"%{key}%"
        query = query.where(
            or_(
                Center.name_key.like(pattern),
                Center.native_key.like(pattern),
                Center.acronym_key.like(pattern),
                Center.city_key.like(pattern),
            )
        )
    return query


def directory_page(actor, *, country: str = "", q: str = "", page: int = 1, per_page: int | None = None):
    """A page of approved centers, by country then name."""
    per_page = per_page or current_app.config["CENTERS_PER_PAGE"]
    query = _directory_query(actor, country=country, q=q).order_by(Center.country_code, Center.name)
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


def directory_rows(actor, *, country: str = "", q: str = "") -> list[Center]:
    """Every center of the directory under the same filters (for the CSV export)."""
    query = _directory_query(actor, country=country, q=q).order_by(Center.country_code, Center.name)
    return list(db.session.scalars(query))


def approved_counts_by_country() -> dict[str, int]:
    rows = db.session.execute(
        select(Center.country_code, func.count(Center.id))
        .where(Center.status == CenterStatus.APPROVED)
        .group_by(Center.country_code)
    )
    return {code: count for code, count in rows}


def network_counts() -> dict[str, int]:
    """The live figures on the home page."""
    counts = approved_counts_by_country()
    return {"centers": sum(counts.values()), "countries": len(counts)}


def primary_contacts(centers: list[Center]) -> dict[int, User]:
    """The primary focal point of each center, in one query."""
    if not centers:
        return {}
    rows = db.session.execute(
        select(Membership.center_id, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.center_id.in_([center.id for center in centers]), Membership.is_primary)
    )
    return {center_id: user for center_id, user in rows}


def application_queue(actor) -> list[Center]:
    """Pending applications, oldest submission first."""
    require(is_admin(actor))
    query = (
        select(Center).where(Center.status == CenterStatus.PENDING).order_by(Center.submitted_at, Center.id)
    )
    return list(db.session.scalars(query))


def centers_by_status(actor, status: CenterStatus | None = None) -> list[Center]:
    """All centers for the admin's overview, optionally of one status."""
    require(is_admin(actor))
    query = select(Center).order_by(Center.name)
    if status is not None:
        query = query.where(Center.status == status)
    return list(db.session.scalars(query))


def application_thread(actor, center: Center) -> list[ApplicationMessage]:
    require(can_view_application(actor, center))
    return list(
        db.session.scalars(
            select(ApplicationMessage)
            .where(ApplicationMessage.center_id == center.id)
            .order_by(ApplicationMessage.created_at, ApplicationMessage.id)
        )
    )


def letter_path(actor, center: Center):
    """Where the nomination letter is stored, for someone allowed to read it.

    :raises PermissionDenied: for anyone but admins and the center's focal points
    :raises NotFound: when the center has no letter
    """
    require(can_view_letter(actor, center))
    if not center.letter_stored_name:
        raise NotFound(_("This center has no nomination letter."))
    return storage.path_of(center.letter_stored_name)


def staff_of(actor, center: Center) -> list[Membership]:
    """The staff list, focal points first."""
    require(can_view_staff(actor, center))
    order = {Role.FOCAL_POINT: 0, Role.EDITOR: 1, Role.VIEWER: 2}
    memberships = db.session.scalars(select(Membership).where(Membership.center_id == center.id)).all()
    return sorted(memberships, key=lambda m: (not m.is_primary, order[m.role], m.user.full_name))


def pending_join_requests(actor, center: Center) -> list[JoinRequest]:
    require(can_manage_staff(actor, center))
    return list(
        db.session.scalars(
            select(JoinRequest)
            .where(JoinRequest.center_id == center.id, JoinRequest.status == RequestStatus.PENDING)
            .order_by(JoinRequest.created_at)
        )
    )


def open_invitations(actor, center: Center) -> list[Invitation]:
    require(can_manage_staff(actor, center))
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


def has_pending_join_request(actor, center: Center) -> bool:
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


# ---------------------------------------------------------------- applications


def _clean_details(details: CenterDetails) -> CenterDetails:
    clean = CenterDetails(
        name=normalise_line(details.name),
        native_name=normalise_line(details.native_name),
        acronym=normalise_line(details.acronym),
        country_code=(details.country_code or "").upper(),
        city=normalise_line(details.city),
        website=(details.website or "").strip(),
        kind=details.kind,
        parent_body=normalise_line(details.parent_body),
        description=normalise_block(details.description),
        founded_year=details.founded_year,
    )
    if not clean.name:
        raise ValidationFailed("name", _("Give the center's name in English."))
    if db.session.get(Country, clean.country_code) is None:
        raise ValidationFailed("country_code", _("Choose a country of the network."))
    if clean.kind not in {kind.value for kind in CenterKind}:
        raise ValidationFailed("kind", _("Choose the kind of body."))
    if clean.website and not clean.website.lower().startswith(("http://", "https://")):
        raise ValidationFailed("website", _("Give the full address, starting with https://."))
    return clean


def find_duplicate(details: CenterDetails, *, exclude_id: int | None = None) -> tuple[str, Center] | None:
    """An existing center in the same country whose name, native name, acronym or website
    meets the new one under the transliteration key; ``(field, center)`` or ``None``."""
    keys = {
        "name": match_key(details.name),
        "native_name": match_key(details.native_name),
        "acronym": match_key(details.acronym),
    }
    domain = website_domain(details.website)
    name_keys = {key for key in (keys["name"], keys["native_name"]) if key}
    conditions = []
    if name_keys:
        conditions += [Center.name_key.in_(name_keys), Center.native_key.in_(name_keys)]
    if keys["acronym"]:
        conditions.append(Center.acronym_key == keys["acronym"])
    if domain:
        conditions.append(Center.website_domain == domain)
    query = select(Center).where(
        Center.country_code == details.country_code,
        Center.status.in_(_HOLDS_NAME),
        or_(*conditions),
    )
    if exclude_id is not None:
        query = query.where(Center.id != exclude_id)
    for center in db.session.scalars(query):
        if center.name_key in name_keys or center.native_key in name_keys:
            field = "name" if keys["name"] in (center.name_key, center.native_key) else "native_name"
            return field, center
        if keys["acronym"] and center.acronym_key == keys["acronym"]:
            return "acronym", center
        if domain and center.website_domain == domain:
            return "website", center
    return None


def _refuse_duplicate(details: CenterDetails, exclude_id: int | None = None) -> None:
    duplicate = find_duplicate(details, exclude_id=exclude_id)
    if not duplicate:
        return
    field, center = duplicate
    labels = {"name": _("name"), "native_name": _("name"), "acronym": _("acronym"), "website": _("website")}
    what = labels[field]
    if center.status is not CenterStatus.APPROVED:
        # Applications are visible only to their own staff and the Secretariat: say no more.
        raise ValidationFailed(
            field,
            _("An application from this country with this %(what)s is already under review or suspended. "
              "Write to the Secretariat if you think this is a mistake.", what=what),
        )  # fmt: skip
    raise ValidationFailed(
        field,
        _("%(center)s (%(country)s) is already registered with this %(what)s. "
          "If you work there, ask to join it instead.",
          center=center.display_name, country=center.country_code, what=what),
    )  # fmt: skip


def _apply_details(center: Center, details: CenterDetails) -> None:
    center.name = details.name
    center.native_name = details.native_name
    center.acronym = details.acronym
    center.country_code = details.country_code
    center.city = details.city
    center.website = details.website
    center.kind = CenterKind(details.kind)
    center.parent_body = details.parent_body
    center.description = details.description
    center.founded_year = details.founded_year
    center.name_key = match_key(details.name)
    center.native_key = match_key(details.native_name)
    center.acronym_key = match_key(details.acronym)
    center.city_key = match_key(details.city)
    center.website_domain = website_domain(details.website)


def _unique_slug(details: CenterDetails) -> str:
    base = slugify(details.acronym or details.name)
    base = f"{base}-{details.country_code.lower()}"
    slug, n = base, 2
    while db.session.scalar(select(func.count(Center.id)).where(Center.slug == slug)):
        slug, n = f"{base}-{n}", n + 1
    return slug


def _store_letter(center: Center, letter) -> str | None:
    """Store a new letter on the center; returns the replaced file's name to delete later."""
    stored = storage.save_pdf(
        letter, field="nomination_letter", max_size=current_app.config["MAX_LETTER_SIZE"]
    )
    old = center.letter_stored_name
    center.letter_stored_name = stored.stored_name
    center.letter_original_name = stored.original_name
    center.letter_size = stored.size
    center.letter_sha256 = stored.sha256
    return old


def _commit_with_file(new_file: str | None, old_file: str | None = None) -> None:
    """Commit; on failure remove the file just stored, on success the one it replaced."""
    try:
        commit()
    except Exception:
        storage.delete(new_file)
        raise
    storage.delete(old_file)


def apply_center(actor: User, details: CenterDetails, *, letter, message: str = "") -> Center:
    """Register a center as a pending application, with the actor as its primary focal point.

    :raises PermissionDenied: unless the actor has a verified account
    :raises ValidationFailed: for a duplicate, a bad field or a letter that is not a PDF
    """
    require(can_apply_for_center(actor), _("Confirm your e-mail address before you apply."))
    details = _clean_details(details)
    _refuse_duplicate(details)
    center = Center(slug=_unique_slug(details), status=CenterStatus.PENDING, submitted_at=utcnow())
    _apply_details(center, details)
    _store_letter(center, letter)
    db.session.add(center)
    db.session.add(
        Membership(user=user_of(actor), center=center, role=Role.FOCAL_POINT, is_primary=True, can_sign=False)
    )
    db.session.add(
        ApplicationMessage(
            center=center,
            author_id=actor.id,
            kind=MessageKind.SUBMITTED,
            body=normalise_block(message),
            to_status=CenterStatus.PENDING.value,
        )
    )
    audit.record(actor, "centers.apply", center, slug=center.slug, name=center.name)
    _notify_admins_of_application(center, resubmitted=False)
    _commit_with_file(center.letter_stored_name)
    return center


def _notify_admins_of_application(center: Center, *, resubmitted: bool) -> None:
    subject = (
        _l("Application resubmitted: %(center)s", center=center.name)
        if resubmitted
        else _l("New application: %(center)s", center=center.name)
    )
    _mail_admins(center, subject, "application_to_review", resubmitted=resubmitted)


def _mail_admins(center: Center, subject, template: str, **context) -> None:
    """Mail every active admin about ``center``'s application, with a link to its admin page."""
    url = external_url("admin.center", slug=center.slug)
    for admin in db.session.scalars(select(User).where(User.is_admin, User.active)):
        queue_mail(admin, subject, template, category="center_decisions", center=center, url=url, **context)


def update_center(actor: User, center: Center, details: CenterDetails, *, letter=None) -> Center:
    """Edit a center's profile; the slug never changes.

    :raises PermissionDenied: unless a focal point of the center or an admin
    :raises ValidationFailed: for a duplicate or a bad field
    """
    require(can_edit_center(actor, center))
    details = _clean_details(details)
    _refuse_duplicate(details, exclude_id=center.id)
    # The letter first: a refused file must leave the center untouched in the session.
    old_letter = new_letter = None
    if letter is not None and getattr(letter, "filename", ""):
        old_letter = _store_letter(center, letter)
        new_letter = center.letter_stored_name
    _apply_details(center, details)
    audit.record(actor, "centers.update", center, letter_replaced=bool(new_letter) or None)
    _commit_with_file(new_letter, old_letter)
    return center


def resubmit_application(
    actor: User, center: Center, details: CenterDetails, *, reply: str, letter=None
) -> Center:
    """Answer a request for changes: edit, reply and put the application back in the queue.

    :raises PermissionDenied: unless the center's focal point, with changes requested
    :raises ValidationFailed: for a missing reply, a duplicate or a bad field
    """
    require(can_resubmit_application(actor, center))
    reply = normalise_block(reply)
    if not reply:
        raise ValidationFailed("reply", _("Tell the Secretariat what you changed."))
    details = _clean_details(details)
    _refuse_duplicate(details, exclude_id=center.id)
    old_letter = new_letter = None
    if letter is not None and getattr(letter, "filename", ""):
        old_letter = _store_letter(center, letter)
        new_letter = center.letter_stored_name
    _apply_details(center, details)
    now = utcnow()
    center.status = CenterStatus.PENDING
    center.submitted_at = now
    center.resubmitted_at = now
    db.session.add(
        ApplicationMessage(
            center=center,
            author_id=actor.id,
            kind=MessageKind.RESUBMITTED,
            body=reply,
            from_status=CenterStatus.CHANGES_REQUESTED.value,
            to_status=CenterStatus.PENDING.value,
        )
    )
    audit.record(actor, "centers.resubmit", center, letter_replaced=bool(new_letter) or None)
    _notify_admins_of_application(center, resubmitted=True)
    _commit_with_file(new_letter, old_letter)
    return center


def post_application_message(actor: User, center: Center, body: str) -> ApplicationMessage:
    """Add a message to an application's thread without changing its status."""
    require(can_post_application_message(actor, center))
    body = normalise_block(body)
    if not body:
        raise ValidationFailed("body", _("Write a message."))
    message = ApplicationMessage(center=center, author_id=actor.id, kind=MessageKind.REPLY, body=body)
    db.session.add(message)
    audit.record(actor, "centers.message", center)
    if is_admin(actor):
        _mail_focal_points(
            center, _l("A message about the application of %(center)s"), "application_message", body=body
        )
    else:
        subject = _l("%(center)s wrote about its application", center=center.name)
        _mail_admins(center, subject, "application_reply", author=actor, body=body)
    commit()
    return message


# Decisions: (service name, allowed from, to, message kind, reason required, mail subject)
_DECISIONS = {
    "approve": (
        {CenterStatus.PENDING},
        CenterStatus.APPROVED,
        MessageKind.APPROVED,
        False,
        _l("%(center)s is now a member of TurkicNet"),
        "center_approved",
    ),
    "request_changes": (
        {CenterStatus.PENDING},
        CenterStatus.CHANGES_REQUESTED,
        MessageKind.CHANGES_REQUESTED,
        True,
        _l("Changes requested to the application of %(center)s"),
        "center_changes_requested",
    ),
    "reject": (
        {CenterStatus.PENDING, CenterStatus.CHANGES_REQUESTED},
        CenterStatus.REJECTED,
        MessageKind.REJECTED,
        True,
        _l("The application of %(center)s was rejected"),
        "center_rejected",
    ),
    "suspend": (
        {CenterStatus.APPROVED},
        CenterStatus.SUSPENDED,
        MessageKind.SUSPENDED,
        True,
        _l("%(center)s was suspended"),
        "center_suspended",
    ),
    "reinstate": (
        {CenterStatus.SUSPENDED},
        CenterStatus.APPROVED,
        MessageKind.REINSTATED,
        False,
        _l("%(center)s was reinstated"),
        "center_reinstated",
    ),
    "withdraw": (
        {CenterStatus.APPROVED, CenterStatus.SUSPENDED},
        CenterStatus.WITHDRAWN,
        MessageKind.WITHDRAWN,
        True,
        _l("%(center)s was withdrawn from TurkicNet"),
        "center_withdrawn",
    ),
}


def _decide(decision: str, actor: User, center: Center, note: str) -> Center:
    allowed_from, to_status, kind, reason_required, subject, notice = _DECISIONS[decision]
    require(can_review_center(actor, center))
    if center.status not in allowed_from:
        raise InvalidState(
            _(
                "This center is %(status)s; that decision is not possible now.",
                status=STATUS_LABELS[center.status],
            )
        )
    note = normalise_block(note)
    if reason_required and not note:
        raise ValidationFailed("note", _("Give the reason; the center will read it."))
    from_status = center.status
    center.status = to_status
    center.decided_at = utcnow()
    db.session.add(
        ApplicationMessage(
            center=center,
            author_id=actor.id,
            kind=kind,
            body=note,
            from_status=from_status.value,
            to_status=to_status.value,
        )
    )
    audit.record(
        actor,
        f"centers.{decision}",
        center,
        from_status=from_status.value,
        to_status=to_status.value,
        note=note or None,
    )
    link = external_url("centers.application", slug=center.slug)
    for membership in center.memberships:
        if membership.role is Role.FOCAL_POINT:
            notify(membership.user, notice, link=link, center=center.name)
    _mail_focal_points(center, subject, "center_decision", decision=decision, note=note, url=link)
    commit()
    return center


def _mail_focal_points(center: Center, subject, template: str, **context) -> None:
    for membership in center.memberships:
        if membership.role is Role.FOCAL_POINT:
            queue_mail(
                membership.user,
                subject,
                template,
                category="center_decisions",
                subject_params={"center": center.name},
                center=center,
                **context,
            )


def approve_center(actor: User, center: Center, *, note: str = "") -> Center:
    """Make a pending center a member of the network.

    :raises PermissionDenied: unless ``actor`` is an admin
    :raises InvalidState: unless the center is pending
    """
    return _decide("approve", actor, center, note)


def request_changes(actor: User, center: Center, *, note: str) -> Center:
    """Send a pending application back to its applicant with what to change.

    :raises PermissionDenied: unless an admin
    :raises InvalidState: unless pending
    :raises ValidationFailed: without a comment
    """
    return _decide("request_changes", actor, center, note)


def reject_center(actor: User, center: Center, *, note: str) -> Center:
    """Refuse an application, with the reason.

    :raises PermissionDenied: unless an admin
    :raises InvalidState: unless pending or awaiting changes
    :raises ValidationFailed: without a reason
    """
    return _decide("reject", actor, center, note)


def suspend_center(actor: User, center: Center, *, note: str) -> Center:
    """Suspend a member; its staff lose what membership gives until reinstated.

    :raises PermissionDenied: unless an admin
    :raises InvalidState: unless approved
    :raises ValidationFailed: without a reason
    """
    return _decide("suspend", actor, center, note)


def reinstate_center(actor: User, center: Center, *, note: str = "") -> Center:
    """Restore a suspended member.

    :raises PermissionDenied: unless an admin
    :raises InvalidState: unless suspended
    """
    return _decide("reinstate", actor, center, note)


def withdraw_center(actor: User, center: Center, *, note: str) -> Center:
    """Record that a member left the network.

    :raises PermissionDenied: unless an admin
    :raises InvalidState: unless approved or suspended
    :raises ValidationFailed: without a reason
    """
    return _decide("withdraw", actor, center, note)


# ---------------------------------------------------------------- joining


def request_to_join(actor: User, center: Center, *, message: str = "") -> JoinRequest:
    """Ask the focal points of a member center to join its staff.

    :raises PermissionDenied: unless verified, not yet staff, and the center is a member
    :raises Conflict: when a request is already waiting
    """
    require(can_request_to_join(actor, center))
    if has_pending_join_request(actor, center):
        raise Conflict(
            _("Your request to join %(center)s is already waiting for an answer.", center=center.name)
        )
    join_request = JoinRequest(user_id=actor.id, center=center, message=normalise_block(message))
    db.session.add(join_request)
    audit.record(actor, "centers.request_join", center)
    link = external_url("centers.staff", slug=center.slug)
    for membership in center.memberships:
        if membership.role is Role.FOCAL_POINT:
            notify(membership.user, "join_requested", link=link, user=actor.full_name, center=center.name)
            queue_mail(
                membership.user,
                _l("%(user)s asks to join %(center)s", user=actor.full_name, center=center.name),
                "join_requested",
                category="join_requests",
                center=center,
                requester=actor,
                message=join_request.message,
                url=link,
            )
    commit()
    return join_request


def get_join_request(request_id: int) -> JoinRequest:
    join_request = db.session.get(JoinRequest, request_id)
    if join_request is None:
        raise NotFound(_("No such request."))
    return join_request


def accept_join_request(actor: User, join_request: JoinRequest, *, role: str) -> Membership:
    """Add the requester to the staff with ``role``.

    :raises PermissionDenied: unless a focal point of the center (or an admin)
    :raises InvalidState: when the request was already answered
    """
    center = join_request.center
    require(can_manage_staff(actor, center))
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
    commit()
    return membership


def decline_join_request(actor: User, join_request: JoinRequest, *, reason: str) -> JoinRequest:
    """Decline a request to join, telling the requester why.

    :raises PermissionDenied: unless a focal point of the center (or an admin)
    :raises InvalidState: when already answered
    :raises ValidationFailed: without a reason
    """
    center = join_request.center
    require(can_manage_staff(actor, center))
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
    commit()
    return join_request


# ---------------------------------------------------------------- invitations


def _role(value) -> Role:
    try:
        return Role(value)
    except ValueError as exc:
        raise ValidationFailed("role", _("Choose a role.")) from exc


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite_staff(actor: User, center: Center, *, email: str, role: str) -> tuple[Invitation, str]:
    """Invite someone by e-mail to join the staff; returns the invitation and its token.

    :raises PermissionDenied: unless a focal point of an approved center (or an admin)
    :raises ValidationFailed: when the person is already on the staff
    """
    require(can_manage_staff(actor, center))
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
    commit()
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


def accept_invitation(actor: User, token: str) -> Membership:
    """Join a center's staff through an invitation sent to the actor's own address.

    :raises NotFound, InvalidState: for a bad token
    :raises PermissionDenied: when the invitation is for another address
    """
    invitation = get_invitation(token)
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
            _("%(center)s is not an active member; the invitation cannot be used now.", center=center.name)
        )
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = actor.id
    if actor.email_verified_at is None:
        actor.email_verified_at = utcnow()  # the token reached this mailbox
    membership = membership_of(actor, center)
    if membership is None:
        membership = Membership(user=user_of(actor), center=center, role=invitation.role)
        db.session.add(membership)
    audit.record(
        actor, "centers.accept_invitation", center, invitation_id=invitation.id, role=invitation.role.value
    )
    commit()
    return membership


def revoke_invitation(actor: User, invitation: Invitation) -> Invitation:
    """Withdraw an invitation that was not used yet."""
    require(can_manage_staff(actor, invitation.center))
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise InvalidState(_("This invitation can no longer be withdrawn."))
    invitation.revoked_at = utcnow()
    audit.record(actor, "centers.revoke_invitation", invitation.center, email=invitation.email)
    commit()
    return invitation


def get_invitation_by_id(invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None:
        raise NotFound(_("No such invitation."))
    return invitation


# ---------------------------------------------------------------- staff


def get_membership(membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None:
        raise NotFound(_("No such staff member."))
    return membership


def change_staff(actor: User, membership: Membership, *, role: str, can_sign: bool) -> Membership:
    """Set a staff member's role and whether they may sign for the center.

    :raises PermissionDenied: unless a focal point of the center (or an admin)
    :raises InvalidState: when it would demote the primary focal point
    """
    center = membership.center
    require(can_manage_staff(actor, center))
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
    commit()
    return membership


def make_primary(actor: User, membership: Membership) -> Membership:
    """Make a focal point the center's primary contact; the former primary becomes a deputy.

    :raises PermissionDenied: unless a focal point of the center (or an admin)
    :raises InvalidState: unless the person is a focal point
    """
    center = membership.center
    require(can_manage_staff(actor, center))
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
    commit()
    return membership


def _hand_over_primary(center: Center, successor: Membership) -> None:
    for other in center.memberships:
        if other.is_primary and other.id != successor.id:
            other.is_primary = False
    db.session.flush()  # the unique index allows one primary at a time
    successor.role = Role.FOCAL_POINT
    successor.is_primary = True


def remove_staff(actor: User, membership: Membership) -> None:
    """Remove someone from a center's staff.

    :raises PermissionDenied: unless a focal point of the center (or an admin)
    :raises InvalidState: for the primary focal point
    """
    center = membership.center
    require(can_manage_staff(actor, center))
    if membership.is_primary:
        raise InvalidState(
            _("The primary focal point cannot be removed; make another focal point primary first.")
        )
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
    commit()


def leave_center(actor: User, membership: Membership, *, successor: Membership | None = None) -> None:
    """Leave a center's staff; the primary focal point names a successor first.

    :raises PermissionDenied: unless it is the actor's own membership
    :raises ValidationFailed: when the primary focal point names no valid successor
    """
    require(can_leave_center(actor, membership))
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
    commit()


# ---------------------------------------------------------------- guards for pages that show a form


def require_edit(actor, center: Center) -> None:
    """:raises PermissionDenied: unless the actor may edit the center's profile"""
    require(can_edit_center(actor, center))


def require_resubmit(actor, center: Center) -> None:
    """:raises PermissionDenied: unless the actor may resubmit the application"""
    require(
        can_resubmit_application(actor, center),
        _("Only the focal point can resubmit, and only after the Secretariat asked for changes."),
    )


def require_manage(actor, center: Center) -> None:
    """:raises PermissionDenied: unless the actor may manage the center's staff"""
    require(can_manage_staff(actor, center))


# ---------------------------------------------------------------- helpers other features share


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


def choose_center(centers: list[Center], slug: str | None, message) -> Center:
    """The center named by ``slug`` among ``centers`` (those the actor may act for), or the
    first of them when no slug is given.

    :raises PermissionDenied: with ``message`` when there is no such center
    """
    chosen = [c for c in centers if c.slug == slug] if slug else centers[:1]
    require(bool(chosen), message)
    return chosen[0]
