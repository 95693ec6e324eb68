"""In-app notices. The text is kept as a kind and parameters, so it is shown in the
reader's language rather than the sender's.

Core knows no notice kind: each feature registers its own in its ``init_app``.
"""

from collections.abc import Mapping

from ..extensions import db
from .models import Notification

#: kind → translatable text with ``%(name)s`` parameters; filled by the features.
MESSAGES: dict[str, object] = {}


def register_kinds(messages: Mapping[str, object]) -> None:
    """Add a feature's notice kinds; a kind may be registered once."""
    for kind, text in messages.items():
        if MESSAGES.get(kind, text) is not text:
            raise ValueError(f"notice kind {kind!r} is registered twice")
        MESSAGES[kind] = text


def notify(user, kind: str, /, link: str = "", **params) -> Notification:
    """Add a notice for ``user``; never commits."""
    if kind not in MESSAGES:
        raise ValueError(f"unknown notification kind {kind!r}")
    notice = Notification(user_id=user.id, kind=kind, link=link, params=params)
    db.session.add(notice)
    return notice


def render(notice: Notification) -> str:
    template = MESSAGES.get(notice.kind)
    if template is None:
        return notice.kind
    return str(template) % {key: value for key, value in (notice.params or {}).items()}
