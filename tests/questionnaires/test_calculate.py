"""Calculates: computed variables the engine stores after each page, never shown."""

from __future__ import annotations

from questionnaires import Engine, ErrorCode
from questionnaires.preview import preview_html
from questionnaires.variables import variables

from .helpers import make_questionnaire, run
from .test_static_checks import errors, problems


def numeric(qid: str, **extra):
    return {"id": qid, "type": "numeric", "text": f"{qid}?", "min": 0, "max": 20, **extra}


SIZE = [
    numeric("adults"),
    {"id": "size", "type": "calculate", "expression": "adults + children"},
    numeric("children"),
    {"id": "big", "type": "calculate", "expression": "size > 4"},
    {"id": "word", "type": "calculate", "expression": "if(size > 4, 'many', 'few')"},
    {"id": "hidden", "type": "calculate", "expression": "adults", "show_if": "adults > 9"},
    {"id": "why", "type": "text", "text": "Why?", "show_if": "size > 4"},
]


def test_a_calculate_is_never_shown_and_is_stored_after_the_pages_it_uses():
    engine = Engine(make_questionnaire(SIZE))
    state = run(engine, [{"adults": 2}])
    assert engine.current_page(state).questions[0].id == "children"
    assert "size" not in state.answers  # children not answered yet: no value
    state = run(engine, [{"adults": 2}, {"children": 3}])
    assert engine.current_page(state).questions[0].id == "why"
    assert state.answers["size"] == 5
    assert state.answers["big"] == 1  # true is stored as 1
    assert state.answers["word"] == "many"
    assert "hidden" not in state.answers  # its show_if does not hold
    state = run(engine, [{"adults": 1}, {"children": 1}])
    assert state.finished
    assert (state.answers["size"], state.answers["big"], state.answers["word"]) == (2, 0, "few")


def test_a_calculate_follows_a_changed_answer():
    engine = Engine(make_questionnaire(SIZE))
    state = run(engine, [{"adults": 2}, {"children": 3}])
    state = engine.back(engine.back(state))
    state = engine.submit(state, {"adults": 4}).state
    assert state.answers["size"] == 7


def test_a_check_sees_the_calculate_of_its_own_page():
    checked = numeric("children", checks=[{"valid_if": "size < 10", "message": "Too many"}])
    engine = Engine(make_questionnaire([*SIZE[:2], checked]))
    state = run(engine, [{"adults": 5}])
    result = engine.submit(state, {"children": 6})
    assert [e.message for e in result.errors] == ["Too many"]
    assert "size" not in result.state.answers  # nothing stored from a refused page
    assert engine.submit(state, {"children": 4}).state.answers["size"] == 9


def test_a_calculate_is_a_variable_of_its_own():
    found = {v.name: v for v in variables(make_questionnaire(SIZE))}
    assert found["size"].kind == "string"  # until its values are seen (cati.dataset)
    assert found["size"].label == "size" and found["size"].value_labels == {}
    labelled = make_questionnaire(
        [numeric("a"), {**SIZE[1], "expression": "a * 2", "variable_label": "Household"}]
    )
    assert next(v for v in variables(labelled) if v.name == "size").label == "Household"


def test_a_calculate_expression_is_checked_and_may_use_later_questions():
    assert problems(SIZE) == []
    unknown = [numeric("a"), {"id": "c", "type": "calculate", "expression": "nobody + 1"}]
    assert errors(unknown) == [(ErrorCode.UNDEFINED_NAME, "questions[1].expression")]


LOOPED = [
    numeric("people", min=1, max=5),
    {
        "id": "person",
        "loop": {"times": "people", "max_times": 5, "as": "n"},
        "questions": [
            numeric("age", max=99),
            {"id": "decade", "type": "calculate", "expression": "floor(age / 10) + n * 100"},
        ],
    },
]


def test_a_calculate_in_a_loop_block_has_a_value_for_each_item():
    questionnaire = make_questionnaire(blocks=[{"id": "top", "questions": [LOOPED[0]]}, LOOPED[1]])
    engine = Engine(questionnaire)
    state = run(engine, [{"people": 2}, {"age": 34}])
    assert state.answers["decade[1]"] == 103 and "decade[2]" not in state.answers
    state = run(engine, [{"people": 2}, {"age": 34}, {"age": 71}])
    assert state.finished
    assert (state.answers["decade[1]"], state.answers["decade[2]"]) == (103, 207)
    names = [v.name for v in variables(questionnaire)]
    assert names[-2:] == ["decade_4", "decade_5"] and "decade_1" in names


def test_the_preview_says_a_calculate_is_computed_and_how():
    html = preview_html(make_questionnaire(SIZE))
    assert "[computed, not asked]" in html
    assert "Computed after each page: adults plus children." in html
    assert "[calculada, no se pregunta]" in preview_html(make_questionnaire(SIZE), "es")
