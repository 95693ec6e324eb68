"""Accounts: users, sessions, e-mail verification, password reset."""

from flask import Flask


def init_app(app: Flask) -> None:
    """The login loader, the ``/auth`` pages, ``create-admin`` and the account mail."""
    from ..core import mail
    from ..extensions import login_manager
    from .cli import create_admin_command
    from .services import load_session_user
    from .views import bp

    login_manager.user_loader(load_session_user)
    app.register_blueprint(bp)
    app.cli.add_command(create_admin_command)
    mail.register_category("account")
