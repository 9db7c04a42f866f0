"""What the pages of every audience share: the current user, the one action form, the names
of roles and languages, and one way to turn an error into the list of problems a page shows
(rendered by the partial ``research/_problems.html``)."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from cati.errors import CatiError, ErrorCode
from cati.models import Role, User
from cati.problems import ProblemError
from sampling.errors import SamplingError

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


def problem_texts(
    error: ProblemError | SamplingError, limit: int = MAX_PROBLEMS_SHOWN
) -> list[str]:
    """Each problem the error carries as one text in the user's language, the first ``limit``."""
    if isinstance(error, SamplingError):  # not a ProblemError yet: its report has the lines
        return error.report.lines(limit=limit) if error.report is not None else [error.message]
    if isinstance(error, CatiError) and error.code is ErrorCode.QUESTIONNAIRE_INVALID:
        # The questionnaire's problems arrive joined in one parameter, one per line.
        return str(error.params["problems"]).splitlines()[:limit]
    return [problem.translated(gettext) for problem in error.problems[:limit]]
