"""How an audit event reads to an admin, in the page's language: its action, its target and
its details through the words the features registered (:func:`core.audit.register_vocabulary`).

A code is still shown, as code, where admins need it (the action's, which the filter searches
by) or where no word is registered for it (a new action, a key, an identifier): in a
``<code lang="zxx">`` element — "no linguistic content", so neither a screen reader nor the
language walk of the tests takes it for a phrase of the page's language.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup, escape

from . import audit


def as_code(text) -> Markup:
    """An identifier, shown as such."""
    return Markup('<code lang="zxx" translate="no">%s</code>') % str(text)


def action_label(code: str) -> str | None:
    """What the action ``code`` did, in the page's language (None for a code nobody registered)."""
    label = audit.ACTION_LABELS.get(code)
    return str(label) if label is not None else None


def target_text(event) -> Markup:
    """The event's target: its noun and number ("Report 2"), or its type as code."""
    if not event.target_type:
        return Markup("")
    label = audit.TARGET_LABELS.get(event.target_type)
    noun = escape(str(label)) if label is not None else as_code(event.target_type)
    return Markup("%s %s") % (noun, event.target_id) if event.target_id is not None else noun


@dataclass(frozen=True)
class Detail:
    #: the key's label, or the key as code when none is registered
    label: Markup
    value: Markup


def _side(key: str, value) -> Markup:
    """One value of detail ``key`` as an admin reads it."""
    if value is None or value == "":
        return Markup("—")
    if isinstance(value, bool):
        return escape(_("yes") if value else _("no"))
    known = audit.VALUE_LABELS.get(key)
    if isinstance(known, Mapping) and isinstance(value, str | int) and value in known:
        return escape(str(known[value]))
    if callable(known):
        return escape(str(known(value)))
    if key in audit.CODE_KEYS:
        return as_code(value)
    if isinstance(value, dict) and "name" in value:  # a stored file: its name and fingerprint
        sha256 = str(value.get("sha256", ""))[:16]
        return escape(value["name"]) + (Markup(" (SHA-256 %s…)") % as_code(sha256) if sha256 else "")
    if isinstance(value, dict | list):
        return as_code(value)
    return escape(str(value))


def _value(key: str, value) -> Markup:
    if key in audit.CHANGE_KEYS and isinstance(value, list | tuple) and len(value) == 2:
        return Markup("%s → %s") % (_side(key, value[0]), _side(key, value[1]))
    if isinstance(value, list | tuple):
        return Markup(", ").join(_side(key, item) for item in value) if value else Markup("—")
    return _side(key, value)


def details(event) -> list[Detail]:
    """The event's details, each with its label and its value in the page's language."""
    found = []
    for key, value in (event.details or {}).items():
        label = audit.DETAIL_LABELS.get(key)
        found.append(Detail(escape(str(label)) if label is not None else as_code(key), _value(key, value)))
    return found

