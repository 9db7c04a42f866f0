"""What the pages of every audience share: the current user, the one action form, the names
of roles and languages, the mail server the admin configured, and one way to turn an error
into the list of problems a page shows (rendered by the partial ``research/_problems.html``)."""

from __future__ import annotations

from collections.abc import Sequence

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from cati.config import Settings
from cati.fieldwork.invitations import Mailer
from cati.models import Role, User
from cati.problems import Problem

# A file with thousands of bad rows lists the first ones; the rest follow once these are fixed.
MAX_PROBLEMS_SHOWN = 50

ROLE_NAMES = {
    Role.ADMIN.value: _l("Administrator"),
    Role.RESEARCHER.value: _l("Researcher"),
    Role.SUPERVISOR.value: _l("Supervisor"),
    Role.INTERVIEWER.value: _l("Interviewer"),
    Role.CLIENT.value: _l("Client"),
}

LOCALE_NAMES = {"en": "English", "es": "Español"}


def me() -> User:
    """The logged-in user as the model object (``current_user`` is only a proxy to it)."""
    return current_user._get_current_object()


class ActionForm(FlaskForm):
    """A button that changes something: the CSRF token and nothing else."""


def problem_texts(problems: Sequence[Problem], limit: int = MAX_PROBLEMS_SHOWN) -> list[str]:
    """Each problem (of any package) as one text in the user's language, the first ``limit``."""
    return [problem.translated(gettext) for problem in problems[:limit]]


def mailer() -> Mailer | None:
    """The SMTP server of the settings (CATI_SMTP_*), or None when the admin set none."""
    settings: Settings = current_app.config["CATI_SETTINGS"]
    if not settings.smtp_host:
        return None
    return Mailer(
        host=settings.smtp_host,
        port=settings.smtp_port,
        user=settings.smtp_user,
        password=settings.smtp_password,
        starttls=settings.smtp_starttls,
        sender=settings.mail_from,
    )
