"""Hard and soft checks on submitted answers, including checks across questions."""

from __future__ import annotations

from questionnaires import Engine

from .helpers import T0, make_questionnaire

AGE = {"id": "age", "type": "numeric", "text": "Age?"}
YEARS = {
    "id": "years",
    "type": "numeric",
    "text": "Years here?",
    "checks": [
        {"valid_if": "years <= age", "message": "More years ({years}) than age ({age})."},
        {"valid_if": "years < age", "soft": True, "message": "All their life?"},
    ],
}


def engine_at_years():
    engine = Engine(make_questionnaire([AGE, YEARS, {"id": "z", "type": "display", "text": "."}]))
    state = engine.submit(engine.start({}, 1, now=T0), {"age": 30}, T0).state
    return engine, state


def test_hard_check_across_questions_blocks_the_page():
    engine, state = engine_at_years()
    result = engine.submit(state, {"years": 40}, T0)
    [error] = result.errors
    assert error.check_id == "years.checks[0]" and not error.soft
    assert error.message == "More years (40) than age (30)."
    assert result.state is state


def test_hard_check_cannot_be_confirmed():
    engine, state = engine_at_years()
    result = engine.submit(state, {"years": 40}, T0, confirmed=["years.checks[0]"])
    assert not result.ok


def test_soft_check_warns_until_confirmed():
    engine, state = engine_at_years()
    result = engine.submit(state, {"years": 30}, T0)
    [warning] = result.errors
    assert warning.soft and warning.check_id == "years.checks[1]"
    confirmed = engine.submit(state, {"years": 30}, T0, confirmed=[warning.check_id])
    assert confirmed.ok
    assert confirmed.state.confirmed_checks == ["years.checks[1]"]


def test_passing_checks_move_on():
    engine, state = engine_at_years()
    assert engine.submit(state, {"years": 10}, T0).ok


def test_field_errors_come_before_checks():
    engine, state = engine_at_years()
    result = engine.submit(state, {"years": "many"}, T0)
    assert [e.code for e in result.errors] == ["invalid"]


def test_error_messages_follow_the_interview_language():
    q = make_questionnaire([AGE], languages=["es", "en"])
    engine = Engine(q)
    spanish = engine.submit(engine.start({}, 1, now=T0, language="es"), {}, T0)
    english = engine.submit(engine.start({}, 1, now=T0, language="en"), {}, T0)
    assert spanish.errors[0].message == "Hace falta una respuesta."
    assert english.errors[0].message == "An answer is required."
