"""Signing and withdrawing for a center (authorised signatories), the receipts, and entry into force."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...auth import passwords
from ...centers.models import Center
from ...centers.services import choose_center
from ...core import audit
from ...core.db import unit_of_work
from ...core.errors import Conflict, InvalidState, ValidationFailed
from ...core.formatting import format_moment
from ...core.mail import queue_mail
from ...core.permissions import Actor, require
from ...core.text import normalise_line
from ...core.timeutil import utcnow
from ...core.urls import external_url
from ...extensions import db
from .. import ledger
from ..models import Checkpoint, LedgerEntry, ProtocolVersion, VersionStatus
from ..permissions import (
    SIGN_REFUSED,
    SIGNABLE,
    WITHDRAW_REFUSED,
    can_sign_for,
    can_sign_version,
    signing_centers,
)
from ..standing import standing_entry
from .registry import rule_progress
from .versions import _mail_all_focal_points


class AlreadySigned(Conflict):
    """The center already holds a standing signature on the version."""

    def __init__(self, entry: LedgerEntry, center_name: str):
        super().__init__(
            _("%(center)s already signed version %(version)d on %(date)s.",
              center=center_name, version=entry.version, date=format_moment(entry.at))
        )  # fmt: skip
        self.seq = entry.seq


def _check_signer(signer_name: str, signer_title: str) -> tuple[str, str]:
    signer_name, signer_title = normalise_line(signer_name), normalise_line(signer_title)
    if not signer_name:
        raise ValidationFailed("signer_name", _("Type your full name."))
    if not signer_title:
        raise ValidationFailed("signer_title", _("Type your position."))
    return signer_name[:200], signer_title[:200]


def _require_signable(actor: Actor, center: Center, version: ProtocolVersion) -> None:
    """:raises PermissionDenied: unless the actor may sign for the center;
    :raises InvalidState: unless the version is open or in force"""
    require(can_sign_for(actor, center), SIGN_REFUSED, target=center)
    if not can_sign_version(actor, center, version):
        raise InvalidState(_("Version %(n)d is not open for signature.", n=version.number))


def _check_reauthentication(actor: Actor, password: str) -> None:
    if not passwords.verify_password(actor.password_hash, password or ""):
        raise ValidationFailed("password", _("This is not your password."))


def sign_protocol(
    actor: Actor,
    center: Center,
    version: ProtocolVersion,
    *,
    signer_name: str,
    signer_title: str,
    password: str,
    fingerprint: str,
    confirm_authority: bool,
    read_language: str = "",
) -> LedgerEntry:
    """Sign ``version`` on behalf of ``center``: a new ledger entry and a signed checkpoint.

    ``read_language`` names the authentic text the signatory read; it goes to the audit record
    only, since the signature binds the version's fingerprint, which covers every authentic text.

    :raises PermissionDenied: unless the actor may sign for the approved center
    :raises InvalidState: unless the version is open or in force
    :raises Conflict: when the text's fingerprint is not the one the signatory was shown
    :raises AlreadySigned: when the center already holds a standing signature on it
    :raises ValidationFailed: for a missing name, position, confirmation or wrong password
    """
    with unit_of_work():
        _require_signable(actor, center, version)
        if fingerprint != version.text_sha256:
            raise Conflict(_("The text is not the one you were shown: reload the page and read it again."))
        signer_name, signer_title = _check_signer(signer_name, signer_title)
        if not confirm_authority:
            raise ValidationFailed(
                "confirm_authority", _("Confirm that you are authorised to sign for the center.")
            )
        _check_reauthentication(actor, password)
        # Held until the transaction ends: no one else appends between this check and our entry.
        ledger.lock()
        # Under the lock, look again: an amendment may have entered into force meanwhile,
        # or another signatory of the center may have signed.
        db.session.refresh(version)
        _require_signable(actor, center, version)
        existing = standing_entry(center.slug, version.number)
        if existing is not None:
            raise AlreadySigned(existing, center.name)
        entry, checkpoint = ledger.append(
            action="sign", version=version, center_slug=center.slug,
            signer_name=signer_name, signer_title=signer_title, note="",
        )  # fmt: skip
        read = read_language if version.text(read_language) in version.authentic_texts else None
        audit.record(
            actor, "protocol.sign", center, version=version.number, seq=entry.seq, hash=entry.hash, read=read
        )
        _mail_receipt(
            actor, center, entry, checkpoint, _l("You signed the cooperation protocol for %(center)s")
        )
        _enter_into_force_if_due(actor, version, entry)
        return entry


def withdraw_signature(
    actor: Actor,
    center: Center,
    version: ProtocolVersion,
    *,
    signer_name: str,
    signer_title: str,
    reason: str,
    password: str,
) -> LedgerEntry:
    """Withdraw the center's standing signature, with the stated reason, as a new entry.

    :raises PermissionDenied: unless the actor may sign for the approved center
    :raises InvalidState: when the center holds no standing signature on the version
    :raises ValidationFailed: for a missing reason, name, position or wrong password
    """
    with unit_of_work():
        require(can_sign_for(actor, center), WITHDRAW_REFUSED, target=center)
        signer_name, signer_title = _check_signer(signer_name, signer_title)
        reason = normalise_line(reason)
        if not reason:
            raise ValidationFailed("reason", _("State the reason for the withdrawal; it is published."))
        _check_reauthentication(actor, password)
        # Held until the transaction ends: the standing read here is the one we append after.
        ledger.lock()
        if standing_entry(center.slug, version.number) is None:
            raise InvalidState(
                _("%(center)s holds no signature on version %(n)d.", center=center.name, n=version.number)
            )
        entry, checkpoint = ledger.append(
            action="withdraw", version=version, center_slug=center.slug,
            signer_name=signer_name, signer_title=signer_title, note=reason,
        )  # fmt: skip
        audit.record(actor, "protocol.withdraw", center, version=version.number, seq=entry.seq, reason=reason)
        _mail_receipt(actor, center, entry, checkpoint, _l("You withdrew the signature of %(center)s"))
        return entry


def _mail_receipt(actor: Actor, center: Center, entry: LedgerEntry, checkpoint: Checkpoint, subject) -> None:
    """The signatory's receipt, with the signed checkpoint that lets them prove it later."""
    queue_mail(
        actor,
        subject,
        "signature_confirmation",
        category="account",
        subject_params={"center": center.name},
        center=center,
        entry=entry,
        checkpoint_json=ledger.canonical_json(ledger.checkpoint_dict(checkpoint)).decode("utf-8"),
        url=external_url("protocol.certificate", seq=entry.seq),
    )


