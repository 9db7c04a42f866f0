"""Routing: show_if on questions and blocks, go-to, screen-out, end, back and pruning."""

from __future__ import annotations

import json

import pytest

from questionnaires import Engine, QuestionnaireError
from questionnaires.state import COMPLETED, SCREENED_OUT

from .helpers import T0, make_questionnaire, run, single


def test_show_if_false_skips_the_question():
    q = make_questionnaire([single("a"), single("b", show_if="a = 1"), single("c")])
    engine = Engine(q)
    assert run(engine, [{"a": 2}]).position == "c"
    assert run(engine, [{"a": 1}]).position == "b"


def test_block_show_if_skips_the_whole_block():
    q = make_questionnaire(
        blocks=[
            {"id": "one", "questions": [single("a")]},
            {"id": "two", "show_if": "a = 1", "questions": [single("b"), single("c")]},
            {"id": "three", "questions": [single("d")]},
        ]
    )
    engine = Engine(q)
    assert run(engine, [{"a": 2}]).position == "d"
    assert run(engine, [{"a": 1}]).position == "b"


def test_goto_jumps_forward_when_its_condition_holds():
    q = make_questionnaire(
        [single("a", routing=[{"if": "a = 2", "goto": "d"}]), single("b"), single("c"), single("d")]
    )
    engine = Engine(q)
    assert run(engine, [{"a": 2}]).position == "d"
    assert run(engine, [{"a": 1}]).position == "b"


def test_first_matching_rule_wins():
    q = make_questionnaire(
        [
            single("a", routing=[{"if": "a = 1", "end": True}, {"if": "a > 0", "goto": "c"}]),
            single("b"),
            single("c"),
        ]
    )
    engine = Engine(q)
    assert run(engine, [{"a": 1}]).status == COMPLETED
    assert run(engine, [{"a": 2}]).position == "c"


def test_screen_out_ends_with_its_outcome_code():
    q = make_questionnaire(
        [single("a", routing=[{"if": "a = 2", "screen_out": "SO_A"}]), single("b")]
    )
    state = run(Engine(q), [{"a": 2}])
    assert state.status == SCREENED_OUT
    assert state.outcome == "SO_A"
    assert state.position is None


def test_reaching_the_last_page_completes_the_interview():
    engine = Engine(make_questionnaire([single("a")]))
    state = run(engine, [{"a": 1}])
    assert state.status == COMPLETED
    assert engine.current_page(state) is None


def test_back_returns_to_the_previous_page_with_its_answer():
    engine = Engine(make_questionnaire([single("a"), single("b"), single("c")]))
    state = run(engine, [{"a": 1}, {"b": 2}])
    state = engine.back(state)
    page = engine.current_page(state)
    assert page.key == "b"
    assert page.questions[0].answer == 2
    assert engine.back(engine.back(state)).position == "a"
    assert not engine.current_page(engine.back(state)).can_go_back


def test_the_page_number_is_the_place_on_the_path_not_a_count_of_submissions():
    q = make_questionnaire([single("a"), single("b", show_if="a = 1"), single("c"), single("d")])
    engine = Engine(q)
    state = run(engine, [{"a": 2}])  # b is skipped: c is the second page of this path
    assert engine.current_page(state).number == 2
    state = engine.back(state)
    assert engine.current_page(state).number == 1
    state = engine.submit(state, {"a": 1}, T0).state  # now b is on the path
    assert (state.position, engine.current_page(state).number) == ("b", 2)
    state = engine.submit(state, {"b": 1}, T0).state
    assert engine.current_page(state).number == 3
    state = engine.submit(engine.back(state), {"b": 1}, T0).state  # back, then next again
    assert (state.position, engine.current_page(state).number) == ("c", 3)


def test_back_from_the_end_reopens_the_last_page():
    engine = Engine(make_questionnaire([single("a"), single("b")]))
    state = engine.back(run(engine, [{"a": 1}, {"b": 1}]))
    assert state.status == "active" and state.position == "b"


def test_changing_an_earlier_answer_removes_answers_that_left_the_path():
    q = make_questionnaire(
        [single("a"), single("b", show_if="a = 1"), single("c", show_if="a = 1"), single("d")]
    )
    engine = Engine(q)
    state = run(engine, [{"a": 1}, {"b": 1}, {"c": 2}, {"d": 1}])
    for _ in range(4):
        state = engine.back(state)
    assert state.position == "a"
    state = engine.submit(state, {"a": 2}, T0).state
    assert state.position == "d"
    assert set(state.answers) == {"a", "d"}
    assert [page for page, _ in state.history] == ["a"]


