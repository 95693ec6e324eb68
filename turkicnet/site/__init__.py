"""Pages composed of several features: the home page, a center's profile, a country.

Views only, like ``admin/``: they read the features' services and render; the rules stay
in the features.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    """The composed pages."""
    from .views import bp

    app.register_blueprint(bp)
