"""The supervisor's forms: each action on a case needs a reason for its audit trail."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TimeField
from wtforms.validators import DataRequired, Length, Optional

from cati.web.input_guard import DateField


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])


class RescheduleForm(ReasonForm):
    date = DateField(_l("Date"), validators=[DataRequired()])
    time = TimeField(_l("Time"), validators=[DataRequired()])


class ReassignForm(ReasonForm):
    # The domain checks the choice (assigned interviewer, catalogue outcome) with a reason.
    interviewer = SelectField(_l("Interviewer"), coerce=int, validate_choice=False)


class OutcomeForm(ReasonForm):
    outcome = SelectField(_l("Outcome"), validate_choice=False)


class EraseForm(ReasonForm):
    do_not_call = BooleanField(_l("The respondent also objects to any call: do not call"))


class CaseFilter(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    q = StringField(_l("Case id or phone"), validators=[Optional(), Length(max=64)])
    state = SelectField(_l("State"), validators=[Optional()])
    outcome = SelectField(_l("Last outcome"), validators=[Optional()])
