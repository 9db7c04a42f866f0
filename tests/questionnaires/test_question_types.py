"""Each question type: what a page shows and which answers it accepts."""

from __future__ import annotations

import pytest

from questionnaires import Engine, special

from .helpers import T0, make_questionnaire, single


def page_after(questions, answers_before=()):
    engine = Engine(make_questionnaire(questions))
    state = engine.start({}, 1, now=T0)
    for answers in answers_before:
        state = engine.submit(state, answers, T0).state
    return engine, state


def errors_for(question: dict, value) -> list[str]:
    engine, state = page_after([question, {"id": "end", "type": "display", "text": "Bye"}])
    result = engine.submit(state, {question["id"]: value}, T0)
    return [e.code for e in result.errors]


def test_single_choice_accepts_a_listed_code_only():
    assert errors_for(single("q"), 2) == []
    assert errors_for(single("q"), 3) == ["invalid"]
    assert errors_for(single("q"), "2") == ["invalid"]
    assert errors_for(single("q"), None) == ["required"]


def test_single_choice_page_lists_options_and_interviewer_codes():
    engine, state = page_after([single("q", (1, 2, 3), instruction="Do not read")])
    [shown] = engine.current_page(state).questions
    assert [o.code for o in shown.options] == [1, 2, 3]
    assert shown.instruction == "Do not read"
    assert shown.dont_know and shown.refused and shown.read_out


MULTI = {
    "id": "m",
    "type": "multiple",
    "text": "Which?",
    "min_selected": 1,
    "max_selected": 2,
    "options": [
        {"code": 1, "label": "A"},
        {"code": 2, "label": "B"},
        {"code": 3, "label": "C"},
        {"code": 9, "label": "None", "exclusive": True},
    ],
}


@pytest.mark.parametrize(
    ("value", "codes"),
    [
        ([1, 2], []),
        ([9], []),
        ([1, 9], ["exclusive"]),
        ([1, 2, 3], ["too_many"]),
        ([], ["required"]),
        ([1, 1], ["invalid"]),
        ([4], ["invalid"]),
        (1, ["invalid"]),
    ],
)
def test_multiple_choice_limits_and_exclusive_options(value, codes):
    assert errors_for(MULTI, value) == codes


NUMERIC = {"id": "n", "type": "numeric", "text": "How many?", "min": 0, "max": 10}


@pytest.mark.parametrize(
    ("question", "value", "codes"),
    [
        (NUMERIC, 4, []),
        (NUMERIC, 4.0, []),
        (NUMERIC, "7", []),
        (NUMERIC, 4.5, ["invalid"]),
        (NUMERIC, 11, ["out_of_range"]),
        (NUMERIC, -1, ["out_of_range"]),
        (NUMERIC, True, ["invalid"]),
        (NUMERIC, "seven", ["invalid"]),
        ({**NUMERIC, "decimals": 1}, 4.5, []),
        ({**NUMERIC, "decimals": 1}, 4.55, ["invalid"]),
        ({**NUMERIC, "decimals": 2}, "3,25", []),
    ],
)
def test_numeric_whole_or_decimal_within_bounds(question, value, codes):
    assert errors_for(question, value) == codes


def test_numeric_stores_whole_numbers_as_int():
    _, state = page_after([NUMERIC, single("z")], [{"n": 4.0}])
    assert state.answers["n"] == 4 and type(state.answers["n"]) is int


def test_open_text_strips_and_limits_length():
    question = {"id": "t", "type": "text", "text": "Why?", "max_length": 5}
    assert errors_for(question, "  abc  ") == []
    assert errors_for(question, "abcdef") == ["too_long"]
    assert errors_for(question, "   ") == ["required"]
    _, state = page_after([question, single("z")], [{"t": " ab "}])
    assert state.answers["t"] == "ab"


def test_rating_scale_and_nps():
    question = {"id": "r", "type": "rating", "text": "Score?", "nps": True}
    assert errors_for(question, 0) == []
    assert errors_for(question, 10) == []
    assert errors_for(question, 11) == ["out_of_range"]
    assert errors_for(question, 2.5) == ["invalid"]


