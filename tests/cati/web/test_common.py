"""What every audience shares: one way to turn problems into the list a page shows."""

from pathlib import Path

import pytest

from cati import questionnaire_store
from cati.errors import CatiError, CatiErrors, ErrorCode
from cati.problems import Place, Problem
from cati.web.common import MAX_PROBLEMS_SHOWN, problem_texts
from sampling.errors import ErrorCode as SamplingCode
from sampling.errors import SamplingError
from sampling.frames import FrameSpec, load_frame


@pytest.fixture
def spanish(app):
    with app.test_request_context(headers={"Accept-Language": "es"}):
        yield


def test_an_app_error_is_listed_in_the_users_language(spanish):
    error = CatiError(ErrorCode.PROJECT_NOT_FOUND, project="OMNI26")
    assert problem_texts(error.problems) == ["No existe ningún proyecto con el código OMNI26."]


def test_each_problem_is_listed_with_its_place_and_the_list_stops_at_the_limit(spanish):
    problems = [
        Problem("E9", "There is no project with code %(project)s.", {"project": n}, Place(row=n))
        for n in range(1, MAX_PROBLEMS_SHOWN + 20)
    ]
    texts = problem_texts(problems)
    assert len(texts) == MAX_PROBLEMS_SHOWN
    assert texts[1] == "fila 2: No existe ningún proyecto con el código 2."


def test_a_frame_refused_whole_lists_every_rows_problem_after_its_headline(spanish, tmp_path):
    frame = tmp_path / "frame.csv"
    frame.write_text("id,phone,time_zone\n1,+1 202 555 0100,America/New_York\n1,12,Mars/Base\n")
    with pytest.raises(SamplingError) as caught:
        load_frame(frame, FrameSpec(region="US", time_zone="time_zone"))
    refused = caught.value
    assert refused.code is SamplingCode.FRAME_REJECTED
    texts = problem_texts(refused.row_problems)
    assert len(texts) >= 2 and all(text.startswith(f"{frame}, fila 3") for text in texts)


def test_a_questionnaires_problems_follow_its_headline_each_with_its_place(spanish, db):
    source = Path("questionnaires/library/customer_satisfaction.yaml").read_text()
    broken = source.replace('show_if: "purchase_confirmed = 1"', 'show_if: "nowhere_xyz = 1"', 1)
    with pytest.raises(CatiErrors) as caught:
        questionnaire_store.store(db, "broken.yaml", broken.encode())
    headline, *problems = caught.value.problems
    assert headline.code is ErrorCode.QUESTIONNAIRE_INVALID
    texts = problem_texts(caught.value.problems)
    assert texts[0].startswith("broken.yaml no es un cuestionario válido")
    assert problems and all(text.startswith("broken.yaml:") for text in texts[1:])
