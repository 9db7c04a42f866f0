"""The researcher's forms: one per thing a researcher sets, uploads or asks for."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    ColorField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from cati.banner_report import parse_bands
from cati.fieldwork.personal_fields import MAX_RETENTION_DAYS
from cati.models import Project
from cati.reporting import BANNER_LEVELS
from cati.web.input_guard import IntegerField
from cati.web.uploads import Upload
from questionnaires.model import Questionnaire
from questionnaires.variables import variables


class ProjectForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    client_name = StringField(_l("Client"), validators=[Length(max=200)])
    time_zone = StringField(
        _l("Time zone"), default="Europe/Madrid", validators=[DataRequired(), Length(max=64)]
    )


STATUS_LABELS = {
    "setup": _l("setup"),
    "fieldwork": _l("fieldwork"),
    "paused": _l("paused"),
    "closed": _l("closed"),
}


class SettingsForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    client_name = StringField(_l("Client"), validators=[Length(max=200)])
    # Choices set by research.project_page.settings_form; a forged id fails validation.
    client_organisation = SelectField(_l("Client organisation (its users may see the project)"))
    time_zone = StringField(_l("Time zone"), validators=[DataRequired(), Length(max=64)])
    status = SelectField(
        _l("Status"), choices=[SelectChoice(k, v) for k, v in STATUS_LABELS.items()]
    )


class BrandForm(FlaskForm):
    """The look of the project's reports; cati.branding checks the logo and the colours."""

    agency = StringField(_l("Agency name"), validators=[Length(max=200)])
    primary = ColorField(_l("Primary colour"))
    accent = ColorField(_l("Accent colour"))
    logo = FileField(_l("Logo (PNG, JPEG or SVG)"))
    remove_logo = BooleanField(_l("Remove the logo"))


class QuestionnaireForm(FlaskForm):
    file = FileField(
        _l("Questionnaire (YAML or XLSForm)"),
        validators=[
            FileRequired(),
            Upload(
                ["yaml", "yml", "xlsx", "xls"], _l("YAML or an XLSForm workbook (.xlsx, .xls) only")
            ),
        ],
    )


class TextsForm(FlaskForm):
    """The texts of the draft back from a translator (the workbook the designer exported)."""

    file = FileField(
        _l("Translated texts (the workbook exported here)"),
        validators=[FileRequired(), Upload(["xlsx"], _l("an .xlsx workbook only"))],
    )


class PublishForm(FlaskForm):
    """A draft published as a version: its version label, and the draft's revision the
    page showed the changes of (a draft changed since is not published unseen)."""

    version = StringField(_l("Version"), validators=[DataRequired(), Length(max=40)])
    revision = IntegerField(validators=[InputRequired()], widget=HiddenInput())


class PinChangesForm(FlaskForm):
    """Confirms a stored version shown with its changes; the checksum proves the file was
    the one uploaded, so that no other stored version is pinned by guessing its id."""

    version = IntegerField(validators=[InputRequired()])
    checksum = HiddenField(validators=[InputRequired(), Length(min=64, max=64)])


class SampleForm(FlaskForm):
    file = FileField(
        _l("Sample (CSV, XLSX or Parquet)"),
        validators=[
            FileRequired(),
            Upload(["csv", "xlsx", "parquet"], _l("CSV, XLSX or Parquet only"), any_encoding=True),
        ],
    )
    region = StringField(
        _l("Country of national numbers"),
        default="ES",
        validators=[DataRequired(), Length(min=2, max=2)],
    )


class StaffForm(FlaskForm):
    user = SelectField(_l("User"), coerce=int, validate_choice=False)


class QuotaForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    # One variable a line, crossed: "region = Andalucía, Madrid" then "sex = f".
    cell = TextAreaField(
        _l("Cell: one variable a line, variable = value, value"),
        validators=[DataRequired(), Length(max=5000)],
        render_kw={"rows": 3, "placeholder": "region = Andalucía\nsex = f"},
    )
    target = IntegerField(_l("Target"), validators=[DataRequired(), NumberRange(min=1)])
    over_percent = IntegerField(
        _l("Soft: completes allowed over, in % (0: a hard quota)"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=100)],
    )


