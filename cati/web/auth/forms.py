"""The log-in form, and the log-out and language forms every page carries."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])
    submit = SubmitField(_l("Log in"))


class LanguageForm(FlaskForm):
    locale = HiddenField(validators=[DataRequired()])


class LogoutForm(FlaskForm):
    submit = SubmitField(_l("Log out"))


class EndSessionForm(FlaskForm):
    submit = SubmitField(_l("End session"))
