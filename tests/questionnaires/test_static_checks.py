"""Static checks: each kind of mistake is reported with its code and place."""

from __future__ import annotations

import yaml

from questionnaires import ErrorCode, check_questionnaire

from .helpers import single


def problems(questions=None, **fields):
    data = {"id": "t", "version": "1", "title": "T", **fields}
    if questions is not None:
        data["questions"] = questions
    _, found = check_questionnaire(yaml.safe_dump(data, sort_keys=False), "t.yaml")
    return [(p.code, p.place.path, p.severity) for p in found]


def errors(questions=None, **fields):
    return [
        (code, path)
        for code, path, severity in problems(questions, **fields)
        if severity == "error"
    ]


def test_clean_questionnaire_has_no_problems():
    assert problems([single("a"), single("b", show_if="a = 1")]) == []


def test_undefined_name_in_show_if():
    assert errors([single("a"), single("b", show_if="colour = 1")]) == [
        (ErrorCode.UNDEFINED_NAME, "questions[1].show_if")
    ]


def test_undeclared_sample_variable():
    assert errors([single("a", show_if="sample.region = 'x'")]) == [
        (ErrorCode.UNDEFINED_NAME, "questions[0].show_if")
    ]


def test_text_answer_compared_with_a_number_is_a_type_error():
    text = {"id": "t", "type": "text", "text": "Name?"}
    assert errors([text, single("b", show_if="t > 3")]) == [
        (ErrorCode.TYPE_ERROR, "questions[1].show_if")
    ]


def test_multiple_answer_compared_with_a_code_is_a_type_error():
    multi = {
        "id": "m",
        "type": "multiple",
        "text": "Which?",
        "options": [{"code": 1, "label": "A"}],
    }
    assert errors([multi, single("b", show_if="m = 1")]) == [
        (ErrorCode.TYPE_ERROR, "questions[1].show_if")
    ]
    assert errors([multi, single("b", show_if="selected(m, 1)")]) == []


def test_piping_an_unknown_name_is_reported_in_the_text():
    assert errors([single("a", text="Hello {nobody}")]) == [
        (ErrorCode.UNDEFINED_NAME, "questions[0].text")
    ]


def test_duplicate_question_ids_and_option_codes():
    found = errors([single("a"), single("a", codes=(1, 1))])
    assert (ErrorCode.DUPLICATE_ID, "questions[1].id") in found
    assert (ErrorCode.DUPLICATE_ID, "questions[1].options") in found


def test_backward_goto_is_a_cycle():
    found = errors([single("a"), single("b", routing=[{"if": "b = 1", "goto": "a"}])])
    assert found == [(ErrorCode.GOTO_CYCLE, "questions[1].routing[0].goto")]


def test_goto_unknown_target():
    assert errors([single("a", routing=[{"goto": "zz"}])]) == [
        (ErrorCode.GOTO_TARGET, "questions[0].routing[0].goto")
    ]


def test_questions_skipped_by_an_unconditional_goto_are_unreachable():
    found = errors([single("a", routing=[{"goto": "c"}]), single("b"), single("c")])
    assert found == [(ErrorCode.UNREACHABLE, "questions[1]")]


def test_question_after_an_unconditional_end_is_unreachable():
    assert errors([single("a", routing=[{"end": True}]), single("b")]) == [
        (ErrorCode.UNREACHABLE, "questions[1]")
    ]


def test_constant_false_show_if_is_unreachable():
    assert errors([single("a"), single("b", show_if="1 = 2"), single("c")]) == [
        (ErrorCode.UNREACHABLE, "questions[1]")
    ]


def test_missing_label_in_a_declared_language():
    question = single("a", text={"en": "Hi", "es": "Hola"})
    question["options"] = [{"code": 1, "label": {"en": "One"}}]
    assert errors([question], languages=["en", "es"]) == [
        (ErrorCode.MISSING_TRANSLATION, "questions[0].options[0].label")
    ]


def test_loop_over_a_single_choice_question_is_refused():
    blocks = [
        {"id": "one", "questions": [single("a")]},
        {"id": "two", "loop": {"over": "a"}, "questions": [single("b")]},
    ]
    assert errors(blocks=blocks) == [(ErrorCode.LOOP_SOURCE, "blocks[1].loop.over")]


def test_loop_question_outside_its_loop_needs_an_index():
    multi = {
        "id": "m",
        "type": "multiple",
        "text": "Which?",
        "options": [{"code": 1, "label": "A"}],
    }
    blocks = [
        {"id": "one", "questions": [multi]},
        {"id": "two", "loop": {"over": "m"}, "questions": [single("b")]},
        {"id": "three", "questions": [single("c", show_if="b = 1")]},
    ]
    assert errors(blocks=blocks) == [(ErrorCode.TYPE_ERROR, "blocks[2].questions[0].show_if")]
    blocks[2]["questions"][0]["show_if"] = "b[1] = 1"
    assert errors(blocks=blocks) == []


