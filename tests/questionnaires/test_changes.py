"""Two versions of a questionnaire compared: the changes to confirm and those refused."""

from __future__ import annotations

from questionnaires import ErrorCode
from questionnaires.changes import compare

from .helpers import make_questionnaire, single

AGE = {"id": "age", "type": "numeric", "text": "How old are you?", "min": 16, "max": 99}


def found(old: list[dict], new: list[dict]) -> list[tuple[str, str, str]]:
    before, after = make_questionnaire(old), make_questionnaire(new, version="2")
    return [(p.code, p.severity, p.message) for p in compare(before, after)]


def test_the_same_questions_change_nothing():
    assert found([AGE, single("a")], [AGE, single("a")]) == []


def test_added_removed_reworded_and_new_options_are_changes_to_confirm():
    changes = found(
        [AGE, single("a"), single("gone")],
        [{**AGE, "text": "Your age?", "max": 110}, single("a", codes=(1, 2, 3)), single("new")],
    )
    assert changes == [
        (ErrorCode.VERSION_CHANGE, "warning", "question age has new wording"),
        (ErrorCode.VERSION_CHANGE, "warning", "question age takes 16–110 instead of 16–99"),
        (ErrorCode.VERSION_CHANGE, "warning", "question a: options added 3, removed —"),
        (ErrorCode.VERSION_CHANGE, "warning", "question new is added"),
        (
            ErrorCode.VERSION_CHANGE,
            "warning",
            "question gone is removed; its answers stay in the data",
        ),
    ]


def test_another_type_under_the_same_variable_is_refused_naming_the_question():
    multiple = {**single("a"), "type": "multiple"}
    text = {"id": "age", "type": "text", "text": "How old are you?"}
    [(code, severity, message), *_] = found([AGE, single("a")], [text, multiple])
    assert (code, severity) == (ErrorCode.VERSION_INCOMPATIBLE, "error")
    assert message.startswith("question age changes from numeric to text")
    refused = [m for c, _, m in found([AGE, single("a")], [text, multiple]) if c == "Q071"]
    assert len(refused) == 2 and "question a changes from single to multiple" in refused[1]


def test_an_option_code_with_another_meaning_is_refused_and_wording_of_case_is_not():
    relabelled = single("a")
    relabelled["options"] = [{"code": 1, "label": "No"}, {"code": 2, "label": "OPTION 2"}]
    # Only option 1: "OPTION 2" is option 2 in other capitals.
    [(_, _, message)] = [c for c in found([single("a")], [relabelled]) if c[0] == "Q071"]
    assert message.startswith("option 1 of question a meant 'option 1'")
    assert "would now mean 'No'" in message


def test_special_codes_that_would_move_are_refused_unless_the_question_keeps_them():
    wider = {**AGE, "max": 999}  # Don't know would move from 998 to 9998
    [(code, _, message)] = [c for c in found([AGE], [wider]) if c[1] == "error"]
    assert code == ErrorCode.VERSION_INCOMPATIBLE and "from 998, 999 to 9998, 9999" in message
    kept = {**wider, "max": 990, "codes": {"dont_know": 998, "refused": 999, "timed_out": 997}}
    assert [c for c in found([AGE], [kept]) if c[1] == "error"] == []
