"""Questionnaire problems in the shared shape: stable code, English template with its
parameters, a place, and a Spanish translation for every message."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from babel.support import Translations
from openpyxl import Workbook

from cati.problems import Problem
from questionnaires import ErrorCode, QuestionnaireError, check_questionnaire
from questionnaires.errors import problem

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = ROOT / "cati" / "translations"
SPANISH = Translations.load(str(CATALOGUES), ["es"])

GOTO_NOWHERE = (
    "id: t\nversion: '1'\ntitle: T\nquestions:\n"
    "  - id: a\n    type: single\n    text: A\n    options: [{code: 1, label: x}]\n"
    "    routing: [{if: 'a = 1', goto: nowhere}]\n"
    "  - id: b\n    type: numeric\n    text: B\n    max: 10\n"
)


def test_a_problem_reads_as_today_and_carries_its_code_template_and_parameters():
    _, [found] = check_questionnaire(GOTO_NOWHERE, "t.yaml")
    assert isinstance(found, Problem)
    assert found.code is ErrorCode.GOTO_TARGET and found.code == "Q034"
    assert found.template == "go-to an unknown question %(target)r"
    assert dict(found.params) == {"target": "nowhere"}
    assert str(found) == (
        "t.yaml:9, questions[0].routing[0].goto: error Q034: go-to an unknown question 'nowhere'"
    )


def test_a_problem_is_translated_to_spanish_with_its_place():
    _, [found] = check_questionnaire(GOTO_NOWHERE, "t.yaml")
    assert found.translated(SPANISH.gettext) == (
        "t.yaml:9, questions[0].routing[0].goto: "
        "salto (go-to) a una pregunta desconocida, 'nowhere'"
    )


def test_an_expression_problem_is_translated_with_its_position(tmp_path):
    text = GOTO_NOWHERE.replace("goto: nowhere", "goto: b").replace("'a = 1'", "'a = = 1'")
    _, [found] = check_questionnaire(text, "t.yaml")
    assert found.code is ErrorCode.EXPRESSION_SYNTAX
    assert found.translated(SPANISH.gettext) == (
        "t.yaml:9, questions[0].routing[0].if: "
        "'=' inesperado en la posición 5 de la expresión 'a = = 1'"
    )


def test_an_xlsform_problem_names_its_column_in_spanish(tmp_path):
    book = Workbook()
    book.active.title = "survey"
    book.active.append(["type", "name", "label", "relevant"])
    book.active.append(["integer", "n", "N?", "sum(${n}) > 2"])
    path = tmp_path / "form.xlsx"
    book.save(path)
    _, problems = check_questionnaire(path)
    # (the integer without min and max also warns about its Don't know code, Q046)
    [found] = [p for p in problems if p.code != ErrorCode.SPECIAL_CODE]
    assert found.place.column == "relevant"
    assert found.translated(SPANISH.gettext).startswith(
        f"{path}:2, columna 'relevant', survey sheet, row 2: se omite relevant ("
    )


def test_the_error_is_a_problem_error_with_the_first_problems_code():
    error = QuestionnaireError(
        [problem(ErrorCode.FILE_TYPE, "x"), problem(ErrorCode.TOO_DEEP, "y", file="f.yaml")]
    )
    assert error.code is ErrorCode.FILE_TYPE
    assert error.texts() == ["x", "f.yaml: y"]
    assert str(error) == "error Q007: x\nf.yaml: error Q004: y"


def test_every_message_of_the_package_has_a_spanish_translation():
    """Extracts the package's N_ templates as `make translations` does."""
    found = {
        message[2]
        for message in extract_from_dir(
            ROOT / "questionnaires", method_map=[("**.py", "python")], keywords={"N_": None}
        )
    }
    with open(CATALOGUES / "es/LC_MESSAGES/messages.po", "rb") as fh:
        done = {m.id for m in read_po(fh) if m.id and m.string}
    assert len(found) > 100
    assert found - done == set()