def test_nps_must_be_zero_to_ten():
    with pytest.raises(Exception, match="NPS"):
        make_questionnaire([{"id": "r", "type": "rating", "text": "x", "nps": True, "max": 5}])


GRID = {
    "id": "g",
    "type": "grid",
    "text": "Rate",
    "items": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}],
    "scale": [{"code": 1, "label": "Bad"}, {"code": 2, "label": "Good"}],
}


def test_grid_validates_each_row():
    assert errors_for(GRID, {"a": 1, "b": 2}) == []
    assert errors_for(GRID, {"a": 1, "b": special("dk")}) == []
    engine, state = page_after([GRID, {"id": "end", "type": "display", "text": "x"}])
    result = engine.submit(state, {"g": {"a": 3}}, T0)
    assert [(e.field, e.code, e.message) for e in result.errors] == [
        ("g", "required", "Answer every row: B."),
        ("g.a", "invalid", "A: This answer is not valid here."),
    ]


def test_a_grid_names_every_row_left_unanswered_in_one_error_in_its_order():
    grid = {**GRID, "items": [*GRID["items"], {"id": "c", "label": "C & D"}]}
    engine, state = page_after([grid, {"id": "end", "type": "display", "text": "x"}])
    [error] = engine.submit(state, {"g": {"b": 1}}, T0).errors
    assert (error.field, error.code) == ("g", "required")
    assert error.message == "Answer every row: A, C &amp; D."  # labels as the page shows them


def test_grid_with_several_answers_per_row():
    question = {**GRID, "multiple": True}
    assert errors_for(question, {"a": [1, 2], "b": [2]}) == []
    assert errors_for(question, {"a": 1, "b": [2]}) == ["invalid"]


@pytest.mark.parametrize(
    ("kind", "good", "bad"),
    [
        ("date", "2026-03-02", "02/03/2026"),
        ("time", "14:30", "2pm"),
        ("datetime", "2026-03-02T14:30:00", "yesterday"),
    ],
)
def test_date_and_time_answers_are_iso(kind, good, bad):
    question = {"id": "d", "type": "date", "kind": kind, "text": "When?"}
    assert errors_for(question, good) == []
    assert errors_for(question, bad) == ["invalid"]


def test_display_text_needs_no_answer():
    engine, state = page_after([{"id": "hello", "type": "display", "text": "Hi"}, single("q")])
    state = engine.submit(state, {}, T0).state
    assert state.position == "q"
    assert "hello" not in state.answers


def test_dont_know_and_refused_can_be_switched_off():
    assert errors_for(single("q", dont_know=False), special("dk")) == ["special_not_allowed"]
    assert errors_for(single("q"), special("dk")) == []
    assert errors_for(single("q", refused=False), special("ref")) == ["special_not_allowed"]
    engine = Engine(make_questionnaire([single("q")], dont_know=False))
    state = engine.start({}, 1, now=T0)
    assert not engine.current_page(state).questions[0].dont_know


def test_optional_question_may_be_left_empty():
    assert errors_for(single("q", required=False), None) == []


def test_grid_can_be_refused_as_a_whole():
    assert errors_for(GRID, special("ref")) == []
    assert errors_for({**GRID, "refused": False}, special("ref")) == ["special_not_allowed"]


def test_a_grid_names_its_open_rows_in_the_interview_s_language():
    grid = {
        **GRID,
        "items": [
            {"id": "a", "label": {"en": "Price", "es": "Precio"}},
            {"id": "b", "label": {"en": "Service", "es": "Servicio"}},
        ],
    }
    q = make_questionnaire([grid], languages=["es", "en"], default_language="es")
    engine = Engine(q)
    state = engine.start({}, 1, language="es", now=T0)
    [error] = engine.submit(state, {"g": {}}, T0).errors
    assert error.message == "Responda a todas las filas: Precio, Servicio."
