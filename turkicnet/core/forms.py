"""Forms shared by every feature, and :class:`Form`, the base of every form of the site."""

import re

from flask import g, has_request_context
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import _FlaskFormCSRF
from wtforms import PasswordField, StringField
from wtforms.csrf.core import CSRFTokenField
from wtforms.validators import Optional, ValidationError

from . import csrf

#: C0 and C1 control characters but tab, line feed and carriage return: nothing a person
#: types on purpose, and NUL is refused by PostgreSQL in any text column.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def without_control_characters(value):
    """A text field's filter: drops control characters (keeps tabs and line breaks)."""
    return _CONTROL_CHARACTERS.sub("", value) if isinstance(value, str) else value


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


def note_failed_form() -> None:
    """Mark this request's page as a form shown again with errors: its ``<title>`` says so."""
    if has_request_context():
        g.form_failed = True


def form_failed() -> bool:
    """Whether a form of this request failed (for the layout's title)."""
    return has_request_context() and bool(g.get("form_failed"))


class _FormErrors(list):
    """A form's own errors: a view that adds one after validation marks the page failed too."""

    def append(self, message) -> None:
        note_failed_form()
        super().append(message)


class Form(FlaskForm):
    """The base of every form: Flask-WTF's, with the CSRF gate's verdict, and every text
    field filtered of control characters (a password is taken as typed: it is only hashed)."""

    class Meta(FlaskForm.Meta):
        csrf_class = _GateAwareCSRF

        def get_translations(self, form):
            # WTForms' own messages ("This field is required.") are looked up in the site's
            # catalogues (core.form_messages marks them), in the page's language: WTForms' bundled
            # catalogues miss az, ky and uz_Latn and word things differently from ours.
            return get_translations()

        def bind_field(self, form, unbound_field, options):
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
                filters = (*unbound_field.kwargs.get("filters", ()), *options.get("filters", ()))
                options = {**options, "filters": (without_control_characters, *filters)}
            return super().bind_field(form, unbound_field, options)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form_errors = _FormErrors()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not valid:
            note_failed_form()
        return valid


class ConfirmForm(Form):
    """A form with nothing but its CSRF token, for buttons that change state."""


class HoneypotMixin:
    """A field hidden from people by CSS; a form that comes back with it filled came from a bot."""

    website_url = StringField(_l("Leave this field empty"), validators=[Optional()])


def upload_checks(field, *, max_size: int, accept: str, kinds: str) -> None:
    """Let the browser check a file field before sending (static/js/upload.js): the types it
    takes (``accept``), its size limit, and the sentences to say, in the page's language
    (``{name}`` is the chosen file's name, filled in by the script)."""
    from flask_babel import gettext

    from .languages import file_size

    field.render_kw = {
        **(field.render_kw or {}),
        "accept": accept,
        "data-max-size": str(max_size),
        "data-too-large": gettext(
            "“%(name)s” is larger than %(size)s: choose a smaller file.",
            name="{name}",
            size=file_size(max_size),
        ),
        "data-wrong-type": gettext(
            "“%(name)s” is not a kind of file accepted here (%(kinds)s).", name="{name}", kinds=kinds
        ),
    }
