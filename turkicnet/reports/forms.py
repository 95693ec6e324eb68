"""Report and section forms: shape only."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.converters import parse_id
from ..core.filetypes import MIME_TYPES as FILE_ACCEPT
from ..core.forms import Form, upload_checks
from ..core.languages import INTERFACE_LANGUAGES, file_size, localized


def _optional_int(value) -> int | None:
    """A select's value as an id; its empty placeholder as None, which DataRequired refuses."""
    return None if value in ("", None) else int(value)


class ReportForm(Form):
    lock_version = HiddenField()
    #: the new-report form's one-time key: the same form sent twice posts one report
    creation_key = HiddenField(validators=[Length(max=64)])
    section_id = SelectField(_l("Section"), coerce=_optional_int, validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    abstract = TextAreaField(
        _l("Abstract (Markdown)"), validators=[Optional(), Length(max=20_000)], render_kw={"rows": 8}
    )
    authors = TextAreaField(
        _l("Authors"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 3},
        description=_l("One name per line, in the order they appear on the report."),
    )  # fmt: skip
    coauthor_center_ids = SelectMultipleField(
        _l("Co-authoring centers"), coerce=int, validators=[Optional()],
        description=_l("Each co-authoring center confirms before the report can leave draft."),
    )  # fmt: skip
    language = SelectField(_l("Language of the report"))
    publication_date = DateField(_l("Publication date"), validators=[Optional()])
    topic_ids = SelectMultipleField(
        _l("Turkic World Vision – 2040 topics"), coerce=int, validators=[Optional()],
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
    )  # fmt: skip
    keywords = StringField(
        _l("Keywords"), validators=[Optional(), Length(max=1000)], description=_l("Separated by commas.")
    )
    visibility = SelectField(_l("Who may see it"))
    external_url = URLField(
        _l("Or: where the report is hosted on your center's site"),
        validators=[Optional(), URL(require_tld=True), Length(max=500)],
    )
    files = MultipleFileField(_l("Files"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The limit the upload service applies, as configured.
        self.files.description = _l(
            "PDF, DOCX, XLSX, PPTX, ODT, ODS or CSV; at most %(size)s each.",
            size=file_size(current_app.config["UPLOAD_MAX_SIZE"]),
        )
        upload_checks(
            self.files, max_size=current_app.config["UPLOAD_MAX_SIZE"],
            kinds="PDF, DOCX, XLSX, PPTX, ODT, ODS, CSV",
            accept=",".join([*(f".{kind}" for kind in FILE_ACCEPT), *FILE_ACCEPT.values()]),
        )  # fmt: skip

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.lock_version.data and parse_id(self.lock_version.data) is None:
            # Only a damaged or hand-made post gets here; a hidden field has no place for an error.
            self.form_errors.append(
                _l("The form was damaged on its way: copy your changes, reload the page and save again.")
            )
            return False
        return valid

    def expected_version(self) -> int:
        """The report's version the editor started from (0, never saved, when it is missing)."""
        return parse_id(self.lock_version.data) or 0

    def set_choices(self, *, sections, centers, languages, topics, visibilities) -> None:
        self.section_id.choices = [SelectChoice("", "—")] + [
            SelectChoice(s.id, localized(s, "title")) for s in sections
        ]
        self.coauthor_center_ids.choices = [
            SelectChoice(c.id, f"{c.name} ({c.country_code})") for c in centers
        ]
        self.language.choices = [SelectChoice(code, name) for code, name in languages.items()]
        self.topic_ids.choices = [SelectChoice(t.id, localized(t, "title")) for t in topics]
        self.visibility.choices = [SelectChoice(v.value, str(label)) for v, label in visibilities.items()]


class ShareForm(Form):
    center_ids = SelectMultipleField(_l("Share with"), coerce=int, validators=[DataRequired()])


class CommentForm(Form):
    body = TextAreaField(
        _l("Your comment"), validators=[DataRequired(), Length(max=10_000)], render_kw={"rows": 4}
    )


class SectionForm(Form):
    """English title and description (required: the fallback), and optionally both in each
    other interface language as ``title_<code>`` and ``description_<code>``."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    event_id = SelectField(_l("Event"), coerce=int, validators=[Optional()])

    def translations(self) -> dict[str, dict[str, str]]:
        """What was sent for the other languages: ``{"ru": {"title": …, "description": …}}``; a
        language whose fields were not sent at all is left out (and kept as it was)."""
        return {
            code: {name: self[f"{name}_{code}"].data or "" for name in ("title", "description")}
            for code in TRANSLATED_LANGUAGES
            if any(self[f"{name}_{code}"].raw_data for name in ("title", "description"))
        }

    def fill_translations(self, section) -> None:
        """Show ``section``'s stored translations in the fields."""
        for code in TRANSLATED_LANGUAGES:
            for name in ("title", "description"):
                self[f"{name}_{code}"].data = ((section.translations or {}).get(code) or {}).get(name, "")


#: The interface languages a section's words may be given in besides English.
TRANSLATED_LANGUAGES = [code for code in INTERFACE_LANGUAGES if code != "en"]
for _code in TRANSLATED_LANGUAGES:
    setattr(SectionForm, f"title_{_code}", StringField(_l("Title"), validators=[Optional(), Length(max=200)]))
    setattr(SectionForm, f"description_{_code}",
            TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)]))


class EventForm(Form):
    title = StringField(_l("Event"), validators=[DataRequired(), Length(max=200)])
    city = StringField(_l("City"), validators=[Optional(), Length(max=80)])
    starts_on = DateField(_l("First day"), validators=[DataRequired()])
    ends_on = DateField(_l("Last day"), validators=[DataRequired()])
