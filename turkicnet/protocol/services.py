"""Protocol operations: versions and texts (admins), signing and withdrawing
(authorised signatories), entry into force, and the reads the public pages need."""

import difflib
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..auth import passwords
from ..centers.models import Center, CenterStatus, Country, Membership, OtsStanding, Role
from ..core import audit
from ..core.db import commit
from ..core.errors import Conflict, InvalidState, NotFound, ValidationFailed
from ..core.languages import LANGUAGE_NAMES
from ..core.mail import queue_mail
from ..core.permissions import require
from ..core.text import normalise_line
from ..core.timeutil import utcnow
from ..core.urls import external_url
from ..extensions import db
from . import ledger
from .models import Checkpoint, LedgerEntry, LedgerKey, ProtocolText, ProtocolVersion, VersionStatus
from .permissions import (
    SIGNABLE,
    can_edit_version,
    can_manage_protocol,
    can_sign_for,
    can_sign_version,
    can_view_version,
    is_open_for_signature,
    signing_centers,
    visible_versions,
)
from .standing import standing_entry


def readable_stamp(stamp: str) -> str:
    """A ledger time (``2026-11-29T10:00:00Z``) as people read it: ``2026-11-29 10:00:00 UTC``."""
    return stamp.replace("T", " ").replace("Z", " UTC")


class AlreadySigned(Conflict):
    """The center already holds a standing signature on the version."""

    def __init__(self, entry: LedgerEntry, center_name: str):
        super().__init__(
            _("%(center)s already signed version %(version)d on %(date)s.",
              center=center_name, version=entry.version, date=readable_stamp(entry.at))
        )  # fmt: skip
        self.seq = entry.seq


# ---------------------------------------------------------------- reads


def get_version(actor, number: int) -> ProtocolVersion:
    """:raises NotFound: for an unknown version, or a draft shown to anyone but admins"""
    version = db.session.scalar(select(ProtocolVersion).where(ProtocolVersion.number == number))
    if version is None or not can_view_version(actor, version):
        raise NotFound(_("No such version of the protocol."))
    return version


def _current_of(versions: list[ProtocolVersion]) -> ProtocolVersion | None:
    """Among ``versions`` (newest first): the one in force, or else the newest open one."""
    for status in (VersionStatus.IN_FORCE, VersionStatus.OPEN):
        for version in versions:
            if version.status is status:
                return version
    return None


def current_version() -> ProtocolVersion | None:
    """The version in force, or else the newest open one."""
    return _current_of(
        db.session.scalars(
            select(ProtocolVersion)
            .where(ProtocolVersion.status.in_(SIGNABLE))
            .order_by(ProtocolVersion.number.desc())
        ).all()
    )


def list_versions(actor) -> list[ProtocolVersion]:
    """The versions ``actor`` may see, newest first, with their texts."""
    return list(
        db.session.scalars(
            select(ProtocolVersion)
            .where(visible_versions(actor))
            .options(selectinload(ProtocolVersion.texts))
            .order_by(ProtocolVersion.number.desc())
        )
    )


def previous_version(version: ProtocolVersion) -> ProtocolVersion | None:
    """The public version before ``version``: the one its changes are shown against."""
    return db.session.scalar(
        select(ProtocolVersion)
        .where(visible_versions(None), ProtocolVersion.number < version.number)
        .order_by(ProtocolVersion.number.desc())
        .limit(1)
    )


@dataclass
class Overview:
    """The protocol's front page, read from one list of versions."""

    versions: list[ProtocolVersion]  # those the actor may see, newest first
    current: ProtocolVersion | None
    previous: ProtocolVersion | None
    signable: list[ProtocolVersion]  # newest first


def overview(actor) -> Overview:
    """The current version, the public one before it, those open for signature, and all
    the versions ``actor`` may see."""
    versions = list_versions(actor)
    current = _current_of(versions)
    previous = None
    if current is not None:
        previous = next(
            (v for v in versions if v.number < current.number and can_view_version(None, v)), None
        )
    return Overview(versions, current, previous, [v for v in versions if is_open_for_signature(v)])


def get_text(version: ProtocolVersion, language: str) -> ProtocolText:
    version_text = version.text(language)
    if version_text is None:
        raise NotFound(_("This version has no text in that language."))
    return version_text


