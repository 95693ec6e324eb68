"""Forms shared by every feature."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Optional


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token, for buttons that change state."""


class HoneypotMixin:
    """A field hidden from people by CSS; a form that comes back with it filled came from a bot."""

    website_url = StringField(_l("Leave this field empty"), validators=[Optional()])
