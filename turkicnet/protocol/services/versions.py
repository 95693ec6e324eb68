"""Protocol versions and their texts: the reads the pages need, and the admins' drafting and opening."""

import difflib
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ...centers.models import Role
from ...centers.services import staff_recipients
from ...core import audit
from ...core.db import unit_of_work
from ...core.errors import InvalidState, NotFound, ValidationFailed
from ...core.languages import LANGUAGE_NAMES
from ...core.mail import queue_mail
from ...core.permissions import Actor, hidden, require
from ...core.text import normalise_line
from ...core.timeutil import utcnow
from ...core.urls import external_url
from ...extensions import db
from .. import ledger
from ..models import ProtocolText, ProtocolVersion, VersionStatus
from ..permissions import (
    SIGNABLE,
    can_edit_version,
    can_manage_protocol,
    can_view_version,
    is_open_for_signature,
    visible_versions,
)

# ---------------------------------------------------------------- reads


def get_version(actor: Actor, number: int) -> ProtocolVersion:
    """:raises NotFound: for an unknown version, or a draft shown to anyone but admins"""
    version = db.session.scalar(select(ProtocolVersion).where(ProtocolVersion.number == number))
    if version is None:
        raise NotFound(_("No such version of the protocol."))
    if not can_view_version(actor, version):
        raise hidden(version, _("No such version of the protocol."), refused="protocol.view_version")
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


def list_versions(actor: Actor) -> list[ProtocolVersion]:
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


def overview(actor: Actor) -> Overview:
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
    """The version's text in ``language``.

    :raises NotFound: when the version has no text in that language
    """
    version_text = version.text(language)
    if version_text is None:
        raise NotFound(_("This version has no text in that language."))
    return version_text


def reading_text(version: ProtocolVersion, requested: str | None, interface: str | None) -> ProtocolText:
    """The authentic text a signatory reads: the one asked for, else the one in the interface's
    language, else English (else the first authentic text).

    :raises NotFound: when the version has no authentic text at all
    """
    authentic = {text.language: text for text in version.authentic_texts}
    interface_base = (interface or "").replace("-", "_").split("_")[0]
    for language in (requested, interface, interface_base, "en"):
        if language and language in authentic:
            return authentic[language]
    if not authentic:
        raise NotFound(_("This version has no authentic text."))
    return next(iter(authentic.values()))


def text_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Lines of a unified diff between two texts, each with its kind (add, del, hunk, same)."""
    lines = []
    for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=2):
        if line.startswith(("---", "+++")):
            continue
        kind = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "same")
        lines.append((kind, line))
    return lines


# ---------------------------------------------------------------- drafting and opening (admins)


def _require_editable(actor: Actor, version: ProtocolVersion) -> None:
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
    actor: Actor, *, title: str, required_centers: int, required_states: int | None
) -> ProtocolVersion:
    """Start a new draft version, numbered after the last one.

    :raises PermissionDenied: unless an admin
    :raises ValidationFailed: for an empty title or a rule below one
    """
    with unit_of_work():
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
        return version


def update_version(
    actor: Actor, version: ProtocolVersion, *, title: str, required_centers: int, required_states: int | None
) -> ProtocolVersion:
    """Change a draft's title and entry-into-force rule.

    :raises PermissionDenied: unless an admin
    :raises InvalidState: unless the version is a draft
    """
    with unit_of_work():
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
        return version


def save_text(
    actor: Actor, version: ProtocolVersion, *, language: str, body: str, authentic: bool
) -> ProtocolText:
    """Add or replace one language text of a draft, stored canonically.

    :raises PermissionDenied: unless an admin
    :raises InvalidState: unless the version is a draft
    :raises ValidationFailed: for an unknown language, an empty text, or an English text
        that is not authentic
    """
    with unit_of_work():
        _require_editable(actor, version)
        if language not in LANGUAGE_NAMES:
            raise ValidationFailed("language", _("Choose one of the offered languages."))
        if language == "en" and not authentic:
            raise ValidationFailed("authentic", _("The English text is always an authentic text."))
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
        return version_text


def delete_text(actor: Actor, version: ProtocolVersion, *, language: str) -> None:
    """Remove a language text from a draft (English stays).

    :raises PermissionDenied: unless an admin
    :raises InvalidState: unless a draft, or for the English text
    :raises NotFound: when the draft has no text in that language
    """
    with unit_of_work():
        _require_editable(actor, version)
        if language == "en":
            raise InvalidState(_("Every version has an English text."))
        version_text = get_text(version, language)
        db.session.delete(version_text)
        audit.record(actor, "protocol.delete_text", version, language=language)


def open_version(actor: Actor, version: ProtocolVersion) -> ProtocolVersion:
    """Open a draft for signature: its texts and fingerprint are fixed from now on.

    :raises PermissionDenied: unless an admin
    :raises InvalidState: unless a draft with an authentic English text, numbered after every
        version that has entered into force (an older draft would stand beside its successor)
    """
    with unit_of_work():
        _require_editable(actor, version)
        newer_in_force = db.session.scalar(
            select(func.max(ProtocolVersion.number)).where(
                ProtocolVersion.number > version.number, ProtocolVersion.in_force_at.is_not(None)
            )
        )
        if newer_in_force is not None:
            raise InvalidState(
                _(
                    "Version %(newer)d has already entered into force: version %(n)d can no longer be "
                    "opened. Start a new version instead.",
                    newer=newer_in_force,
                    n=version.number,
                )
            )
        english = version.text("en")
        if english is None or not english.authentic:
            raise InvalidState(_("A version needs an authentic English text before it is opened."))
        # Under the ledger's lock, the last entry is the one the opening follows: its notice is
        # numbered after that entry, and no signature can slip in between.
        ledger.lock()
        head = ledger.head()
        fingerprints = {text.language: text.sha256 for text in version.authentic_texts}
        version.text_sha256 = ledger.version_fingerprint(fingerprints)
        version.status = VersionStatus.OPEN
        version.opened_at = utcnow()
        audit.record(
            actor, "protocol.open", version, number=version.number, text_sha256=version.text_sha256,
            seq=head.seq if head else 0,
        )  # fmt: skip
        _mail_all_focal_points(
            _l("The cooperation protocol, version %(n)d, is open for signature", n=version.number),
            "protocol_opened",
            version=version,
            url=external_url("protocol.version", number=version.number),
        )
        return version


def _mail_all_focal_points(subject, template: str, **context) -> None:
    """Tell every active focal point of an approved center, each person once."""
    for person in staff_recipients(roles=[Role.FOCAL_POINT], approved_only=True):
        queue_mail(person, subject, template, category="center_decisions", **context)
