"""Thematic sections, events and reports: post, share, co-author, comment, find."""

from flask import Flask


def init_app(app: Flask) -> None:
    """The section and report pages, this feature's notices, mail and stored files."""
    from flask_babel import lazy_gettext as _l

    from ..core import audit, inventory, mail, notifications
    from ..core.markdown import markdown_text
    from . import labels, services
    from . import permissions as report_permissions
    from .models import Report
    from .views import bp

    app.register_blueprint(bp)
    notifications.register_kinds(labels.NOTICES)
    audit.register_vocabulary(
        actions=labels.AUDIT_ACTIONS, targets=labels.AUDIT_TARGETS, details=labels.AUDIT_DETAILS,
        values=labels.AUDIT_VALUES,
    )
    inventory.register_file_source("reports.files", services.stored_files)
    inventory.register_count("reports", _l("reports"), Report)
    for category, label in labels.OPTIONAL_MAIL.items():
        mail.register_category(category, label)
    app.jinja_env.globals.update(report_perms=report_permissions)
    app.add_template_filter(markdown_text, "plain_text")