@dataclass
class RuleProgress:
    centers: int
    required_centers: int
    states: int
    required_states: int | None

    @property
    def missing_centers(self) -> int:
        return max(0, self.required_centers - self.centers)

    @property
    def missing_states(self) -> int:
        return max(0, (self.required_states or 0) - self.states)

    @property
    def met(self) -> bool:
        return self.missing_centers == 0 and self.missing_states == 0


@dataclass
class StatusRow:
    center: Center
    signed: LedgerEntry | None
    withdrawn: LedgerEntry | None

    @property
    def signature_stands(self) -> bool:
        """The ledger's view: the latest entry for this center is a signature."""
        return self.signed is not None and (self.withdrawn is None or self.withdrawn.seq < self.signed.seq)

    @property
    def standing(self) -> bool:
        """Counted as a signatory: the signature stands and the center is a member (a suspended
        or former center's signature stays in the ledger but counts for nothing, DESIGN §1)."""
        return self.signature_stands and self.center.status is CenterStatus.APPROVED


def status_table(
    version: ProtocolVersion, *, sort: str = "country", descending: bool = False
) -> list[StatusRow]:
    """Each center that ever signed the version: its latest signature and withdrawal, in one query.

    ``sort="date"`` orders the rows by the date of signature; anything else by country, then name.
    """
    latest = (
        select(func.max(LedgerEntry.seq))
        .where(LedgerEntry.version == version.number)
        .group_by(LedgerEntry.center, LedgerEntry.action)
    )
    found = db.session.execute(
        select(LedgerEntry, Center)
        .join(Center, Center.slug == LedgerEntry.center)
        .where(LedgerEntry.seq.in_(latest))
    ).all()
    by_center: dict[str, StatusRow] = {}
    for entry, center in found:
        row = by_center.setdefault(center.slug, StatusRow(center, None, None))
        if entry.action == "sign":
            row.signed = entry
        else:
            row.withdrawn = entry
    table = list(by_center.values())
    if sort == "date":
        table.sort(key=lambda row: (row.signed.seq if row.signed else 0, row.center.name))
    else:
        table.sort(key=lambda row: (row.center.country.sort_order, row.center.name))
    if descending:
        table.reverse()
    return table


def rule_progress(version: ProtocolVersion, rows: list[StatusRow] | None = None) -> RuleProgress:
    """Standing signatures on ``version`` counted against its entry-into-force rule.

    ``rows`` is the version's :func:`status_table`, when the caller has read it already.
    """
    if rows is None:
        rows = status_table(version)
    counted = [row.center for row in rows if row.standing]
    states = {center.country_code for center in counted if center.country.ots_standing is OtsStanding.MEMBER}
    return RuleProgress(len(counted), version.required_centers, len(states), version.required_states)


def totals_by_country(rows: list[StatusRow]) -> list[tuple[Country, int]]:
    totals: dict[str, list] = {}
    for row in rows:
        if row.standing:
            entry = totals.setdefault(row.center.country_code, [row.center.country, 0])
            entry[1] += 1
    return sorted(
        ((country, count) for country, count in totals.values()), key=lambda item: item[0].sort_order
    )


def get_entry(seq: int) -> LedgerEntry:
    entry = db.session.get(LedgerEntry, seq)
    if entry is None:
        raise NotFound(_("No such ledger entry."))
    return entry


def entry_checkpoint(entry: LedgerEntry) -> Checkpoint | None:
    return db.session.scalar(select(Checkpoint).where(Checkpoint.seq == entry.seq).limit(1))


def center_for_slug(slug: str) -> Center | None:
    return db.session.scalar(select(Center).where(Center.slug == slug))


def ledger_payload() -> dict:
    fields = [getattr(LedgerEntry, name) for name in (*ledger.ENTRY_FIELDS, "hash")]
    rows = db.session.execute(select(*fields).order_by(LedgerEntry.seq))
    names = (*ledger.ENTRY_FIELDS, "hash")
    return {"entries": [dict(zip(names, row, strict=True)) for row in rows]}


