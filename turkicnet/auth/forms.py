"""Account forms: they check shape; the services check the rules."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Email, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.formatting import TIME_ZONES
from ..core.forms import Form, HoneypotMixin
from ..core.languages import INTERFACE_LANGUAGES
from .models import TOKEN_DEFAULT_EXPIRY_DAYS, TOKEN_EXPIRY_DAYS

LANGUAGE_CHOICES = [SelectChoice(code, name) for code, name in INTERFACE_LANGUAGES.items()]


class RegisterForm(HoneypotMixin, Form):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    position = StringField(
        _l("Position"),
        validators=[Optional(), Length(max=120)],
        description=_l("For example: Head of the Department of Economic Policy"),
    )
    preferred_language = SelectField(_l("Preferred language"), choices=LANGUAGE_CHOICES, default="en")
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(min=12, max=256)],
        description=_l("At least 12 characters. A few unrelated words make a strong password."),
    )
    next = HiddenField()


class LoginForm(Form):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])
    remember = BooleanField(
        _l("Keep me logged in on this computer for 14 days"),
        description=_l(
            "Not offered to administrators and to people who may sign for a center: they log in each time."
        ),
    )
    next = HiddenField()


class ResetRequestForm(Form):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])


class ResetPasswordForm(Form):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=12, max=256)],
        description=_l("At least 12 characters."),
    )


class ProfileForm(Form):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    position = StringField(_l("Position"), validators=[Optional(), Length(max=120)])
    preferred_language = SelectField(_l("Preferred language"), choices=LANGUAGE_CHOICES)
    time_zone = SelectField(
        _l("Time zone"),
        choices=[SelectChoice(zone, label) for zone, label in TIME_ZONES.items()],
        validators=[Optional()],  # a form sent without it keeps the zone as it was
        description=_l("The times on the site and in your e-mails are shown in it."),
    )

    def offer_centers_zone(self, zone: str | None) -> None:
        """Put first the zone of the person's center's country (``zone``; None on no center's
        staff: UTC until then), stored as no choice of their own, so it follows the center. Called
        in a request: the label is made in its language (and escaped as text, unlike a lazy one)."""
        if zone:
            label = _("As my center's country (%(zone)s)", zone=TIME_ZONES[zone])
        else:
            label = _("As my center's country once I am on a center's staff (until then %(zone)s)",
                      zone=TIME_ZONES["UTC"])  # fmt: skip
        self.time_zone.choices = [SelectChoice("", label), *self.time_zone.choices]


class ChangePasswordForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=256)])
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=12, max=256)],
        description=_l("At least 12 characters."),
    )


class MailPreferencesForm(Form):
    receive = SelectMultipleField(
        _l("Send me e-mail about"),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=True,
    )


class ApiTokenForm(Form):
    """A new API token (personal, or a center's): a name, what it may do, how long it lives."""

    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=80)],
        description=_l("What will use it, such as “repository harvester”."),
    )
    scopes = RadioField(
        _l("It may"),
        choices=[SelectChoice("read", _l("read")), SelectChoice("write", _l("read and write"))],
        default="read",
        validators=[DataRequired()],
    )
    expires_in_days = SelectField(
        _l("Expires after"),
        choices=[SelectChoice(str(days), _l("%(days)s days", days=days)) for days in TOKEN_EXPIRY_DAYS],
        default=str(TOKEN_DEFAULT_EXPIRY_DAYS),
    )
