"""Constructs of pyxform's own test forms (pyxform 1.5.0's sdist, tests/example_xls and
bug_example_xls) that pyxform accepts and cati once refused, each written anew here."""

from __future__ import annotations

from questionnaires import Engine, check_questionnaire

from .helpers import run
from .test_xlsform import workbook
from .test_xlsform_features import questions_of

YES_NO = [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"]]


def checked(path):
    questionnaire, problems = check_questionnaire(path)
    errors = [str(p) for p in problems if p.severity == "error"]
    assert questionnaire is not None and not errors, errors
    return questionnaire, [p.message for p in problems if p.severity == "warning"]


def test_a_form_of_a_gps_point_alone_imports_as_one_page_saying_there_is_nothing_to_ask(
    tmp_path,
):
    path = workbook(tmp_path, [["type", "name", "label"], ["geopoint", "where", "GPS"]])
    questionnaire, warnings = checked(path)
    assert "the form asks no question a telephone can ask" in warnings
    assert list(questions_of(questionnaire)) == ["nothing_to_ask"]
    assert run(Engine(questionnaire), [{}]).finished


def test_a_form_of_hidden_values_and_calculations_alone_is_imported_too(tmp_path):
    path = workbook(
        tmp_path,
        [["type", "name", "calculation"], ["hidden", "h", None], ["calculate", "c", "2+2"]],
    )
    questionnaire, _ = checked(path)
    assert questions_of(questionnaire)["c"].type == "calculate"
    assert run(Engine(questionnaire), [{}]).finished


def test_a_note_with_no_name_is_named_by_its_row(tmp_path):
    path = workbook(
        tmp_path,
        [["type", "name", "label"], ["note", None, "Hello"], ["select_one yn", "q", "Q?"]],
        YES_NO,
    )
    questionnaire, _ = checked(path)
    assert list(questions_of(questionnaire)) == ["note_2", "q"]


def test_a_note_compared_in_a_calculation_has_no_value_as_in_odk(tmp_path):
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label", "calculation"],
            ["note", "shown", "A note", None],
            ["calculate", "same", None, "if(${shown} = ${shown}, 'success', 'error')"],
            ["text", "t", "Say ${same}", None],
        ],
    )
    questionnaire, _ = checked(path)
    assert run(Engine(questionnaire), [{}]).answers["same"] == "success"


def test_a_question_never_relevant_is_imported_with_a_warning(tmp_path):
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label", "relevant"],
            ["text", "a", "A?", None],
            ["text", "never", "Never?", "0"],
        ],
    )
    questionnaire, warnings = checked(path)
    assert "question 'never' can never be asked" in warnings
    assert run(Engine(questionnaire), [{"a": "x"}]).finished
