"""The ground floor: what every feature stands on. It imports no feature."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Health, hashed assets, notifications, ``mail deliver`` and the common template helpers."""
    from .cli import mail_cli
    from .setup import register_template_helpers
    from .views import bp

    app.register_blueprint(bp)
    app.cli.add_command(mail_cli)
    register_template_helpers(app)
