"""The interviewer's forms: a call's outcome (with its call-back), and an inbound call."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, Optional

from cati.web.input_guard import DateField


class OutcomeForm(FlaskForm):
    outcome = RadioField(_l("Outcome"), validators=[DataRequired()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])
    callback_kind = RadioField(
        _l("Call-back"),
        choices=[
            SelectChoice("hard", _l("At a set time")),
            SelectChoice("soft", _l("Any time in a window")),
        ],
        default="hard",
    )
    callback_date = DateField(_l("Date"), validators=[Optional()])
    callback_time = TimeField(_l("From"), validators=[Optional()])
    callback_until = TimeField(_l("Until"), validators=[Optional()])
    personal = BooleanField(_l("I will make this call myself"))
    requested_reason = StringField(
        _l("Outside the calling windows: the respondent's reason"),
        validators=[Optional(), Length(max=500)],
    )


class InboundForm(FlaskForm):
    query = StringField(_l("Phone number or case id"), validators=[DataRequired(), Length(max=64)])
    note = StringField(_l("Note for a supervisor"), validators=[Optional(), Length(max=2000)])
