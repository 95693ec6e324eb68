"""Center pages on one blueprint: the public directory and invitations, applying and staff."""

from flask import Blueprint

bp = Blueprint("centers", __name__)

from . import changes, confirm, manage, public, tokens  # noqa: E402, F401  (each module adds its routes to bp)
