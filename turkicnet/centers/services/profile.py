"""A center's profile once it applied: edits under an optimistic lock, each recorded field by
field, and the Secretariat's review of a member's official details (DESIGN §2: the letter is
what makes a center official, and its country counts towards the protocol's rule)."""

from dataclasses import dataclass, replace

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ...core import audit, storage
from ...core.db import unit_of_work
from ...core.errors import Conflict, InvalidState, NotFound, ValidationFailed
from ...core.notifications import notify
from ...core.permissions import Actor, is_admin, require
from ...core.text import normalise_block
from ...core.timeutil import utcnow
from ...core.urls import external_url
from ...extensions import db
from ..labels import STATUS_LABELS
from ..models import ApplicationMessage, Center, CenterChangeRequest, CenterStatus, MessageKind, RequestStatus
from ..permissions import (
    can_change_official_details,
    can_edit_center,
    can_request_center_change,
    can_review_center,
    can_view_application,
    can_view_letter,
)
from .applications import (
    CenterDetails,
    _apply_details,
    _clean_details,
    _mail_admins,
    _refuse_duplicate,
    _replace_letter,
    _save_letter,
)
from .decisions import _mail_focal_points
from .diff import OFFICIAL_FIELDS, PROFILE_FIELDS, center_letter, field_changes, letter_ref, value_of
from .staff import focal_points


@dataclass
class ProfileSaved:
    """What one save of the profile did."""

    center: Center
    #: ``{field: [old, new]}`` applied now
    changes: dict[str, list]
    #: the request filed for the official details, when they were changed and need review
    change_request: CenterChangeRequest | None = None


# ---------------------------------------------------------------- reads


def _pending(center: Center) -> CenterChangeRequest | None:
    return db.session.scalar(
        select(CenterChangeRequest).where(
            CenterChangeRequest.center_id == center.id, CenterChangeRequest.status == RequestStatus.PENDING
        )
    )


def pending_change_request(actor: Actor, center: Center) -> CenterChangeRequest | None:
    """The change of official details waiting for the Secretariat, if any.

    :raises PermissionDenied: for anyone but admins and the center's focal points
    """
    require(can_view_application(actor, center), target=center)
    return _pending(center)


def change_request_queue(actor: Actor) -> list[CenterChangeRequest]:
    """Every waiting change of official details, oldest first.

    :raises PermissionDenied: unless an admin
    """
    require(is_admin(actor))
    query = select(CenterChangeRequest).where(CenterChangeRequest.status == RequestStatus.PENDING)
    return list(db.session.scalars(query.order_by(CenterChangeRequest.created_at, CenterChangeRequest.id)))


def get_change_request(actor: Actor, center: Center, request_id: int) -> CenterChangeRequest:
    """One change request of ``center``.

    :raises PermissionDenied: for anyone but admins and the center's focal points
    :raises NotFound: when ``center`` has no such request
    """
    require(can_view_application(actor, center), target=center)
    change = db.session.get(CenterChangeRequest, request_id) if 0 < request_id < 2**31 else None
    if change is None or change.center_id != center.id:
        raise NotFound(_("No such change request."))
    return change


def change_letter_path(actor: Actor, change: CenterChangeRequest):
    """Where the letter proposed by a waiting change is stored.

    :raises PermissionDenied: for anyone but admins and the center's focal points
    :raises NotFound: when the request proposes no letter (or was decided)
    """
    require(can_view_letter(actor, change.center), target=change.center)
    if not change.letter_stored_name:
        raise NotFound(_("This request has no letter waiting."))
    return storage.path_of(change.letter_stored_name)


def require_edit(actor: Actor, center: Center) -> None:
    """:raises PermissionDenied: unless the actor may edit the center's profile"""
    require(can_edit_center(actor, center), target=center)


# ---------------------------------------------------------------- editing


