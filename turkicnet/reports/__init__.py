"""Thematic sections, events and reports: post, share, co-author, comment, find."""

from flask import Flask


def init_app(app: Flask) -> None:
    """The section and report pages, this feature's notices and mail."""
    from ..core import mail, notifications
    from . import labels
    from . import permissions as report_permissions
    from .views import bp

    app.register_blueprint(bp)
    notifications.register_kinds(labels.NOTICES)
    for category, label in labels.OPTIONAL_MAIL.items():
        mail.register_category(category, label)
    app.jinja_env.globals.update(report_perms=report_permissions)
