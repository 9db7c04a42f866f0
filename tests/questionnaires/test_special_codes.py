"""Don't know, refused and timed out get data codes per question, never a legal answer."""

from __future__ import annotations

import pytest

from questionnaires.answers import data_codes
from questionnaires.variables import variables

from .helpers import make_questionnaire, single


def codes_of(question: dict, **fields) -> dict[str, int]:
    q = make_questionnaire([question], **fields)
    return data_codes(q, q.plan.questions[question["id"]].question)


def numeric(**bounds) -> dict:
    return {"id": "n", "type": "numeric", "text": "How many?", **bounds}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (single("a"), {"dk": 98, "ref": 99}),
        (single("a", codes=(1, 98)), {"dk": 998, "ref": 999}),
        (single("a", codes=(1, 999)), {"dk": 98, "ref": 99}),
        (single("a", codes=(1, 98, 998)), {"dk": 9998, "ref": 9999}),
        (numeric(min=16, max=99), {"dk": 998, "ref": 999}),
        (numeric(min=0, max=10), {"dk": 98, "ref": 99}),
        (numeric(min=0, max=97.5), {"dk": 98, "ref": 99}),  # 97 (timed out) is not used
        (numeric(min=0, max=1000), {"dk": 9998, "ref": 9999}),
        (numeric(min=0), {"dk": -98, "ref": -99}),
        (numeric(min=-500), {"dk": -998, "ref": -999}),
        (numeric(max=50), {"dk": 98, "ref": 99}),
        (numeric(), {"dk": 98, "ref": 99}),  # nothing is outside: the check warns
        (
            {"id": "r", "type": "rating", "text": "Score?", "min": 0, "max": 100},
            {"dk": 998, "ref": 999},
        ),
        ({"id": "t", "type": "text", "text": "Name?"}, {"dk": 98, "ref": 99}),
        (single("a", codes=(1, 98), dont_know=False), {"ref": 99}),
        (single("a", codes=(1, 99), dont_know=False), {"ref": 999}),
        (single("a", codes=(1, 98), dont_know=False, refused=False), {}),
    ],
)
def test_codes_are_the_first_set_of_nines_outside_the_legal_answers(question, expected):
    assert codes_of(question) == expected


def test_a_time_limit_adds_the_timed_out_code_and_moves_all_three_together():
    timed = numeric(min=0, max=97, time_limit={"limit": 30})
    assert codes_of(timed) == {"dk": 998, "ref": 999, "timeout": 997}
    assert codes_of(numeric(min=0, max=20, time_limit={"limit": 30}))["timeout"] == 97


def test_given_codes_are_used_as_they_are():
    own = {**numeric(min=16, max=99), "codes": {"dont_know": -1, "refused": -2, "timed_out": -3}}
    assert codes_of(own) == {"dk": -1, "ref": -2}
    everywhere = {"dont_know": 8, "refused": 9, "timed_out": 7}
    assert codes_of(numeric(min=0, max=5), codes=everywhere) == {"dk": 8, "ref": 9}


def test_value_labels_name_the_question_own_codes():
    q = make_questionnaire([numeric(min=16, max=99), single("a")])
    labels = {v.name: v.value_labels for v in variables(q)}
    assert labels["n"] == {998: "Don't know", 999: "Refused"}
    assert labels["a"] == {1: "option 1", 2: "option 2", 98: "Don't know", 99: "Refused"}
