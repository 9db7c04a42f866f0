"""The shared problem shape: code, translated template, parameters and place."""

import pytest

from cati.problems import Place, Problem, ProblemError


def spanish(text: str) -> str:
    return {
        "row %(row)s": "fila %(row)s",
        "column '%(column)s'": "columna '%(column)s'",
        "%(value)s is not a number": "%(value)s no es un número",
    }.get(text, text)


def test_place_names_the_known_parts_in_reading_order():
    assert str(Place(file="frame.csv", row=7, column="phone")) == "frame.csv, row 7, column 'phone'"
    assert str(Place(file="q.yaml", line=12, path="blocks[0].questions[1]")) == (
        "q.yaml:12, blocks[0].questions[1]"
    )
    assert str(Place(line=3)) == "line 3"
    assert not Place()


def test_problem_is_translated_with_its_place_and_parameters():
    problem = Problem("S104", "%(value)s is not a number", {"value": "x"}, Place("f.csv", row=2))
    assert problem.message == "x is not a number"
    assert str(problem) == "f.csv, row 2: error S104: x is not a number"
    assert problem.translated(spanish) == "f.csv, fila 2: x no es un número"
    assert Problem("S1", "plain").translated() == "plain"


def test_problem_error_carries_every_problem_and_refuses_none():
    first, second = Problem("A1", "one"), Problem("A2", "two", severity="warning")
    error = ProblemError([first, second])
    assert error.problem is first
    assert error.texts() == ["one", "two"]
    assert str(error) == "error A1: one\nwarning A2: two"
    with pytest.raises(ValueError):
        ProblemError([])
