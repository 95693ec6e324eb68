"""Applying for membership: the application, its letter, its thread, edits and resubmission."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from ...auth.models import User
from ...core import audit, storage
from ...core.db import unit_of_work
from ...core.errors import NotFound, ValidationFailed
from ...core.mail import queue_mail
from ...core.permissions import Actor, is_admin, require, user_of
from ...core.text import match_key, normalise_block, normalise_line, slugify, unique_slug, website_domain
from ...core.timeutil import utcnow
from ...core.urls import external_url
from ...extensions import db
from ..models import (
    ApplicationMessage,
    Center,
    CenterKind,
    CenterStatus,
    Country,
    Membership,
    MessageKind,
    Role,
)
from ..permissions import (
    can_apply_for_center,
    can_post_application_message,
    can_resubmit_application,
    can_view_application,
    can_view_letter,
)
from .decisions import _mail_focal_points
from .diff import center_letter, field_changes

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


def application_queue(actor: Actor) -> list[Center]:
    """Pending applications, oldest submission first."""
    require(is_admin(actor))
    query = (
        select(Center).where(Center.status == CenterStatus.PENDING).order_by(Center.submitted_at, Center.id)
    )
    return list(db.session.scalars(query))


def centers_by_status(actor: Actor, status: CenterStatus | None = None) -> list[Center]:
    """All centers for the admin's overview, optionally of one status."""
    require(is_admin(actor))
    query = select(Center).order_by(Center.name)
    if status is not None:
        query = query.where(Center.status == status)
    return list(db.session.scalars(query))


def application_thread(actor: Actor, center: Center) -> list[ApplicationMessage]:
    require(can_view_application(actor, center), target=center)
    return list(
        db.session.scalars(
            select(ApplicationMessage)
            .where(ApplicationMessage.center_id == center.id)
            .order_by(ApplicationMessage.created_at, ApplicationMessage.id)
        )
    )


def letter_path(actor: Actor, center: Center):
    """Where the nomination letter is stored, for someone allowed to read it.

    :raises PermissionDenied: for anyone but admins and the center's focal points
    :raises NotFound: when the center has no letter
    """
    require(can_view_letter(actor, center), target=center)
    if not center.letter_stored_name:
        raise NotFound(_("This center has no nomination letter."))
    return storage.path_of(center.letter_stored_name)


# ---------------------------------------------------------------- details, duplicates, the letter


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
    if not conditions:
        return None  # a name of punctuation alone meets no other: nothing to compare
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
    return unique_slug(Center.slug, f"{base}-{details.country_code.lower()}")


def _save_letter(letter, replaced: str | None = None) -> storage.StoredFile:
    """Store an uploaded letter, tied to the unit of work: the new file goes if the change
    rolls back, the one it replaces once the change has committed.

    :raises ValidationFailed: on ``nomination_letter`` when it is missing or not a PDF
    """
    stored = storage.save_pdf(
        letter, field="nomination_letter", max_size=current_app.config["MAX_LETTER_SIZE"]
    )
    storage.keep_on_commit([stored.stored_name], [replaced])
    return stored


def _store_letter(center: Center, letter) -> None:
    """Store an uploaded letter on the center (see :func:`_save_letter`)."""
    stored = _save_letter(letter, replaced=center.letter_stored_name)
    center.letter_stored_name = stored.stored_name
    center.letter_original_name = stored.original_name
    center.letter_size = stored.size
    center.letter_sha256 = stored.sha256


def _replace_letter(center: Center, letter) -> bool:
    """Store a new letter when one was uploaded (an edit may keep the old one); whether it was."""
    if letter is None or not getattr(letter, "filename", ""):
        return False
    _store_letter(center, letter)
    return True


# ---------------------------------------------------------------- changes


def apply_center(actor: Actor, details: CenterDetails, *, letter, message: str = "") -> Center:
    """Register a center as a pending application, with the actor as its primary focal point.

    :raises PermissionDenied: unless the actor has a verified account
    :raises ValidationFailed: for a duplicate, a bad field or a letter that is not a PDF
    """
    with unit_of_work():
        require(can_apply_for_center(actor), _("Confirm your e-mail address before you apply."))
        details = _clean_details(details)
        _refuse_duplicate(details)
        center = Center(slug=_unique_slug(details), status=CenterStatus.PENDING, submitted_at=utcnow())
        _apply_details(center, details)
        _store_letter(center, letter)
        db.session.add(center)
        db.session.add(
            Membership(
                user=user_of(actor), center=center, role=Role.FOCAL_POINT, is_primary=True, can_sign=False
            )
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


def resubmit_application(
    actor: Actor, center: Center, details: CenterDetails, *, reply: str, letter=None
) -> Center:
    """Answer a request for changes: edit, reply and put the application back in the queue.

    :raises PermissionDenied: unless the center's focal point, with changes requested
    :raises ValidationFailed: for a missing reply, a duplicate or a bad field
    """
    with unit_of_work():
        require(can_resubmit_application(actor, center), target=center)
        reply = normalise_block(reply)
        if not reply:
            raise ValidationFailed("reply", _("Tell the Secretariat what you changed."))
        details = _clean_details(details)
        _refuse_duplicate(details, exclude_id=center.id)
        changes = field_changes(center, details)
        letter_before = center_letter(center)
        if _replace_letter(center, letter):
            changes["letter"] = [letter_before, center_letter(center)]
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
        audit.record(actor, "centers.resubmit", center, **changes)
        _notify_admins_of_application(center, resubmitted=True)
        return center


def post_application_message(actor: Actor, center: Center, body: str) -> ApplicationMessage:
    """Add a message to an application's thread without changing its status.

    :raises PermissionDenied: unless an admin, or a focal point while the application is open
    :raises ValidationFailed: for an empty message
    """
    with unit_of_work():
        require(can_post_application_message(actor, center), target=center)
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
        return message


# ---------------------------------------------------------------- guards for pages that show a form


def require_resubmit(actor: Actor, center: Center) -> None:
    """:raises PermissionDenied: unless the actor may resubmit the application"""
    require(
        can_resubmit_application(actor, center),
        _("Only the focal point can resubmit, and only after the Secretariat asked for changes."),
    )
