"""Accounts: users, sessions, e-mail verification, password reset."""

from flask import Flask


def init_app(app: Flask) -> None:
    """The login loader and session timeouts, the ``/auth`` pages, ``create-admin`` and the account mail."""
    from ..core import audit, mail
    from ..extensions import login_manager
    from . import labels, sessions
    from .cli import create_admin_command
    from .views import bp

    login_manager.user_loader(sessions.load_user)
    app.before_request(sessions.send_ended_sessions_to_login)
    app.register_blueprint(bp)
    app.cli.add_command(create_admin_command)
    mail.register_category("account")
    audit.register_vocabulary(
        actions=labels.AUDIT_ACTIONS, targets=labels.AUDIT_TARGETS, details=labels.AUDIT_DETAILS,
        values=labels.AUDIT_VALUES, codes=("prefix",),
    )