class QuotaTargetForm(FlaskForm):
    target = IntegerField(_l("Target"), validators=[DataRequired(), NumberRange(min=1)])


class RulesUploadForm(FlaskForm):
    file = FileField(
        _l("Calling rules (YAML)"),
        validators=[FileRequired(), Upload(["yaml", "yml"], _l("A .yaml or .yml file only"))],
    )


class DncForm(FlaskForm):
    file = FileField(
        _l("Numbers, one per line"),
        validators=[FileRequired(), Upload(["txt", "csv"], _l("A .txt or .csv file only"))],
    )
    reason = StringField(_l("Reason"), validators=[Length(max=200)])


class PersonalFieldsForm(FlaskForm):
    # Ticked: personal (left out of exports). The choices are the sample's variables.
    personal_vars = SelectMultipleField(
        _l("Personal"), widget=ListWidget(prefix_label=False), option_widget=CheckboxInput()
    )


class RetentionForm(FlaskForm):
    days = IntegerField(
        _l("Days after a case is finalized (empty: keep until erased by hand)"),
        validators=[Optional(), NumberRange(min=0, max=MAX_RETENTION_DAYS)],
    )


class EraseForm(FlaskForm):
    case_id = StringField(_l("Case id"), validators=[DataRequired(), Length(max=64)])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])
    do_not_call = BooleanField(_l("The respondent also objects to any call: do not call"))


def personal_form(project: Project, formdata: MultiDict | None = None) -> PersonalFieldsForm:
    """The personal-fields form, ticked as stored unless ``formdata`` was posted."""
    form = PersonalFieldsForm(formdata=formdata)
    form.personal_vars.choices = sorted(project.personal_fields)
    if formdata is None:
        form.personal_vars.data = [n for n, personal in project.personal_fields.items() if personal]
    return form


# --- reports and data files, made in the background ---

JOB_CHOICES = [
    SelectChoice("report:topline", _l("Topline report (PDF)")),
    SelectChoice("report:banner", _l("Banner book (PDF)")),
    SelectChoice("report:fieldwork", _l("Fieldwork report (PDF)")),
    SelectChoice("report:questionnaire", _l("Questionnaire document (PDF)")),
    SelectChoice("data:sav", _l("Data: SPSS .sav")),
    SelectChoice("data:dta", _l("Data: Stata .dta")),
    SelectChoice("data:xlsx", _l("Data: Excel .xlsx")),
    SelectChoice("data:csv", _l("Data: CSV")),
    SelectChoice("data:sss", _l("Data: Triple-S (zip)")),
    SelectChoice("data:codebook", _l("Codebook (PDF)")),
]


class JobForm(FlaskForm):
    what = SelectField(_l("Make"), choices=JOB_CHOICES)
    language = SelectField(
        _l("Language"), choices=[SelectChoice("es", "Español"), SelectChoice("en", "English")]
    )
    personal = BooleanField(
        _l("Include personal data (personal sample variables, real case ids; audited)")
    )
    weighted = BooleanField(_l("Weighted by the project's targets"))
    names = BooleanField(_l("CSV/XLSX: choice names instead of codes (an XLSForm's names)"))
    untagged = BooleanField(
        _l("Report: a plain PDF, not PDF/UA-1 (less memory for a book of hundreds of pages)")
    )
    # A banner book's columns and tests (the other jobs ignore them)
    banner = SelectMultipleField(_l("Banner variables"))
    levels = SelectField(
        _l("Confidence levels"),
        default="95/90",
        choices=[SelectChoice(v, f"{v.replace('/', '% / ')}%") for v in BANNER_LEVELS],
    )
    adjustment = SelectField(
        _l("Multiple comparisons"),
        default="none",
        choices=[
            SelectChoice("none", _l("No correction")),
            SelectChoice("bonferroni", _l("Bonferroni")),
            SelectChoice("fdr", _l("False discovery rate (Benjamini–Hochberg)")),
        ],
    )
    bands = StringField(_l("Bands of numbers (age=18-34,35-54,55-)"), validators=[Length(max=500)])

    def validate_bands(self, field: StringField) -> None:
        try:
            parse_bands(field.data or "")
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


