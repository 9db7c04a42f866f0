"""The questionnaire language: model, readers (YAML, XLSForm), expressions, routing, checks.

The names here are the package's public face: the front door for files
(``read_questionnaire``, ``check_questionnaire``), the model, the engine and its pages,
the special answers (don't know, refused, timed out) and the error type.
"""

from questionnaires.answers import DONT_KNOW, REFUSED, TIMED_OUT, special, special_kind
from questionnaires.engine import (
    Engine,
    FieldError,
    Page,
    ShownOption,
    ShownQuestion,
    ShownRow,
    SubmitResult,
)
from questionnaires.errors import ErrorCode, QuestionnaireError
from questionnaires.files import check_questionnaire, read_questionnaire
from questionnaires.model import Questionnaire
from questionnaires.state import InterviewState

__all__ = [
    "DONT_KNOW",
    "REFUSED",
    "TIMED_OUT",
    "Engine",
    "ErrorCode",
    "FieldError",
    "InterviewState",
    "Page",
    "Questionnaire",
    "QuestionnaireError",
    "ShownOption",
    "ShownQuestion",
    "ShownRow",
    "SubmitResult",
    "check_questionnaire",
    "read_questionnaire",
    "special",
    "special_kind",
]
