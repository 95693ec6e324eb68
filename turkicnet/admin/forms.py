"""Forms for the Secretariat's decisions."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

DECISIONS = ("approve", "request_changes", "reject", "suspend", "reinstate", "withdraw")


class DecisionForm(FlaskForm):
    decision = HiddenField(validators=[DataRequired(), AnyOf(DECISIONS)])
    note = TextAreaField(
        _l("Comment or reason"),
        validators=[Optional(), Length(max=5000)],
        description=_l(
            "The center's focal points read this. Required to ask for changes, reject, suspend or withdraw."
        ),
    )


class ChangeDecisionForm(FlaskForm):
    decision = HiddenField(validators=[DataRequired(), AnyOf(("accept", "decline"))])
    note = TextAreaField(
        _l("Comment or reason"),
        validators=[Optional(), Length(max=5000)],
        description=_l("The center's focal points read this. Required to decline."),
    )


class DeactivateForm(FlaskForm):
    reason = TextAreaField(_l("Reason (kept in the audit log)"), validators=[Optional(), Length(max=1000)])
