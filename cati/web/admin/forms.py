"""The administrator's forms, and which field each account error belongs beside."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import AnyOf, DataRequired, EqualTo, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from cati.errors import ErrorCode
from cati.models import Role
from cati.web.input_guard import DateField

# Account errors shown beside the field that caused them.
ERROR_FIELDS = {
    ErrorCode.USERNAME_INVALID: "username",
    ErrorCode.USER_EXISTS: "username",
    ErrorCode.ROLE_INVALID: "role",
    ErrorCode.PASSWORD_TOO_SHORT: "password",
    ErrorCode.PASSWORD_TOO_LONG: "password",
    ErrorCode.PASSWORD_IS_USERNAME: "password",
    ErrorCode.PASSWORD_COMMON: "password",
    ErrorCode.LOCALE_INVALID: "locale",
    ErrorCode.ORGANISATION_NEEDED: "organisation",
    ErrorCode.ORGANISATION_AGENCY_ONLY: "organisation",
    ErrorCode.ORGANISATION_CLIENT_ONLY: "organisation",
}


@cache
def time_zones() -> list[str]:
    return sorted(available_timezones())


class UserForm(FlaskForm):
    # Length limits only; the rules on names and passwords live in cati.accounts.
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=64)])
    full_name = StringField(_l("Full name"), validators=[Length(max=200)])
    role = SelectField(_l("Role"), default=Role.INTERVIEWER.value, validate_choice=False)
    locale = SelectField(_l("Language"), validate_choice=False)
    time_zone = SelectField(_l("Time zone"), default="Europe/Madrid")
    # "": the agency, where staff belong; a client's company otherwise (absent: "").
    organisation = SelectField(_l("Organisation"), default="")
    password = PasswordField(_l("Initial password"), validators=[DataRequired(), Length(max=256)])

    def __init__(self, roles: dict, locales: dict, organisations: list, **kwargs) -> None:
        super().__init__(**kwargs)
        self.role.choices = [(r.value, roles[r.value]) for r in Role]
        self.locale.choices = [("", _l("the browser's")), *locales.items()]
        self.time_zone.choices = time_zones()
        self.organisation.choices = [
            ("", _l("the agency (every role but client)")),
            *((str(o.id), o.name) for o in organisations),
        ]


class PasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=256)])
    confirm = PasswordField(
        _l("The same again"),
        validators=[EqualTo("password", message=_l("The two passwords differ."))],
    )


class ActiveForm(FlaskForm):
    active = HiddenField(validators=[AnyOf(["0", "1"])])


class EndSessionsForm(FlaskForm):
    pass


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ProjectsForm(FlaskForm):
    projects = MultiCheckboxField(_l("Projects"), coerce=int)


class AuditFilter(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    user = StringField(_l("User"), validators=[Optional(), Length(max=64)])
    action = SelectField(_l("Action"), validators=[Optional()])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])


class MailTestForm(FlaskForm):
    to = StringField(
        _l("Send to"),
        validators=[
            DataRequired(),
            Length(max=254),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Give an e-mail address.")),
        ],
    )
