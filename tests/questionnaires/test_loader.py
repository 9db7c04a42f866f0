"""Reading YAML: errors name file, line and path; limits refuse hostile documents."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from questionnaires import ErrorCode, QuestionnaireError, check_questionnaire, read_questionnaire
from questionnaires.loader import MAX_BYTES, MAX_DEPTH, MAX_NODES, parse_yaml

VALID = """\
id: demo
version: "1"
title: Demo
questions:
  - id: q1
    type: single
    text: Pick one
    options:
      - {code: 1, label: One}
      - {code: 2, label: Two}
  - id: q2
    type: numeric
    text: How many?
    show_if: "q1 = 1"
"""


def problems_of(text: str):
    questionnaire, problems = check_questionnaire(text, "demo.yaml")
    return questionnaire, problems


def test_valid_document_loads_to_an_immutable_questionnaire():
    questionnaire = read_questionnaire(VALID)
    assert [q.id for q in questionnaire.questions] == ["q1", "q2"]
    with pytest.raises(Exception, match="frozen"):
        questionnaire.title = "changed"


def test_invalid_value_names_path_and_line():
    text = VALID.replace("type: numeric", "type: numeric\n    decimals: -1")
    _, problems = problems_of(text)
    [problem] = problems
    assert problem.place.path == "questions[1].decimals"
    assert problem.place.line == 13
    assert problem.place.file == "demo.yaml"
    assert "demo.yaml:13, questions[1].decimals" in str(problem)


def test_bad_expression_names_the_field():
    _, problems = problems_of(VALID.replace('"q1 = 1"', '"q1 = = 1"'))
    [problem] = problems
    assert problem.place.path == "questions[1].show_if"
    assert problem.place.line == 14
    assert problem.code is ErrorCode.EXPRESSION_SYNTAX
    assert "unexpected '='" in problem.message


def test_unknown_key_is_refused_with_its_path():
    _, problems = problems_of(VALID.replace("text: Pick one", "text: Pick one\n    colour: red"))
    assert [p.place.path for p in problems] == ["questions[0].colour"]


@pytest.mark.parametrize("key", ["[x]", "a[x]", "[_language]"])
def test_an_unknown_key_with_brackets_is_refused_not_a_crash(key):
    """Found by fuzzing: such a key broke the path-to-line lookup (ValueError from int())."""
    _, problems = problems_of(VALID.replace("text: Pick one", f"text: Pick one\n    '{key}': 1"))
    assert [p.code for p in problems] == [ErrorCode.INVALID_VALUE]
    assert problems[0].place.line is not None


def test_missing_key_is_reported_where_it_should_be():
    _, problems = problems_of(VALID.replace("    text: How many?\n", ""))
    assert [p.place.path for p in problems] == ["questions[1].text"]


def test_unknown_question_type_is_reported():
    _, problems = problems_of(VALID.replace("type: numeric", "type: slider"))
    assert problems[0].place.path == "questions[1]"
    assert "slider" in problems[0].message


def test_yaml_syntax_error_gives_the_line():
    _, problems = problems_of(VALID + "  - id: [unclosed\n")
    assert problems[0].code is ErrorCode.YAML_SYNTAX
    assert problems[0].place.line is not None


def test_duplicate_keys_are_refused():
    _, problems = problems_of(VALID.replace('version: "1"', 'version: "1"\nversion: "2"'))
    assert problems[0].code is ErrorCode.DUPLICATE_ID
    assert problems[0].place.line == 3


def test_python_tags_are_refused():
    _, problems = problems_of(VALID.replace("title: Demo", "title: !!python/name:os.system"))
    assert problems[0].code in (ErrorCode.YAML_SYNTAX, ErrorCode.INVALID_VALUE)


def test_alias_bomb_is_refused_by_the_node_limit():
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    with pytest.raises(QuestionnaireError) as info:
        parse_yaml("\n".join(lines))
    assert info.value.code is ErrorCode.TOO_MANY_NODES
    assert str(MAX_NODES) in str(info.value)


def test_deep_nesting_is_refused():
    text = "a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5)
    with pytest.raises(QuestionnaireError) as info:
        parse_yaml(text)
    assert info.value.code is ErrorCode.TOO_DEEP


def test_very_deep_nesting_does_not_crash_the_parser():
    text = "[" * 20_000 + "]" * 20_000
    with pytest.raises(QuestionnaireError):
        parse_yaml(text)


def test_oversized_document_is_refused():
    with pytest.raises(QuestionnaireError) as info:
        parse_yaml("a: " + "x" * MAX_BYTES)
    assert info.value.code is ErrorCode.FILE_TOO_LARGE


def test_document_must_be_a_mapping():
    with pytest.raises(QuestionnaireError) as info:
        parse_yaml("- just\n- a list\n")
    assert info.value.code is ErrorCode.NOT_A_MAPPING


def test_missing_file_is_a_questionnaire_error(tmp_path):
    with pytest.raises(QuestionnaireError) as info:
        read_questionnaire(tmp_path / "nope.yaml")
    assert info.value.code is ErrorCode.FILE_UNREADABLE


def test_every_error_is_reported_at_once():
    text = VALID.replace("text: Pick one", "text: Pick one\n    colour: red").replace(
        "type: numeric", "type: numeric\n    decimals: -1"
    )
    _, problems = problems_of(text)
    assert {p.place.path for p in problems} == {"questions[0].colour", "questions[1].decimals"}


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "version",
                    "title",
                    "questions",
                    "type",
                    "text",
                    "options",
                    "code",
                    "label",
                    "show_if",
                    "blocks",
                    "loop",
                    "over",
                    "routing",
                    "goto",
                    "if",
                    "checks",
                    "items",
                    "scale",
                    "languages",
                    "x",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(yaml_values)
def test_fuzzed_documents_only_raise_the_package_error(value):
    text = yaml.safe_dump({"id": "f", "version": "1", "title": "t", "questions": value})
    try:
        read_questionnaire(text)
    except QuestionnaireError as exc:
        assert all(p.message for p in exc.problems)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_fuzzed_text_only_raises_the_package_error(text):
    try:
        read_questionnaire(text)
    except QuestionnaireError as exc:
        assert all(p.message for p in exc.problems)


def test_yes_and_no_are_text_not_booleans():
    text = VALID.replace("label: One", "label: Yes").replace("label: Two", "label: No")
    options = read_questionnaire(text).questions[0].options
    assert [o.label for o in options] == ["Yes", "No"]


def test_loading_restores_the_garbage_collector_state():
    import gc

    assert gc.isenabled()
    read_questionnaire(VALID)
    assert gc.isenabled()
    gc.disable()
    try:
        read_questionnaire(VALID)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_fingerprint_changes_with_the_content_not_with_formatting():
    same = read_questionnaire(VALID.replace("{code: 1, label: One}", "{label: One, code: 1}"))
    changed = read_questionnaire(VALID.replace("How many?", "How many now?"))
    assert read_questionnaire(VALID).fingerprint() == same.fingerprint()
    assert read_questionnaire(VALID).fingerprint() != changed.fingerprint()