def checkpoints_payload() -> dict:
    keys = {key.key_id: key.public_key for key in db.session.scalars(select(LedgerKey))}
    checkpoints = db.session.scalars(select(Checkpoint).order_by(Checkpoint.seq, Checkpoint.id))
    return {"keys": keys, "checkpoints": [ledger.checkpoint_dict(c) for c in checkpoints]}


@dataclass
class Notice:
    kind: str  # opened, signed, withdrawn, in_force, superseded
    when: datetime
    version: int
    title: str = ""  # the version's, for "opened"
    center: Center | None = None
    entry: LedgerEntry | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.version}-{self.entry.seq if self.entry else 0}"


def _parse_stamp(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")


def notices(limit: int = 50) -> list[Notice]:
    """Depositary notices, newest first: derived from the versions' dates and the ledger."""
    found: list[Notice] = []
    for version in db.session.scalars(select(ProtocolVersion).where(visible_versions(None))):
        for kind, when in (
            ("opened", version.opened_at),
            ("in_force", version.in_force_at),
            ("superseded", version.superseded_at),
        ):
            if when is not None:
                found.append(Notice(kind, when, version.number, version.title))
    entries = db.session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq.desc()).limit(limit)).all()
    centers = {
        c.slug: c
        for c in db.session.scalars(select(Center).where(Center.slug.in_({e.center for e in entries})))
    }
    for entry in entries:
        kind = "signed" if entry.action == "sign" else "withdrawn"
        found.append(
            Notice(kind, _parse_stamp(entry.at), entry.version, center=centers.get(entry.center), entry=entry)
        )
    found.sort(key=lambda notice: (notice.when, notice.entry.seq if notice.entry else 0), reverse=True)
    return found[:limit]


