"""The Secretariat's screens; they call the other features' services."""

from flask import Flask


def init_app(app: Flask) -> None:
    """The ``/admin`` screens."""
    from .views import bp

    app.register_blueprint(bp)
