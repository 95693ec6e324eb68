"""Forms shared by every feature, and :class:`Form`, the base of every form of the site."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import _FlaskFormCSRF
from wtforms import StringField
from wtforms.csrf.core import CSRFTokenField
from wtforms.validators import Optional, ValidationError

from . import csrf


class _TokenMadeWhenShown(CSRFTokenField):
    """Makes its token (and so the visitor's session) only when the form is shown: a page
    that builds a form it does not show a visitor sets no cookie and may be cached."""

    def process(self, *args, **kwargs):
        super(CSRFTokenField, self).process(*args, **kwargs)

    def _value(self):
        if self.current_token is None:
            self.current_token = self.csrf_impl.generate_csrf_token(self)
        return self.current_token


class _GateAwareCSRF(_FlaskFormCSRF):
    """The form's token check agrees with the request's CSRF gate: a token the gate refused
    (missing, expired, foreign, or a cross-site referrer over HTTPS) fails the form too."""

    field_class = _TokenMadeWhenShown

    def validate_csrf_token(self, form, field):
        if csrf.refusal() is not None:
            raise ValidationError(csrf.refusal())
        super().validate_csrf_token(form, field)


class Form(FlaskForm):
    """The base of every form: Flask-WTF's, with the CSRF gate's verdict."""

    class Meta(FlaskForm.Meta):
        csrf_class = _GateAwareCSRF


class ConfirmForm(Form):
    """A form with nothing but its CSRF token, for buttons that change state."""


class HoneypotMixin:
    """A field hidden from people by CSS; a form that comes back with it filled came from a bot."""

    website_url = StringField(_l("Leave this field empty"), validators=[Optional()])
