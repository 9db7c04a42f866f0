"""What every audience shares: one way to turn an error into the problems a page lists."""

import pytest

from cati.errors import CatiError, ErrorCode
from cati.problems import Place, Problem, ProblemError
from cati.web.common import MAX_PROBLEMS_SHOWN, problem_texts
from sampling.errors import ErrorCode as SamplingCode
from sampling.errors import SamplingError
from sampling.frames import Issue, ValidationReport


@pytest.fixture
def spanish(app):
    with app.test_request_context(headers={"Accept-Language": "es"}):
        yield


def test_an_app_error_is_listed_in_the_users_language(spanish):
    error = CatiError(ErrorCode.PROJECT_NOT_FOUND, project="OMNI26")
    assert problem_texts(error) == ["No existe ningún proyecto con el código OMNI26."]


def test_each_problem_is_listed_with_its_place_and_the_list_stops_at_the_limit(spanish):
    problems = [
        Problem("E9", "There is no project with code %(project)s.", {"project": n}, Place(row=n))
        for n in range(1, MAX_PROBLEMS_SHOWN + 20)
    ]
    texts = problem_texts(ProblemError(problems))
    assert len(texts) == MAX_PROBLEMS_SHOWN
    assert texts[1] == "fila 2: No existe ningún proyecto con el código 2."


def test_a_frame_refused_whole_lists_every_row_of_its_report(app):
    report = ValidationReport(
        "frame.csv",
        3,
        [Issue(2, "phone", SamplingCode.PHONE_INVALID), Issue(3, "id", SamplingCode.ID_DUPLICATE)],
    )
    refused = SamplingError(SamplingCode.FRAME_REJECTED, file="frame.csv", report=report)
    with app.test_request_context():
        assert problem_texts(refused) == report.lines()
        alone = SamplingError(SamplingCode.FRAME_EMPTY, file="frame.csv")
        assert problem_texts(alone) == [alone.message]


def test_a_questionnaires_problems_are_listed_one_a_line(app):
    error = CatiError(
        ErrorCode.QUESTIONNAIRE_INVALID, file="q.yaml", problems="q.yaml:3: one\nq.yaml:9: two"
    )
    with app.test_request_context():
        assert problem_texts(error) == ["q.yaml:3: one", "q.yaml:9: two"]