def test_unchanged_answer_keeps_later_answers():
    engine = Engine(make_questionnaire([single("a"), single("b", show_if="a = 1"), single("c")]))
    state = run(engine, [{"a": 1}, {"b": 1}, {"c": 2}])
    state = engine.back(engine.back(engine.back(state)))
    state = engine.submit(state, {"a": 1}, T0).state
    assert state.answers == {"a": 1, "b": 1, "c": 2}


def test_questions_sharing_a_page_show_together_and_skip_hidden_ones():
    q = make_questionnaire(
        [single("a"), single("b", page="p"), single("c", page="p", show_if="a = 1"), single("d")]
    )
    engine = Engine(q)
    assert [x.id for x in engine.current_page(run(engine, [{"a": 1}])).questions] == ["b", "c"]
    assert [x.id for x in engine.current_page(run(engine, [{"a": 2}])).questions] == ["b"]


def test_sample_variables_drive_conditions():
    q = make_questionnaire(
        [single("a", show_if="sample.region = 'north'"), single("b")],
        sample_variables={"region": {"type": "text"}},
    )
    engine = Engine(q)
    assert engine.start({"region": "north"}, 1, now=T0).position == "a"
    assert engine.start({"region": "south"}, 1, now=T0).position == "b"


def test_submitting_after_the_end_is_an_error():
    engine = Engine(make_questionnaire([single("a")]))
    result = engine.submit(run(engine, [{"a": 1}]), {"a": 1}, T0)
    assert not result.ok


def test_state_resumes_exactly_from_json():
    engine = Engine(make_questionnaire([single("a"), single("b"), single("c")]))
    state = run(engine, [{"a": 1}])
    resumed = engine.resume(state.to_json())
    assert resumed == state
    assert engine.submit(resumed, {"b": 2}, T0).state == engine.submit(state, {"b": 2}, T0).state


def test_resuming_with_another_version_is_refused():
    state = run(Engine(make_questionnaire([single("a"), single("b")])), [{"a": 1}])
    other = Engine(make_questionnaire([single("a"), single("b")], version="2"))
    with pytest.raises(QuestionnaireError, match="version 1"):
        other.resume(state.to_json())


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d.update(position="nowhere"),
        lambda d: d.update(block_order=["other"]),
        lambda d: d.update(history=[["b[3]", []]]),
    ],
)
def test_resuming_a_tampered_state_is_refused(tamper):
    engine = Engine(make_questionnaire([single("a"), single("b")]))
    data = json.loads(run(engine, [{"a": 1}]).to_json())
    tamper(data)
    with pytest.raises(QuestionnaireError):
        engine.resume(json.dumps(data))


def test_resuming_garbage_is_refused():
    engine = Engine(make_questionnaire([single("a")]))
    with pytest.raises(QuestionnaireError, match="not a saved interview"):
        engine.resume("{]")


def test_back_passes_over_a_page_that_now_shows_nothing():
    """A forward reference (a warning) can hide an earlier page once later answers exist."""
    engine = Engine(make_questionnaire([single("a"), single("b", show_if="c = null"), single("c")]))
    state = run(engine, [{"a": 1}, {"b": 1}, {"c": 1}])
    assert engine.back(state).position == "c"
    assert engine.back(engine.back(state)).position == "a"


def test_answers_removed_from_the_path_no_longer_drive_later_conditions():
    q = make_questionnaire(
        [single("a"), single("b", show_if="a = 1"), single("c", show_if="b = 1"), single("d")]
    )
    engine = Engine(q)
    state = run(engine, [{"a": 1}, {"b": 1}, {"c": 1}, {"d": 1}])
    for _ in range(4):
        state = engine.back(state)
    state = engine.submit(state, {"a": 2}, T0).state
    assert state.position == "d"
    assert set(state.answers) == {"a", "d"}


def test_sample_variables_must_have_their_declared_type():
    q = make_questionnaire(
        [single("a")], sample_variables={"region": {"type": "text"}, "age": {"type": "number"}}
    )
    engine = Engine(q)
    assert engine.start({"region": "north", "age": 3}, 1, now=T0).position == "a"
    assert engine.start({}, 1, now=T0).sample == {}
    for bad in ({"region": 4}, {"age": "old"}, {"age": True}, {"region": ["x"]}):
        with pytest.raises(QuestionnaireError, match="sample variable"):
            engine.start(bad, 1, now=T0)
