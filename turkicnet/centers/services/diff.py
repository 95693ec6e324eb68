"""What an edit of a center's profile changes, as the audit log and change requests record it."""

import enum

from ..models import Center

#: The profile's fields as a person types them, in the order of the form (the letter aside).
PROFILE_FIELDS = (
    "name",
    "native_name",
    "acronym",
    "country_code",
    "city",
    "website",
    "kind",
    "parent_body",
    "description",
    "founded_year",
)
#: What makes a member center the official one its nomination letter names: after approval
#: these (and the letter) change only when the Secretariat accepts a request.
OFFICIAL_FIELDS = ("country_code", "name", "native_name", "acronym")


def value_of(center: Center, field: str):
    """A field's value as JSON holds it (an enum by its value)."""
    value = getattr(center, field)
    return value.value if isinstance(value, enum.Enum) else value


def field_changes(center: Center, details, fields=PROFILE_FIELDS) -> dict[str, list]:
    """``{field: [old, new]}`` for each of ``fields`` whose value in ``details`` differs."""
    changes = {}
    for field in fields:
        old, new = value_of(center, field), getattr(details, field)
        if old != new:
            changes[field] = [old, new]
    return changes


def letter_ref(original_name: str | None, sha256: str | None) -> dict | None:
    """A letter as the record names it: its file name and hash, never its bytes."""
    return {"name": original_name, "sha256": sha256} if sha256 else None


def center_letter(center: Center) -> dict | None:
    return letter_ref(center.letter_original_name, center.letter_sha256)
