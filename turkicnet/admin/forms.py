"""Forms for the Secretariat's decisions."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from ..core.forms import Form

DECISIONS = ("approve", "request_changes", "reject", "suspend", "reinstate", "withdraw")


class DecisionForm(Form):
    decision = HiddenField(validators=[DataRequired(), AnyOf(DECISIONS)])
    note = TextAreaField(
        _l("Comment or reason"),
        validators=[Optional(), Length(max=5000)],
        description=_l(
            "The center's focal points read this. Required to ask for changes, reject, suspend or withdraw."
        ),
    )


class ChangeDecisionForm(Form):
    decision = HiddenField(validators=[DataRequired(), AnyOf(("accept", "decline"))])
    note = TextAreaField(
        _l("Comment or reason"),
        validators=[Optional(), Length(max=5000)],
        description=_l("The center's focal points read this. Required to decline."),
    )


class DeactivateForm(Form):
    reason = TextAreaField(_l("Reason (kept in the audit log)"), validators=[Optional(), Length(max=1000)])


class DayField(DateField):
    """A day as YYYY-MM-DD, with a message that says so when it is not one."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Give the date as YYYY-MM-DD.")) from None
        # The platform's records start long after 2000; a far day would overflow the day after.
        if self.data is not None and not 2000 <= self.data.year <= 2999:
            self.data = None
            raise ValueError(_l("Give a day between 2000 and 2999."))


class AuditFilterForm(Form):
    """The audit log's filters, read from the query string (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    action = StringField(
        _l("Action starts with"),
        validators=[Optional(), Length(max=64)],
        render_kw={"placeholder": "centers."},
    )
    actor = StringField(_l("Who (e-mail or account number)"), validators=[Optional(), Length(max=254)])
    center = StringField(_l("Center (its address)"), validators=[Optional(), Length(max=120)])
    since = DayField(_l("From"), name="from", validators=[Optional()])
    until = DayField(_l("Until"), validators=[Optional()])
