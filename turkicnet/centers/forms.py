"""Center forms: shape only; duplicates and transitions are the services' business."""

import re

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, DataRequired, Email, Length, NumberRange, Optional

from ..core.forms import Form, HoneypotMixin, upload_checks
from ..core.languages import country_name, file_size
from .models import CenterKind, Role
from .permissions import membership_of

ROLE_CHOICES = [
    SelectChoice(Role.FOCAL_POINT.value, _l("Focal point")),
    SelectChoice(Role.EDITOR.value, _l("Editor")),
    SelectChoice(Role.VIEWER.value, _l("Viewer")),
]
KIND_CHOICES = [
    SelectChoice(CenterKind.GOVERNMENT_AGENCY.value, _l("Government agency")),
    SelectChoice(CenterKind.ACADEMY.value, _l("Academy of sciences")),
    SelectChoice(CenterKind.UNIVERSITY.value, _l("University")),
    SelectChoice(CenterKind.INDEPENDENT.value, _l("Independent")),
    SelectChoice(CenterKind.INTERNATIONAL.value, _l("International organisation")),
]


class CenterDetailsForm(Form):
    name = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=200)])
    native_name = StringField(
        _l("Name in the national language"),
        validators=[Optional(), Length(max=200)],
        description=_l("As your center writes it, in Latin or Cyrillic script."),
    )
    acronym = StringField(_l("Acronym"), validators=[Optional(), Length(max=24)])
    country_code = SelectField(_l("Country"), validators=[DataRequired()])
    city = StringField(_l("City"), validators=[DataRequired(), Length(max=80)])
    website = URLField(
        _l("Website"),
        validators=[Optional(), URL(require_tld=True), Length(max=300)],
        description=_l("The full address, for example https://example.uz"),
    )
    # A required select starts with an empty placeholder, so nothing is chosen for the applicant.
    kind = SelectField(
        _l("Kind of body"), choices=[SelectChoice("", "—"), *KIND_CHOICES], validators=[DataRequired()]
    )
    parent_body = StringField(
        _l("Parent body"),
        validators=[Optional(), Length(max=200)],
        description=_l("The ministry, academy or government office the center reports to."),
    )
    description = TextAreaField(_l("About the center"), validators=[Optional(), Length(max=5000)])
    founded_year = IntegerField(_l("Year founded"), validators=[Optional(), NumberRange(1800, 2100)])

    def set_countries(self, countries) -> None:
        self.country_code.choices = [SelectChoice("", "—")] + [
            SelectChoice(c.code, country_name(c)) for c in countries
        ]


class ApplyForm(HoneypotMixin, CenterDetailsForm):
    nomination_letter = FileField(_l("Nomination letter (PDF)"))
    message = TextAreaField(
        _l("Message to the Secretariat (optional)"), validators=[Optional(), Length(max=5000)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The limit the application service applies, as configured.
        self.nomination_letter.description = _l(
            "The letter from your government body that names the center as an official "
            "research center. PDF, at most %(size)s.",
            size=file_size(current_app.config["MAX_LETTER_SIZE"]),
        )
        upload_checks(
            self.nomination_letter, max_size=current_app.config["MAX_LETTER_SIZE"], kinds="PDF",
            accept=".pdf,application/pdf",
        )  # fmt: skip


class LockVersionField(HiddenField):
    """The version of the profile a form was made from (optimistic locking): a whole number
    from 1 to 2**31 - 1; anything else is an error on the form, never a server error."""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0]:
            if not re.fullmatch(r"[0-9]{1,10}", valuelist[0]) or not 1 <= int(valuelist[0]) < 2**31:
                raise ValueError(_l("Not a version of the profile."))
            self.data = int(valuelist[0])

    def _value(self) -> str:
        return "" if self.data is None else str(self.data)


class LetterForm(CenterDetailsForm):
    nomination_letter = FileField(
        _l("Replace the nomination letter (PDF, optional)"),
        description=_l("Leave empty to keep the current letter."),
    )


class EditCenterForm(LetterForm):
    lock_version = LockVersionField(validators=[DataRequired()])
    reason = TextAreaField(
        _l("Why the official details change"),
        validators=[Optional(), Length(max=5000)],
        description=_l(
            "Needed when you change the country, a name, the acronym or the letter: the Secretariat "
            "reviews such a change, and the profile shows it once accepted."
        ),
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.lock_version.errors:
            self.form_errors.append(
                _l("This form does not say which version of the profile it was made from. Your input is "
                   "kept below: check it against the saved profile and save again.")
            )  # fmt: skip
        return valid


class ResubmitForm(LetterForm):
    reply = TextAreaField(
        _l("Your reply to the Secretariat"),
        validators=[DataRequired(), Length(max=5000)],
        description=_l("Say what you changed."),
    )


class MessageForm(Form):
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=5000)])


class JoinForm(Form):
    message = TextAreaField(
        _l("Message to the focal points (optional)"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Say who you are and what you do at the center."),
    )


class AcceptJoinForm(Form):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default=Role.VIEWER.value)


class DeclineJoinForm(Form):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class InviteForm(Form):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default=Role.EDITOR.value)


class StaffForm(Form):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    can_sign = BooleanField(_l("May sign the protocol for the center"))


class LeaveForm(Form):
    successor = SelectField(_l("Who takes over as primary focal point"), coerce=int, validators=[Optional()])

    @classmethod
    def for_center(cls, actor, center, formdata=None) -> "LeaveForm":
        """The form with the actor's possible successors at ``center`` to choose from."""
        form = cls(formdata=formdata)
        if membership_of(actor, center):
            form.successor.choices = [
                SelectChoice(m.id, m.user.full_name) for m in center.memberships if m.user_id != actor.id
            ]
        else:
            form.successor.choices = []
        return form