def _flush_locked() -> None:
    """Write the edit; a save that landed since the version check is a conflict too."""
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise Conflict(_("Someone else saved the profile of this center at the same moment. Your input is "
                         "kept below: check it and save again."))  from exc  # fmt: skip


def update_center(
    actor: Actor,
    center: Center,
    details: CenterDetails,
    *,
    expected_version: int,
    letter=None,
    reason: str = "",
) -> ProfileSaved:
    """Save an edit of the profile made on the version ``expected_version``; the slug never
    changes. Admins, and focal points of an application, change everything at once; a
    member's focal point changes its country, names, acronym and letter only by asking the
    Secretariat (``reason``), while the other fields save at once.

    :raises PermissionDenied: unless a focal point of the center or an admin
    :raises Conflict: when the profile was saved since that version, or a change of official
        details is already waiting
    :raises ValidationFailed: for a duplicate, a bad field, a bad letter or a missing reason
    """
    with unit_of_work():
        require(can_edit_center(actor, center), target=center)
        if expected_version != center.lock_version:
            raise Conflict(_("Someone else saved the profile of this center while you were editing it. "
                             "Your input is kept below: compare it with the saved profile and save "
                             "again."))  # fmt: skip
        details = _clean_details(details)
        _refuse_duplicate(details, exclude_id=center.id)
        change_request = None
        if not can_change_official_details(actor, center):
            asked = field_changes(center, details, OFFICIAL_FIELDS)
            if asked or _uploaded(letter):
                change_request = _ask_for_change(actor, center, asked, letter, reason)
            details, letter = replace(details, **{f: value_of(center, f) for f in OFFICIAL_FIELDS}), None
        changes = field_changes(center, details)
        letter_before = center_letter(center)
        if _replace_letter(center, letter):
            changes["letter"] = [letter_before, center_letter(center)]
        if changes:
            _apply_details(center, details)
            _flush_locked()
            audit.record(actor, "centers.update", center, **changes)
        return ProfileSaved(center, changes, change_request)


def _uploaded(letter) -> bool:
    return letter is not None and bool(getattr(letter, "filename", ""))


def _ask_for_change(actor: Actor, center: Center, asked: dict, letter, reason: str) -> CenterChangeRequest:
    require(can_request_center_change(actor, center), target=center)
    reason = normalise_block(reason)
    if not reason:
        raise ValidationFailed(
            "reason", _("Say why the country, name, acronym or letter changes: the Secretariat reviews it.")
        )
    waiting = _pending(center)
    if waiting is not None:
        raise Conflict(_("A change to the official details of this center is already waiting for the "
                         "Secretariat's review. Wait for its decision before asking for "
                         "another."))  # fmt: skip
    change = CenterChangeRequest(center=center, requested_by_id=actor.id, reason=reason, changes=dict(asked))
    if _uploaded(letter):
        stored = _save_letter(letter)
        change.letter_stored_name = stored.stored_name
        change.letter_original_name = stored.original_name
        change.letter_size = stored.size
        change.letter_sha256 = stored.sha256
        change.changes = {**asked, "letter": [center_letter(center), letter_ref(stored.original_name,
                                                                                 stored.sha256)]}  # fmt: skip
    db.session.add(change)
    db.session.add(
        ApplicationMessage(center=center, author_id=actor.id, kind=MessageKind.CHANGE_PROPOSED, body=reason)
    )
    try:
        db.session.flush()
    except IntegrityError as exc:  # another focal point's request landed first
        raise Conflict(_("A change to the official details of this center is already waiting for the "
                         "Secretariat's review.")) from exc  # fmt: skip
    audit.record(actor, "centers.request_change", center, change_request=change.id, **change.changes)
    subject = _l("Change of official details asked: %(center)s", center=center.name)
    _mail_admins(center, subject, "change_to_review", change=change)
    return change


# ---------------------------------------------------------------- the Secretariat's decision