def _enter_into_force_if_due(actor: Actor, version: ProtocolVersion, entry: LedgerEntry) -> None:
    """Inside the signature's unit of work: the version enters into force once its rule is met,
    and every older signable version is superseded. Both audit events name the signature's
    ledger ``seq``: the depositary notices are numbered after the entry that caused them."""
    if version.status is not VersionStatus.OPEN or not rule_progress(version).met:
        return
    now = utcnow()
    version.status = VersionStatus.IN_FORCE
    version.in_force_at = now
    older = db.session.scalars(
        select(ProtocolVersion).where(
            ProtocolVersion.number < version.number, ProtocolVersion.status.in_(SIGNABLE)
        )
    )
    for old in older:
        old.status = VersionStatus.SUPERSEDED
        old.superseded_at = now
        audit.record(
            actor, "protocol.supersede", old, number=old.number, by=version.number, seq=entry.seq
        )
    audit.record(actor, "protocol.enter_into_force", version, number=version.number, seq=entry.seq)
    _mail_all_focal_points(
        _l("The cooperation protocol, version %(n)d, has entered into force", n=version.number),
        "protocol_in_force",
        version=version,
        url=external_url("protocol.version", number=version.number),
    )


def signing_center(actor: Actor, slug: str | None) -> Center:
    """The center the actor signs for: the one named, or the first they may sign for.

    :raises PermissionDenied: when the actor may sign for no such center
    """
    return choose_center(signing_centers(actor), slug, SIGN_REFUSED)


def center_to_sign(actor: Actor, slug: str | None, version: ProtocolVersion) -> Center:
    """The center the actor would sign ``version`` for (the signing page, before the form).

    :raises PermissionDenied: when the actor may sign for no such center
    :raises InvalidState: unless the version is open or in force
    """
    center = signing_center(actor, slug)
    _require_signable(actor, center, version)
    return center
