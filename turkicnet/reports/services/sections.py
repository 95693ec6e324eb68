"""Thematic sections, the events they may belong to, and topics: kept by admins."""

from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from ...core import audit
from ...core.db import unit_of_work
from ...core.errors import NotFound, ValidationFailed
from ...core.permissions import Actor, as_viewer, is_admin, require
from ...core.text import normalise_block, normalise_line, slugify, unique_slug
from ...extensions import db
from ..models import Event, Section, Topic


def list_sections(*, active_only: bool = False) -> list[Section]:
    """Every section (or only those open for reports), retired ones too, in the admins' order."""
    query = select(Section).order_by(Section.position, Section.id)
    if active_only:
        query = query.where(Section.active)
    return list(db.session.scalars(query))


def get_section(slug: str) -> Section:
    """The section with this slug.

    :raises NotFound: when there is none
    """
    section = db.session.scalar(select(Section).where(Section.slug == slug))
    if section is None:
        raise NotFound(_("No such section."))
    return section


def _clean_title(title: str) -> str:
    title = normalise_line(title)
    if not title:
        raise ValidationFailed("title", _("Give the section a title."))
    return title


def _clean_translations(translations: dict | None) -> dict[str, dict[str, str]]:
    """The given languages' title and description, trimmed, empty fields left out (English is
    the fallback); a language the interface does not speak refused."""
    cleaned = {}
    for language, fields in (translations or {}).items():
        if language not in current_app.config["LANGUAGES"] or language == "en":
            raise ValidationFailed("title", _("Translations can only be given in the interface's languages."))
        kept = {"title": normalise_line(fields.get("title", "")),
                "description": normalise_block(fields.get("description", ""))}
        cleaned[language] = {name: text for name, text in kept.items() if text}
    return cleaned


def _set_translations(actor, section: Section, translations: dict | None) -> None:
    """Replace the languages given (one given empty is dropped), keep the others; audited."""
    cleaned = _clean_translations(translations)
    merged = {**(section.translations or {}), **cleaned}
    section.translations = {language: fields for language, fields in merged.items() if fields}
    audit.record(actor, "reports.save_section", section, slug=section.slug,
                 **({"languages": sorted(cleaned)} if cleaned else {}))


def create_section(
    actor: Actor, *, title: str, description: str, event_id: int | None, translations: dict | None = None
) -> Section:
    """Add a section at the end of the list; its slug is made from the title, once.
    ``translations``: ``{language: {"title": …, "description": …}}`` for the other languages.

    :raises PermissionDenied: unless an admin
    :raises ValidationFailed: for an empty title
    """
    actor = as_viewer(actor)
    with unit_of_work():
        require(is_admin(actor))
        title = _clean_title(title)
        position = (db.session.scalar(select(func.max(Section.position))) or 0) + 1
        section = Section(slug=unique_slug(Section.slug, slugify(title)), position=position)
        db.session.add(section)
        section.title, section.description, section.event_id = title, normalise_block(description), event_id
        _set_translations(actor, section, translations)
        return section


def update_section(
    actor: Actor, section: Section, *, title: str, description: str, event_id: int | None,
    translations: dict | None = None,
) -> Section:
    """Edit a section's title, description, event and the translations of the languages given
    (the others kept as they are); its slug stays as it was made.

    :raises PermissionDenied: unless an admin
    :raises ValidationFailed: for an empty title
    """
    actor = as_viewer(actor)
    with unit_of_work():
        require(is_admin(actor))
        title = _clean_title(title)
        section.title, section.description, section.event_id = title, normalise_block(description), event_id
        _set_translations(actor, section, translations)
        return section


def move_section(actor: Actor, section: Section, *, offset: int) -> None:
    """Swap a section with its neighbour above (``-1``) or below (``+1``).

    :raises PermissionDenied: unless an admin
    """
    actor = as_viewer(actor)
    with unit_of_work():
        require(is_admin(actor))
        ordered = list_sections()
        index = ordered.index(section)
        other_index = index + offset
        if not 0 <= other_index < len(ordered):
            return
        other = ordered[other_index]
        section.position, other.position = other.position, section.position
        if section.position == other.position:
            section.position += offset
        audit.record(actor, "reports.move_section", section, offset=offset)


def set_section_active(actor: Actor, section: Section, *, active: bool) -> Section:
    """Retire a section (its reports stay readable) or bring it back.

    :raises PermissionDenied: unless an admin
    """
    actor = as_viewer(actor)
    with unit_of_work():
        require(is_admin(actor))
        section.active = active
        audit.record(actor, "reports.restore_section" if active else "reports.retire_section", section)
        return section


def create_event(actor: Actor, *, title: str, city: str, starts_on: date, ends_on: date) -> Event:
    """Record an event (a workshop, a conference) that sections may be tied to.

    :raises PermissionDenied: unless an admin
    :raises ValidationFailed: for an empty title or dates in the wrong order
    """
    actor = as_viewer(actor)
    with unit_of_work():
        require(is_admin(actor))
        title = normalise_line(title)
        if not title:
            raise ValidationFailed("title", _("Give the event a title."))
        if ends_on < starts_on:
            raise ValidationFailed("ends_on", _("The last day cannot come before the first."))
        event = Event(title=title, city=normalise_line(city), starts_on=starts_on, ends_on=ends_on)
        db.session.add(event)
        audit.record(actor, "reports.create_event", event, title=title)
        return event


def list_events() -> list[Event]:
    """Every event, the latest first."""
    return list(db.session.scalars(select(Event).order_by(Event.starts_on.desc())))


def list_topics() -> list[Topic]:
    """Every topic, by title."""
    return list(db.session.scalars(select(Topic).order_by(Topic.title)))


def section_id_for(slug: str) -> int:
    """The id of the section a caller names by slug (the API's report fields).

    :raises ValidationFailed: on ``section`` when there is none
    """
    section_id = db.session.scalar(select(Section.id).where(Section.slug == slug))
    if section_id is None:
        raise ValidationFailed("section", _("No section has the slug “%(slug)s”.", slug=slug))
    return section_id


def topic_ids_for(slugs: list[str]) -> list[int]:
    """The ids of the topics a caller names by slug, in the order given.

    :raises ValidationFailed: on ``topics`` for any unknown slug
    """
    known = dict(db.session.execute(select(Topic.slug, Topic.id).where(Topic.slug.in_(slugs))).all())
    unknown = [slug for slug in slugs if slug not in known]
    if unknown:
        raise ValidationFailed("topics", _("Unknown topics: %(slugs)s.", slugs=", ".join(unknown)))
    return [known[slug] for slug in slugs]