def test_invalid_and_clashing_spss_names():
    found = errors(
        [
            single("a", variable="1abc"),
            single("b", variable="AND"),
            single("c", variable="x"),
            single("d", variable="X"),
        ]
    )
    assert found == [
        (ErrorCode.VARIABLE_NAME, "questions[0].variable"),
        (ErrorCode.VARIABLE_NAME, "questions[1].variable"),
        (ErrorCode.VARIABLE_NAME, "questions[3].variable"),
    ]


def test_forward_reference_is_a_warning():
    assert problems([single("a", show_if="b = 1"), single("b")]) == [
        (ErrorCode.UNDEFINED_NAME, "questions[0].show_if", "warning")
    ]


def test_randomized_blocks_must_be_adjacent():
    blocks = [{"id": f"b{i}", "questions": [single(f"q{i}")]} for i in range(3)]
    assert errors(blocks=blocks, randomize_blocks=[["b0", "b2"]]) == [
        (ErrorCode.RANDOMIZE_GROUP, "randomize_blocks[0]")
    ]


def test_problems_carry_the_yaml_line():
    text = (
        "id: t\nversion: '1'\ntitle: T\nquestions:\n  - id: a\n    type: single\n"
        "    text: A\n    show_if: 'zz = 1'\n    options: [{code: 1, label: x}]\n"
    )
    _, [problem] = check_questionnaire(text, "t.yaml")
    assert (problem.place.file, problem.place.line, problem.place.path) == (
        "t.yaml",
        8,
        "questions[0].show_if",
    )


def test_default_special_codes_move_past_the_option_codes_and_given_ones_are_refused():
    # 97/98/99 by default; where one is an option code, the codes move to 997/998/999.
    assert errors([single("b", codes=(1, 98))]) == []
    given = {"dont_know": 98, "refused": 99, "timed_out": 97}
    timed = single("a", codes=(1, 97), time_limit={"limit": 30})
    assert errors([timed], codes=given) == [
        (ErrorCode.DUPLICATE_ID, "questions[0].options[1].code")
    ]
    assert errors([single("b", codes=(1, 98))], codes=given) == [
        (ErrorCode.DUPLICATE_ID, "questions[0].options[1].code")
    ]
    assert errors([single("c", codes=(1, 98), dont_know=False)], codes=given) == []
    own = {**single("d", codes=(1, 5)), "codes": {"dont_know": 5, "refused": 6, "timed_out": 7}}
    assert errors([own]) == [(ErrorCode.DUPLICATE_ID, "questions[0].options[1].code")]


def test_special_codes_inside_a_numeric_range_are_refused_and_an_open_range_warned():
    age = {"id": "age", "type": "numeric", "text": "Age?", "min": 16, "max": 99}
    assert problems([age]) == []  # 998/999: outside 16-99
    given = {"dont_know": 98, "refused": 99, "timed_out": 97}
    assert errors([age], codes=given) == [(ErrorCode.SPECIAL_CODE, "codes")] * 2  # 98, 99
    own = {**age, "codes": {"dont_know": -1, "refused": 50, "timed_out": -3}}
    assert errors([own]) == [(ErrorCode.SPECIAL_CODE, "questions[0].codes")]
    assert problems([{**age, "codes": {"dont_know": -1, "refused": -2, "timed_out": -3}}]) == []
    rating = {"id": "r", "type": "rating", "text": "Score?", "min": 0, "max": 100}
    assert errors([rating], codes=given) == [(ErrorCode.SPECIAL_CODE, "codes")] * 2
    unbounded = {"id": "n", "type": "numeric", "text": "How many?"}
    assert problems([unbounded]) == [(ErrorCode.SPECIAL_CODE, "questions[0]", "warning")]
    assert problems([{**unbounded, "dont_know": False, "refused": False}]) == []


def test_show_if_on_an_answer_from_the_same_page_is_a_warning():
    found = problems([single("a", page="p"), single("b", page="p", show_if="a = 1")])
    assert found == [(ErrorCode.UNDEFINED_NAME, "questions[1].show_if", "warning")]


def test_show_if_on_its_own_answer_is_an_error():
    assert errors([single("a"), single("b", show_if="not answered(b)")]) == [
        (ErrorCode.TYPE_ERROR, "questions[1].show_if")
    ]


def test_goto_to_the_same_page_is_a_cycle():
    found = errors(
        [single("a", page="p", routing=[{"if": "a = 1", "goto": "b"}]), single("b", page="p")]
    )
    assert found == [(ErrorCode.GOTO_CYCLE, "questions[0].routing[0].goto")]


def test_condition_on_a_block_shuffled_with_this_one_is_a_warning():
    blocks = [
        {"id": "one", "questions": [single("a")]},
        {"id": "two", "questions": [single("b", show_if="a = 1")]},
    ]
    assert problems(blocks=blocks, randomize_blocks=[["one", "two"]]) == [
        (ErrorCode.UNDEFINED_NAME, "blocks[1].questions[0].show_if", "warning")
    ]
    assert problems(blocks=blocks) == []
