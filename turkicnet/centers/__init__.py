"""Centers: the directory, applications, membership and staff."""

from flask import Flask


def init_app(app: Flask) -> None:
    """The center pages, the labels templates show, this feature's notices, mail and stored
    letters; and no remember-me cookie for people who may sign for a center."""
    from flask_babel import lazy_gettext as _l

    from ..auth import sessions
    from ..core import audit, inventory, mail, notifications
    from . import labels, services
    from . import permissions as center_permissions
    from .models import Center
    from .services.staff import may_sign_for_a_center
    from .views import bp

    app.register_blueprint(bp)
    sessions.refuse_remember_me_for(may_sign_for_a_center)
    notifications.register_kinds(labels.NOTICES)
    audit.register_vocabulary(
        actions=labels.AUDIT_ACTIONS,
        targets=labels.AUDIT_TARGETS, details=labels.AUDIT_DETAILS, values=labels.AUDIT_VALUES,
        changes=labels.FIELD_LABELS, codes=("slug",),
    )
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
        field_labels=labels.FIELD_LABELS,
        change_value=labels.change_value,
    )
