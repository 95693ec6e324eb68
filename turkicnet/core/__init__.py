"""The ground floor: what every feature stands on. It imports no feature."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Health, hashed assets, notifications, ``mail deliver``, the common template helpers
    and the page for a refused Host."""
    from . import hosts
    from .cli import mail_cli
    from .setup import register_template_helpers
    from .urls import external_url
    from .views import bp

    app.register_blueprint(bp)
    app.cli.add_command(mail_cli)
    register_template_helpers(app)
    app.jinja_env.globals["external_url"] = external_url
    hosts.init_app(app)