def _guard_pending(change: CenterChangeRequest) -> None:
    # Read the status again under a row lock (PostgreSQL): of two admins deciding at once, the
    # second sees the first's decision.
    query = select(CenterChangeRequest.status).where(CenterChangeRequest.id == change.id)
    if db.session.scalar(query.with_for_update()) is not RequestStatus.PENDING:
        raise InvalidState(_("This change request was decided already."))


def _close(actor: Actor, change: CenterChangeRequest, status: RequestStatus, note: str) -> None:
    """Record the decision on the request, in the thread, and tell the focal points."""
    center = change.center
    change.status, change.note = status, note
    change.decided_by_id, change.decided_at = actor.id, utcnow()
    accepted = status is RequestStatus.ACCEPTED
    kind = MessageKind.CHANGE_ACCEPTED if accepted else MessageKind.CHANGE_DECLINED
    db.session.add(ApplicationMessage(center=center, author_id=actor.id, kind=kind, body=note))
    link = external_url("centers.application", slug=center.slug)
    for focal_point in focal_points(center):
        notify(focal_point, "center_change_accepted" if accepted else "center_change_declined",
               link=link, center=center.name)  # fmt: skip
    subject = (
        _l("The change to the official details of %(center)s was accepted")
        if accepted
        else _l("The change to the official details of %(center)s was declined")
    )
    _mail_focal_points(center, subject, "change_decision", accepted=accepted, note=note, url=link)


def accept_center_change(actor: Actor, change: CenterChangeRequest, *, note: str = "") -> CenterChangeRequest:
    """Apply a waiting change of a member's official details, at once and in full.

    :raises PermissionDenied: unless an admin
    :raises InvalidState: unless the request waits and the center is a member
    :raises ValidationFailed: when the new name or acronym is now another center's
    """
    with unit_of_work():
        center = change.center
        require(can_review_center(actor, center), target=center)
        _guard_pending(change)
        if center.status is not CenterStatus.APPROVED:
            raise InvalidState(_("This center is %(status)s: decline the request, or reinstate the center "
                                 "first.", status=STATUS_LABELS[center.status]))  # fmt: skip
        current = CenterDetails(**{field: value_of(center, field) for field in PROFILE_FIELDS})
        asked = {field: new for field, (_old, new) in change.changes.items() if field in OFFICIAL_FIELDS}
        details = replace(current, **asked)
        _refuse_duplicate(details, exclude_id=center.id)
        changes = field_changes(center, details)
        # Nothing is written before the one locked flush below, where a concurrent save shows.
        with db.session.no_autoflush:
            if change.letter_stored_name:
                changes["letter"] = [center_letter(center), letter_ref(change.letter_original_name,
                                                                       change.letter_sha256)]  # fmt: skip
                storage.keep_on_commit([], [center.letter_stored_name])
                center.letter_stored_name = change.letter_stored_name
                center.letter_original_name = change.letter_original_name
                center.letter_size = change.letter_size
                center.letter_sha256 = change.letter_sha256
                change.letter_stored_name = None  # the file is the center's now
            _apply_details(center, details)
            _close(actor, change, RequestStatus.ACCEPTED, normalise_block(note))
        _flush_locked()
        audit.record(actor, "centers.accept_change", center, change_request=change.id, **changes)
        return change


def decline_center_change(actor: Actor, change: CenterChangeRequest, *, note: str) -> CenterChangeRequest:
    """Refuse a waiting change of official details, with the reason; nothing changes.

    :raises PermissionDenied: unless an admin
    :raises InvalidState: unless the request waits
    :raises ValidationFailed: without a reason
    """
    with unit_of_work():
        require(can_review_center(actor, change.center), target=change.center)
        _guard_pending(change)
        note = normalise_block(note)
        if not note:
            raise ValidationFailed("note", _("Give the reason; the center will read it."))
        storage.keep_on_commit([], [change.letter_stored_name])
        change.letter_stored_name = None
        _close(actor, change, RequestStatus.DECLINED, note)
        audit.record(actor, "centers.decline_change", change.center, change_request=change.id, note=note)
        return change