def job_form(
    project: Project, questionnaire: Questionnaire | None, formdata: MultiDict | None = None
) -> JobForm:
    """The job form with the banner variables the project offers: its sample variables
    that are not personal (a column per name would show each person's answers) and its
    closed single-answer questions."""
    form = JobForm(formdata=formdata)
    sample = sorted(n for n, personal in project.personal_fields.items() if not personal)
    closed = [
        v.name
        for v in (variables(questionnaire) if questionnaire else [])
        if v.kind == "numeric" and v.value_labels and v.value_labels.keys() - {0, 1}
    ]
    form.banner.choices = [*sample, *closed]
    if formdata is None:
        form.banner.data = ["region"] if "region" in sample else form.banner.choices[:1]
    return form


# --- the outcome catalogue ---

ELIGIBILITY_CHOICES = [
    SelectChoice("yes", _l("eligible")),
    SelectChoice("no", _l("not eligible")),
    SelectChoice("unknown", _l("unknown")),
]
SETTINGS = (
    "label_en",
    "label_es",
    "aapor",
    "final",
    "delay_minutes",
    "next_phone",
    "dead_phone",
    "contact",
    "eligible",
    "precedence",
)


class OutcomeForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])
    label_en = StringField(_l("Label (English)"), validators=[DataRequired(), Length(max=120)])
    label_es = StringField(_l("Label (Spanish)"), validators=[DataRequired(), Length(max=120)])
    aapor = StringField(_l("AAPOR code"), validators=[DataRequired(), Length(max=8)])
    final = BooleanField(_l("Final: the case is finished"))
    delay_minutes = IntegerField(
        _l("Call again after (minutes)"),
        default=0,
        validators=[InputRequired(), NumberRange(min=0, max=60 * 24 * 60)],
    )
    next_phone = BooleanField(_l("Try the case's next phone"))
    dead_phone = BooleanField(_l("The number does not work"))
    contact = BooleanField(_l("Contact with a person"))
    eligible = SelectField(_l("Eligibility"), choices=ELIGIBILITY_CHOICES, default="unknown")
    precedence = IntegerField(
        _l("Precedence (lowest wins as the final disposition)"),
        default=100,
        validators=[InputRequired(), NumberRange(min=0, max=999)],
    )

    def settings(self) -> dict:
        values = {name: getattr(self, name).data for name in SETTINGS}
        for name in ("label_en", "label_es", "aapor"):
            values[name] = values[name].strip()
        return values


# --- weighting targets ---


class TargetsFileForm(FlaskForm):
    file = FileField(
        _l("Targets file (CSV: variable, category, target)"),
        validators=[FileRequired(), FileAllowed(["csv", "txt"], _l("CSV only"))],
    )


def one_line(_form: FlaskForm, field: StringField) -> None:
    """A line break in a mail header would end it and start another (ASVS 5.2.3). The data
    is the lazy default when a POST leaves the field out: str() it before looking."""
    if any(c in str(field.data or "") for c in "\r\n"):
        raise ValidationError(_l("The subject must be one line."))


class InvitationForm(FlaskForm):
    """The e-mail that carries each respondent's web link; {link} marks where it goes."""

    subject = StringField(
        _l("Subject"),
        default=_l("A short survey"),
        validators=[DataRequired(), Length(max=200), one_line],
    )
    body = TextAreaField(
        _l("Message ({link} is replaced by the respondent's own link)"),
        default=_l(
            "Hello,\n\nWe would be grateful if you answered a few questions: {link}\n\nThank you."
        ),
        validators=[DataRequired(), Length(max=5000)],
    )
