"""The questionnaire language: model, loaders (YAML, XLSForm), expressions, routing, checks."""

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
from questionnaires.errors import ErrorCode, Problem, QuestionnaireError
from questionnaires.loader import check_file, check_text, load, loads
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
    "Problem",
    "Questionnaire",
    "QuestionnaireError",
    "ShownOption",
    "ShownQuestion",
    "ShownRow",
    "SubmitResult",
    "check_file",
    "check_text",
    "load",
    "loads",
    "special",
    "special_kind",
]