def text_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Lines of a unified diff between two texts, each with its kind (add, del, hunk, same)."""
    lines = []
    for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=2):
        if line.startswith(("---", "+++")):
            continue
        kind = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "same")
        lines.append((kind, line))
    return lines


# ---------------------------------------------------------------- versions (admins)


def _require_editable(actor, version: ProtocolVersion) -> None:
    """:raises PermissionDenied: unless an admin; :raises InvalidState: unless a draft"""
    require(can_manage_protocol(actor))
    if not can_edit_version(actor, version):
        raise InvalidState(_("Version %(n)d is no longer a draft: its texts are fixed.", n=version.number))


def _check_rule(required_centers, required_states) -> None:
    if not required_centers or required_centers < 1:
        raise ValidationFailed("required_centers", _("At least one center must sign."))
    if required_states is not None and required_states < 1:
        raise ValidationFailed("required_states", _("Leave empty, or give at least one state."))


def create_version(
    actor, *, title: str, required_centers: int, required_states: int | None
) -> ProtocolVersion:
    """Start a new draft version, numbered after the last one.

    :raises PermissionDenied: unless an admin
    :raises ValidationFailed: for an empty title or a rule below one
    """
    require(can_manage_protocol(actor))
    title = normalise_line(title)
    if not title:
        raise ValidationFailed("title", _("Give the version a title."))
    _check_rule(required_centers, required_states)
    number = (db.session.scalar(select(func.max(ProtocolVersion.number))) or 0) + 1
    version = ProtocolVersion(
        number=number, title=title, required_centers=required_centers, required_states=required_states
    )
    db.session.add(version)
    audit.record(actor, "protocol.create_version", version, number=number)
    commit()
    return version


def update_version(actor, version, *, title: str, required_centers: int, required_states: int | None):
    """Change a draft's title and entry-into-force rule.

    :raises PermissionDenied: unless an admin
    :raises InvalidState: unless the version is a draft
    """
    _require_editable(actor, version)
    title = normalise_line(title)
    if not title:
        raise ValidationFailed("title", _("Give the version a title."))
    _check_rule(required_centers, required_states)
    version.title, version.required_centers, version.required_states = (
        title,
        required_centers,
        required_states,
    )
    audit.record(actor, "protocol.update_version", version, number=version.number)
    commit()
    return version


def save_text(actor, version, *, language: str, body: str, authentic: bool) -> ProtocolText:
    """Add or replace one language text of a draft, stored canonically.

    :raises PermissionDenied: unless an admin
    :raises InvalidState: unless the version is a draft
    :raises ValidationFailed: for an unknown language, an empty text, or an English text
        that is not authentic
    """
    _require_editable(actor, version)
    if language not in LANGUAGE_NAMES:
        raise ValidationFailed("language", _("Choose one of the offered languages."))
    canonical = ledger.canonical_text(body or "")
    if not canonical.strip():
        raise ValidationFailed("body", _("Write the text."))
    version_text = version.text(language)
    if version_text is None:
        version_text = ProtocolText(
            version=version, language=language, position=list(LANGUAGE_NAMES).index(language)
        )
        db.session.add(version_text)
    version_text.body = canonical
    version_text.sha256 = ledger.sha256_hex(canonical.encode("utf-8"))
    version_text.authentic = bool(authentic)
    audit.record(actor, "protocol.save_text", version, language=language, sha256=version_text.sha256)
    commit()
    return version_text


def delete_text(actor, version, *, language: str) -> None:
    """Remove a language text from a draft (English stays).

    :raises PermissionDenied: unless an admin
    :raises InvalidState: unless a draft, or for the English text
    """
    _require_editable(actor, version)
    if language == "en":
        raise InvalidState(_("Every version has an English text."))
    version_text = get_text(version, language)
    db.session.delete(version_text)
    audit.record(actor, "protocol.delete_text", version, language=language)
    commit()


def open_version(actor, version: ProtocolVersion) -> ProtocolVersion:
    """Open a draft for signature: its texts and fingerprint are fixed from now on.

    :raises PermissionDenied: unless an admin
    :raises InvalidState: unless a draft with an authentic English text
    """
    _require_editable(actor, version)
    english = version.text("en")
    if english is None or not english.authentic:
        raise InvalidState(_("A version needs an authentic English text before it is opened."))
    fingerprints = {text.language: text.sha256 for text in version.authentic_texts}
    version.text_sha256 = ledger.version_fingerprint(fingerprints)
    version.status = VersionStatus.OPEN
    version.opened_at = utcnow()
    audit.record(actor, "protocol.open", version, number=version.number, text_sha256=version.text_sha256)
    _mail_all_focal_points(
        _l("The cooperation protocol, version %(n)d, is open for signature", n=version.number),
        "protocol_opened",
        version=version,
        url=external_url("protocol.version", number=version.number),
    )
    commit()
    return version


# ---------------------------------------------------------------- signing


def _check_signer(signer_name: str, signer_title: str) -> tuple[str, str]:
    signer_name, signer_title = normalise_line(signer_name), normalise_line(signer_title)
    if not signer_name:
        raise ValidationFailed("signer_name", _("Type your full name."))
    if not signer_title:
        raise ValidationFailed("signer_title", _("Type your position."))
    return signer_name[:200], signer_title[:200]


def _require_signable(actor, center: Center, version: ProtocolVersion) -> None:
    """:raises PermissionDenied: unless the actor may sign for the center;
    :raises InvalidState: unless the version is open or in force"""
    require(can_sign_for(actor, center), _("Only an authorised signatory of an approved center may sign."))
    if not can_sign_version(actor, center, version):
        raise InvalidState(_("Version %(n)d is not open for signature.", n=version.number))


def _check_reauthentication(actor, password: str) -> None:
    if not passwords.verify_password(actor.password_hash, password or ""):
        raise ValidationFailed("password", _("This is not your password."))


def sign_protocol(
    actor,
    center: Center,
    version: ProtocolVersion,
    *,
    signer_name: str,
    signer_title: str,
    password: str,
    fingerprint: str,
    confirm_authority: bool,
) -> LedgerEntry:
    """Sign ``version`` on behalf of ``center``: a new ledger entry and a signed checkpoint.

    :raises PermissionDenied: unless the actor may sign for the approved center
    :raises InvalidState: unless the version is open or in force
    :raises Conflict: when the text's fingerprint is not the one the signatory was shown
    :raises AlreadySigned: when the center already holds a standing signature on it
    :raises ValidationFailed: for a missing name, position, confirmation or wrong password
    """
    _require_signable(actor, center, version)
    if fingerprint != version.text_sha256:
        raise Conflict(_("The text is not the one you were shown: reload the page and read it again."))
    signer_name, signer_title = _check_signer(signer_name, signer_title)
    if not confirm_authority:
        raise ValidationFailed(
            "confirm_authority", _("Confirm that you are authorised to sign for the center.")
        )
    _check_reauthentication(actor, password)
    ledger.lock()
    # Under the lock, look again: an amendment may have entered into force meanwhile.
    db.session.refresh(version)
    try:
        _require_signable(actor, center, version)
    except InvalidState:
        db.session.rollback()
        raise
    existing = standing_entry(center.slug, version.number)
    if existing is not None:
        error = AlreadySigned(existing, center.name)
        db.session.rollback()
        raise error
    entry, checkpoint = ledger.append(
        action="sign", version=version, center_slug=center.slug,
        signer_name=signer_name, signer_title=signer_title, note="",
    )  # fmt: skip
    audit.record(actor, "protocol.sign", center, version=version.number, seq=entry.seq, hash=entry.hash)
    _mail_receipt(actor, center, entry, checkpoint, _l("You signed the cooperation protocol for %(center)s"))
    _enter_into_force_if_due(actor, version)
    commit()
    return entry


def withdraw_signature(
    actor,
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
    require(
        can_sign_for(actor, center), _("Only an authorised signatory of an approved center may withdraw.")
    )
    signer_name, signer_title = _check_signer(signer_name, signer_title)
    reason = normalise_line(reason)
    if not reason:
        raise ValidationFailed("reason", _("State the reason for the withdrawal; it is published."))
    _check_reauthentication(actor, password)
    ledger.lock()
    if standing_entry(center.slug, version.number) is None:
        db.session.rollback()
        raise InvalidState(
            _("%(center)s holds no signature on version %(n)d.", center=center.name, n=version.number)
        )
    entry, checkpoint = ledger.append(
        action="withdraw", version=version, center_slug=center.slug,
        signer_name=signer_name, signer_title=signer_title, note=reason,
    )  # fmt: skip
    audit.record(actor, "protocol.withdraw", center, version=version.number, seq=entry.seq, reason=reason)
    _mail_receipt(actor, center, entry, checkpoint, _l("You withdrew the signature of %(center)s"))
    commit()
    return entry


def _mail_receipt(actor, center: Center, entry: LedgerEntry, checkpoint: Checkpoint, subject) -> None:
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


def _enter_into_force_if_due(actor, version: ProtocolVersion) -> None:
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
        audit.record(actor, "protocol.supersede", old, number=old.number, by=version.number)
    audit.record(actor, "protocol.enter_into_force", version, number=version.number)
    _mail_all_focal_points(
        _l("The cooperation protocol, version %(n)d, has entered into force", n=version.number),
        "protocol_in_force",
        version=version,
        url=external_url("protocol.version", number=version.number),
    )


def _mail_all_focal_points(subject, template: str, **context) -> None:
    focal_points = db.session.scalars(
        select(Membership)
        .join(Center, Center.id == Membership.center_id)
        .where(Membership.role == Role.FOCAL_POINT, Center.status == CenterStatus.APPROVED)
    ).all()
    seen = set()
    for membership in focal_points:
        if membership.user_id in seen or not membership.user.active:
            continue
        seen.add(membership.user_id)
        queue_mail(membership.user, subject, template, category="center_decisions", **context)


def verify_ledger(*, workers: int | None = None) -> ledger.Verification:
    """Recompute the whole ledger and its checkpoints (used by ``protocol verify``)."""
    return ledger.verify(workers=workers or current_app.config.get("LEDGER_VERIFY_WORKERS", 2))


def signing_center(actor, slug: str | None) -> Center:
    """The center the actor signs for: the one named, or the first they may sign for.

    :raises PermissionDenied: when the actor may sign for no such center
    """
    centers = signing_centers(actor)
    chosen = [c for c in centers if c.slug == slug] if slug else centers[:1]
    require(bool(chosen), _("Only an authorised signatory of an approved center may sign."))
    return chosen[0]


def center_to_sign(actor, slug: str | None, version: ProtocolVersion) -> Center:
    """The center the actor would sign ``version`` for (the signing page, before the form).

    :raises PermissionDenied: when the actor may sign for no such center
    :raises InvalidState: unless the version is open or in force
    """
    center = signing_center(actor, slug)
    _require_signable(actor, center, version)
    return center
