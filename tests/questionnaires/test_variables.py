"""Data variables: names, labels and value labels per question type, valid for SPSS."""

from __future__ import annotations

from pathlib import Path

import pytest

from questionnaires import read_questionnaire
from questionnaires.variables import spss_name_problem, variables

from .helpers import make_questionnaire, single

LIBRARY = Path(__file__).resolve().parents[2] / "questionnaires" / "library"


def test_each_question_type_maps_to_its_variables():
    found = {
        v.name: v for v in variables(read_questionnaire(LIBRARY / "customer_satisfaction.yaml"))
    }
    assert "intro" not in found  # display text has no data
    assert found["nps"].kind == "numeric"
    assert found["nps_reason"].kind == "string"
    assert [n for n in found if n.startswith("sat_")] == [
        "sat_delivery",
        "sat_installation",
        "sat_staff",
        "sat_value",
    ]
    assert found["sat_staff"].label.startswith("La atención del personal — ¿")
    assert found["sat_staff"].value_labels[5] == "Muy buena"
    assert found["contact_channels_5"].value_labels == {0: "Not selected", 1: "Selected"}
    assert found["purchase_confirmed"].value_labels == {
        1: "Sí",
        2: "No",
        98: "Don't know",
        99: "Refused",
    }


def test_loop_questions_get_one_variable_per_item():
    names = [v.name for v in variables(read_questionnaire(LIBRARY / "brand_awareness.yaml"))]
    assert [n for n in names if n.startswith("brand_opinion")] == [
        f"brand_opinion_{code}" for code in (1, 2, 3, 4, 5)
    ]  # the exclusive "None" option is not looped over
    assert names.count("brand_opinion_1") == 1


def test_time_limited_questions_label_the_timed_out_code():
    found = {v.name: v for v in variables(read_questionnaire(LIBRARY / "opinion_poll.yaml"))}
    assert found["intention"].value_labels[97] == "Timed out"
    assert 97 not in found["economy_now"].value_labels


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("q1", True),
        ("Q1.a", True),
        ("a" * 64, True),
        ("a" * 65, False),
        ("1q", False),
        ("_q", False),
        ("q.", False),
        ("with", False),
        ("q-1", False),
        ("ñu", False),
    ],
)
def test_spss_name_rules(name, ok):
    assert (spss_name_problem(name) is None) is ok


def test_long_labels_are_cut_to_256_bytes_without_splitting_characters():
    q = make_questionnaire([single("a", text="¿Qué opina? " * 40)])
    [variable] = variables(q)
    assert len(variable.label.encode("utf-8")) <= 256
    assert variable.label.startswith("¿Qué opina?")
