"""Protocol forms: signing, withdrawing, and the Secretariat's versions and texts."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..core.forms import Form


class SignForm(Form):
    fingerprint = HiddenField(validators=[DataRequired(), Length(max=64)])
    signer_name = StringField(_l("Your full name"), validators=[DataRequired(), Length(max=200)])
    signer_title = StringField(_l("Your position"), validators=[DataRequired(), Length(max=200)])
    confirm_authority = BooleanField(
        _l("I am authorised to sign this protocol on behalf of the center, and I have read the text above.")
    )
    password = PasswordField(
        _l("Your password"), validators=[DataRequired(), Length(max=256)],
        description=_l("Asked again so that nobody else can sign from your open session."),
    )  # fmt: skip


class WithdrawForm(Form):
    signer_name = StringField(_l("Your full name"), validators=[DataRequired(), Length(max=200)])
    signer_title = StringField(_l("Your position"), validators=[DataRequired(), Length(max=200)])
    reason = TextAreaField(
        _l("Reason for the withdrawal"), validators=[DataRequired(), Length(max=1000)],
        description=_l("It is published in the ledger and in the depositary notice."),
    )  # fmt: skip
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=256)])


class VersionForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    required_centers = IntegerField(
        _l("Centers needed for entry into force"), validators=[DataRequired(), NumberRange(1, 1000)]
    )
    required_states = IntegerField(
        _l("Distinct OTS member states needed among them (optional)"),
        validators=[Optional(), NumberRange(1, 50)],
    )


class TextForm(Form):
    language = SelectField(_l("Language"))
    body = TextAreaField(
        _l("Text (Markdown)"), validators=[DataRequired(), Length(max=200_000)], render_kw={"rows": 24}
    )
    authentic = BooleanField(_l("Authentic text (covered by the version's fingerprint)"), default=True)
    preview = HiddenField()

    def set_languages(self, names: dict[str, str]) -> None:
        self.language.choices = [SelectChoice(code, f"{name} ({code})") for code, name in names.items()]
