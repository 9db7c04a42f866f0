"""The front door: the reader is picked by the file's suffix, then the same checks run."""

from __future__ import annotations

from pathlib import Path

import pytest

from questionnaires import ErrorCode, QuestionnaireError, check_questionnaire, read_questionnaire

LIBRARY = Path(__file__).resolve().parents[2] / "questionnaires" / "library"
YAML = LIBRARY / "customer_satisfaction.yaml"
XLSX = LIBRARY / "customer_satisfaction.xlsx"


@pytest.mark.parametrize("name", ["poll.yaml", "poll.yml", "POLL.YAML"])
def test_yaml_bytes_are_read_as_yaml_by_their_suffix(name):
    assert read_questionnaire(YAML.read_bytes(), name) == read_questionnaire(YAML)


@pytest.mark.parametrize("name", ["form.xlsx", "form.XLSM"])
def test_workbook_bytes_are_read_as_xlsform_by_their_suffix(name):
    assert read_questionnaire(XLSX.read_bytes(), name) == read_questionnaire(YAML)


def test_yaml_text_without_a_name_is_yaml():
    assert read_questionnaire(YAML.read_text(encoding="utf-8")) == read_questionnaire(YAML)


def test_the_suffix_decides_even_when_the_content_is_the_other_format():
    _, [problem] = check_questionnaire(YAML.read_bytes(), "poll.xlsx")
    assert problem.code is ErrorCode.FILE_UNREADABLE
    assert problem.place.file == "poll.xlsx"
    assert "workbook" in problem.message


@pytest.mark.parametrize("name", ["poll.txt", "poll.json", "poll"])
def test_an_unknown_suffix_is_refused_naming_the_file(name):
    with pytest.raises(QuestionnaireError) as caught:
        read_questionnaire(YAML.read_bytes(), name)
    [problem] = caught.value.problems
    assert problem.code is ErrorCode.FILE_TYPE
    assert problem.place.file == name
    assert str(problem).startswith(f"{name}: error Q007: ")
    assert ".yaml" in problem.message and ".xlsx" in problem.message


def test_a_path_with_an_unknown_suffix_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "missing.csv"
    _, [problem] = check_questionnaire(path)
    assert (problem.code, problem.place.file) == (ErrorCode.FILE_TYPE, str(path))


def test_yaml_bytes_that_are_not_utf8_are_refused_naming_the_byte():
    _, [problem] = check_questionnaire("título: x".encode("latin-1"), "q.yaml")
    assert problem.code is ErrorCode.FILE_UNREADABLE
    assert "byte 1" in problem.message
