"""XLSForm import: same questionnaire as the YAML, translated expressions, clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from questionnaires import ErrorCode, QuestionnaireError, read_questionnaire
from questionnaires.library.build_xlsform import build
from questionnaires.xlsform import read_xlsform

LIBRARY = Path(__file__).resolve().parents[2] / "questionnaires" / "library"


def workbook(tmp_path, survey, choices=None, settings=None) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    if choices:
        choice_sheet = book.create_sheet("choices")
        for row in choices:
            choice_sheet.append(row)
    if settings:
        settings_sheet = book.create_sheet("settings")
        for row in settings:
            settings_sheet.append(row)
    path = tmp_path / "form.xlsx"
    book.save(path)
    return path


YES_NO = [["list_name", "name", "label"], ["yn", "1", "Yes"], ["yn", "2", "No"]]


def test_library_xlsform_loads_to_the_same_questionnaire_as_its_yaml():
    from_yaml = read_questionnaire(LIBRARY / "customer_satisfaction.yaml")
    from_xlsx = read_questionnaire(LIBRARY / "customer_satisfaction.xlsx")
    assert from_xlsx.model_dump() == from_yaml.model_dump()
    assert from_xlsx.fingerprint() == from_yaml.fingerprint()


def test_expressions_are_translated(tmp_path):
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label", "relevant", "constraint", "constraint_message"],
            ["select_multiple yn", "m", "Which?", None, None, None],
            [
                "select_one yn",
                "s",
                "Pick",
                "selected(${m}, '1') and not(count-selected(${m}) > 1)",
                None,
                None,
            ],
            [
                "integer",
                "n",
                "How many for ${s}?",
                "${s} = '2' or ${s} != 1",
                ". >= 0 and . <= 9",
                "0 to 9",
            ],
        ],
        YES_NO,
    )
    questions = read_xlsform(path).questions
    assert questions[1].show_if == "selected ( m , 1 ) and not ( count_selected ( m ) > 1 )"
    assert questions[2].show_if == "s = 2 or s != 1"
    # ODK judges a constraint only on an answer
    assert questions[2].checks[0].valid_if == "not answered ( n ) or ( n >= 0 and n <= 9 )"
    assert questions[2].checks[0].message == "0 to 9"
    assert questions[2].text == "How many for {s}?"


def test_translations_become_languages(tmp_path):
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label::English (en)", "label::Español (es)"],
            ["note", "hi", "Hello", "Hola"],
        ],
        settings=[["form_id", "version", "default_language"], ["f", "3", "Español (es)"]],
    )
    questionnaire = read_xlsform(path)
    assert questionnaire.languages == ("en", "es")
    assert questionnaire.language == "es"
    assert questionnaire.questions[0].text == {"en": "Hello", "es": "Hola"}


def test_repeat_with_count_becomes_a_loop(tmp_path):
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label", "repeat_count"],
            ["begin group", "intro", "Intro", None],
            ["integer", "n", "How many?", None],
            ["end group", None, None, None],
            ["begin repeat", "people", "People", "${n}"],
            ["integer", "age", "Age?", None],
            ["end repeat", None, None, None],
        ],
    )
    block = read_xlsform(path).blocks[1]
    assert block.loop.times == "n"
    assert block.questions[0].id == "age"


def test_randomize_parameter_shuffles_options(tmp_path):
    path = workbook(
        tmp_path,
        [["type", "name", "label", "parameters"], ["select_one yn", "s", "Pick", "randomize=true"]],
        YES_NO,
    )
    assert read_xlsform(path).questions[0].randomize == "shuffle"


def test_not_a_workbook_is_a_questionnaire_error(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a zip file")
    with pytest.raises(QuestionnaireError):
        read_questionnaire(path)


def test_a_cell_that_is_not_text_in_the_header_row_is_a_questionnaire_error(tmp_path):
    """Found by fuzzing: pyxform called .strip() on a TRUE header cell (AttributeError)."""
    path = workbook(tmp_path, [["type", True, "label"], ["text", "name", "Name?"]])
    with pytest.raises(QuestionnaireError) as caught:
        read_questionnaire(path)
    assert caught.value.code is ErrorCode.FILE_UNREADABLE
    assert caught.value.problems[0].place.file == str(path)


def test_field_list_group_becomes_a_page_and_table_list_a_grid(tmp_path):
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label", "appearance", "relevant", "required"],
            ["start", "start", None, None, None, None],
            ["begin group", "main", "Main", None, None, None],
            ["begin group", "p1", None, "field-list", None, None],
            ["integer", "age", "Age?", None, None, "yes"],
            ["integer", "years", "Years?", None, None, "yes"],
            ["end group", None, None, None, None, None],
            ["begin group", "sat", "Rate", "table-list", "${age} > 17", None],
            ["select_one yn", "staff", "Staff", None, None, "yes"],
            ["select_one yn", "price", "Price", None, None, "yes"],
            ["end group", None, None, None, None, None],
            ["end group", None, None, None, None, None],
        ],
        YES_NO,
        settings=[["form_id", "version", "dont_know"], ["f", "2", "no"]],
    )
    questionnaire = read_xlsform(path)
    assert questionnaire.dont_know is False
    [block] = questionnaire.blocks
    age, years, grid = block.questions
    assert (age.page, years.page, age.required) == ("p1", "p1", True)
    assert grid.type == "grid" and grid.show_if == "age > 17"
    assert [i.id for i in grid.items] == ["staff", "price"]
    assert [o.code for o in grid.scale] == [1, 2]


def test_build_script_writes_a_workbook_equal_to_the_yaml(tmp_path):
    from_yaml = read_questionnaire(LIBRARY / "customer_satisfaction.yaml")
    build(from_yaml, tmp_path / "twin.xlsx")
    assert read_questionnaire(tmp_path / "twin.xlsx") == from_yaml
