"""Centers: the directory, applications, membership and staff."""

from flask import Flask


def init_app(app: Flask) -> None:
    """The center pages, the labels templates show, this feature's notices, mail and stored letters."""
    from flask_babel import lazy_gettext as _l

    from ..core import inventory, mail, notifications
    from . import labels, services
    from . import permissions as center_permissions
    from .models import Center
    from .views import bp

    app.register_blueprint(bp)
    notifications.register_kinds(labels.NOTICES)
    mail.register_category("center_decisions")
    inventory.register_file_source("centers.letters", services.letter_files)
    inventory.register_count("centers", _l("centers"), Center)
    for category, label in labels.OPTIONAL_MAIL.items():
        mail.register_category(category, label)
    app.jinja_env.globals.update(
        perms=center_permissions,
        role_labels=labels.ROLE_LABELS,
        status_labels=labels.STATUS_LABELS,
        kind_labels=labels.KIND_LABELS,
    )
