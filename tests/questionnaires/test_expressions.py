"""The expression language: parsing, evaluation and its failure modes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from questionnaires import special
from questionnaires.errors import ErrorCode, QuestionnaireError
from questionnaires.evaluate import evaluate
from questionnaires.expressions import (
    MAX_DEPTH,
    MAX_LENGTH,
    Binary,
    Call,
    Index,
    Literal,
    Member,
    Name,
    parse,
)

ANSWERS = {
    ("age",): 34,
    ("region",): 2,
    ("brands",): [1, 3],
    ("name",): "Ana",
    ("grid", "staff"): 4,
    ("sample", "region"): "north",
    ("rating", 3): 5,
    ("skipped",): special("dk"),
    ("refuser",): special("ref"),
    ("slow",): special("timeout"),
}


def ev(source: str):
    return evaluate(parse(source), lambda path: ANSWERS.get(path))


def test_precedence_and_binds_tighter_than_or():
    assert parse("a or b and c") == Binary("or", Name("a"), Binary("and", Name("b"), Name("c")))


def test_arithmetic_precedence_and_unary_minus():
    assert ev("2 + 3 * 4") == 14
    assert ev("(2 + 3) * 4") == 20
    assert ev("-age + 4") == -30
    assert ev("7 % 4") == 3
    assert ev("7 / 2") == 3.5


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("age = 34", True),
        ("age == 34", True),
        ("age != 34", False),
        ("age <> 30", True),
        ("age >= 18 and age < 65", True),
        ("not age > 40", True),
        ("region in [1, 2]", True),
        ("region not in [1, 2]", False),
        ("3 in brands", True),
        ("selected(brands, 3)", True),
        ("selected(brands, 2)", False),
        ("selected(region, 2)", True),
        ("count_selected(brands) = 2", True),
        ("answered(age)", True),
        ("answered(missing)", False),
        ("answered(skipped)", False),
        ("dk(skipped)", True),
        ("refused(refuser)", True),
        ("timed_out(slow)", True),
        ("between(age, 30, 40)", True),
        ("between(age, 35, 40)", False),
        ("name = 'Ana'", True),
        ('name = "Ana"', True),
        ("grid.staff >= 4", True),
        ("rating[3] = 5", True),
        ("sample.region = 'north'", True),
        ("true and not false", True),
    ],
)
def test_evaluates_conditions(source, expected):
    assert ev(source) is expected


def test_missing_answers_make_comparisons_false_not_errors():
    assert ev("missing > 3") is False
    assert ev("missing < 3") is False
    assert ev("missing = null") is True
    assert ev("missing + 1") is None
    assert ev("skipped > 0") is False  # don't know is not a value


def test_mixed_types_compare_false_and_division_by_zero_is_missing():
    assert ev("name > 3") is False
    assert ev("age / 0") is None
    assert ev("true = 1") is False


def test_string_escapes():
    assert parse(r"'it\'s'") == Literal("it's")


def test_member_and_index_build_references():
    assert parse("grid.staff") == Member(Name("grid"), "staff")
    assert parse("rating[brand]") == Index(Name("rating"), Name("brand"))
    assert parse("count_selected(x)") == Call("count_selected", (Name("x"),))


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("age >", "unexpected 'end of expression'"),
        ("age > > 3", "unexpected '>'"),
        ("1 < age < 3", "cannot be chained"),
        ("__import__('os')", "unknown function"),
        ("eval(1)", "unknown function"),
        ("selected(1, 2)", "must name a question"),
        ("between(1, 2)", "takes 3 argument"),
        ("age ; 1", "unexpected character ';'"),
        ("(age", "expected ')'"),
        ("", "empty expression"),
        ("age.", "expected a name after '.'"),
    ],
)
def test_syntax_errors_name_the_problem(source, fragment):
    with pytest.raises(QuestionnaireError) as info:
        parse(source)
    assert info.value.code is ErrorCode.EXPRESSION_SYNTAX
    assert fragment in str(info.value)


def test_syntax_error_gives_the_character_position():
    with pytest.raises(QuestionnaireError, match="at character 7"):
        parse("age > ) 3")


def test_too_long_expression_is_refused():
    with pytest.raises(QuestionnaireError) as info:
        parse("1 + " * MAX_LENGTH + "1")
    assert info.value.code is ErrorCode.EXPRESSION_TOO_LONG


def test_too_deeply_nested_expression_is_refused():
    source = "(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1)
    with pytest.raises(QuestionnaireError, match="nested deeper"):
        parse(source)
    with pytest.raises(QuestionnaireError, match="nested deeper"):
        parse("not " * (MAX_DEPTH + 1) + "true")


def test_dunder_names_are_just_unknown_answers():
    """Attribute-looking names resolve through the answers only, never Python objects."""
    assert ev("__class__ = null") is True
    assert ev("name.__class__ = null") is True


ALPHABET = st.sampled_from(
    [
        *"abcxyz_019 .,()[]'\"=<>!+-*/%\\",
        *["and ", "or ", "not ", "in ", "selected(", "count_selected(", "true", "null", "\n"],
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_fuzzed_expressions_only_raise_the_package_error(source):
    try:
        node = parse(source)
    except QuestionnaireError as exc:
        assert exc.problems[0].message
        return
    evaluate(node, lambda path: ANSWERS.get(path))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_only_raises_the_package_error(source):
    try:
        parse(source)
    except QuestionnaireError as exc:
        assert exc.problems[0].message
