"""Constructs of pyxform's own test forms (pyxform 1.5.0's sdist, tests/example_xls and
bug_example_xls) that pyxform accepts and cati once refused, each written anew here."""

from __future__ import annotations

from datetime import UTC, datetime

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


def test_xpath_functions_of_repeats_choices_and_files_are_evaluated_in_the_interview(
    tmp_path,
):
    """position(..), indexed-repeat, jr:choice-name and pulldata, as ODK evaluates them."""
    (tmp_path / "prices.csv").write_text("fruit,price\napple,2\npear,3\n")
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label", "calculation", "repeat_count"],
            ["select_one fruit", "fruit", "Fruit?", None, None],
            ["calculate", "fruit_name", None, "jr:choice-name(${fruit}, '${fruit}')", None],
            ["calculate", "price", None, "pulldata('prices', 'price', 'fruit', ${fruit})", None],
            ["begin repeat", "child", "Children", None, "2"],
            ["integer", "age", "Age?", None, None],
            ["calculate", "round_no", None, "position(..)", None],
            [
                "calculate",
                "gap",
                None,
                "if(position(..) > 1,"
                " indexed-repeat(${age}, ${child}, position(..) - 1) - ${age}, 0)",
                None,
            ],
            ["end repeat", None, None, None, None],
        ],
        [["list_name", "name", "label"], ["fruit", "apple", "Apple"], ["fruit", "pear", "Pear"]],
    )
    questionnaire, _ = checked(path)
    state = run(Engine(questionnaire), [{"fruit": 2}, {"age": 9}, {"age": 4}])
    assert state.finished
    found = {k: state.answers[k] for k in ("fruit_name", "price", "round_no[2]", "gap[2]")}
    assert found == {"fruit_name": "Pear", "price": 3, "round_no[2]": 2, "gap[2]": 5}


def test_today_is_the_day_of_the_interviews_clock(tmp_path):
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label", "calculation"],
            ["calculate", "day", None, "today()"],
            ["text", "t", "T?", None],
        ],
    )
    questionnaire, _ = checked(path)
    engine = Engine(questionnaire)
    state = engine.start({}, 1, now=datetime(2026, 11, 30, 23, 59, tzinfo=UTC))
    state = engine.submit(state, {"t": "x"}, datetime(2026, 12, 1, 0, 1, tzinfo=UTC)).state
    assert state.answers["day"] == "2026-11-30"  # the page was shown on the 30th
