"""Interviews become one labelled DataFrame row each."""

import math
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest

from cati import dataset, interviewing, questionnaire_store
from cati.fieldwork import inbound, projects
from cati.models import Project
from exports import triple_s
from exports.codebook import codebook_entries
from exports.statfiles import write_sav
from exports.tabular import write_csv
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project
from tests.conftest import make_user, skip_or_fail

LIBRARY = Path(__file__).parents[2] / "questionnaires" / "library"


def interview(db, interviewer, case, pages: list[dict]):
    """The case's interview by phone: the interviewer claims the case and sends the pages."""
    project = db.get(Project, case.project_id)
    inbound.claim_inbound(db, project, interviewer, case.external_id, now=MONDAY_10)
    item = interviewing.open_interview(db, case, MONDAY_10, interviewer=interviewer)
    for answers in pages:
        result = interviewing.submit_page(db, item, answers, item.seq, interviewer, MONDAY_10)
        assert not result.errors, result.errors
    return item


@pytest.fixture
def project(db):
    project = make_project(db)
    questionnaire_store.pin(db, project, LIBRARY / "customer_satisfaction.yaml")
    return project


@pytest.fixture
def interviewer(db, project):
    user = make_user(db, "interviewer")
    projects.assign(db, project, user)
    return user


def test_answers_become_labelled_columns_with_dichotomies_grids_and_special_codes(
    db, project, interviewer
):
    first, second, third = make_cases(db, project, n=3, sample_vars={"region": "Norte"})
    grid = {"delivery": 5, "installation": {"special": "dk"}, "staff": 4, "value": 3}
    interview(
        db,
        interviewer,
        first,
        [
            {},
            {"purchase_confirmed": 1},
            {"nps": 9},
            {"nps_reason": "Rápido"},
            {"sat": grid},
            {"contact_channels": [1, 3]},
            {"problem": 2},
            {},
        ],
    )
    # The second finished without the body; the third is still active, so not in the data.
    interview(db, interviewer, second, [{}, {"purchase_confirmed": 2}, {}])
    interview(db, interviewer, third, [{}, {"purchase_confirmed": 1}])
    data = dataset.build(db, project)
    frame = data.frame.set_index("case_id")
    assert list(frame.index) == [first.external_id, second.external_id]
    row = frame.loc[first.external_id]
    assert (row["purchase_confirmed"], row["nps"], row["nps_reason"]) == (1, 9, "Rápido")
    assert (row["contact_channels_1"], row["contact_channels_2"], row["contact_channels_3"]) == (
        1,
        0,
        1,
    )
    assert (row["sat_delivery"], row["sat_installation"]) == (5, 98)
    assert row["region"] == "Norte" and row["status"] == "completed"
    other = frame.loc[second.external_id]
    assert other["purchase_confirmed"] == 2
    assert other["nps"] is None or math.isnan(other["nps"])
    meta = data.meta("sat_delivery")
    assert meta.value_labels[5] == "Muy buena" and 98 in meta.missing
    assert data.meta("contact_channels_1").value_labels == {0: "Not selected", 1: "Selected"}
    assert data.meta("region").source == "sample"


def test_partials_are_included_only_when_asked(db, project, interviewer):
    (case,) = make_cases(db, project)
    item = interview(db, interviewer, case, [{}])
    item.status = "partial"
    db.commit()
    assert dataset.build(db, project).frame.empty
    assert len(dataset.build(db, project, include_partials=True).frame) == 1


def test_interviews_stopped_part_way_are_partials_with_their_answers(db, project, interviewer):
    first, second = make_cases(db, project, n=2)
    for case, outcome in ((first, "BREAKOFF"), (second, "PARTIAL")):
        item = interview(db, interviewer, case, [{}, {"purchase_confirmed": 1}])
        interviewing.stop_interview(db, item, interviewer, outcome, MONDAY_10)
    assert dataset.build(db, project).frame.empty
    frame = dataset.build(db, project, include_partials=True).frame
    assert sorted(frame["status"]) == ["breakoff", "partial"]
    assert frame["purchase_confirmed"].tolist() == [1, 1]


def test_only_some_questions_are_read_and_a_clashing_sample_variable_keeps_its_name(
    db, project, interviewer
):
    """A sample variable called like a question (nps) is sample_nps, read in full or not."""
    (case,) = make_cases(db, project, sample_vars={"nps": "sample value", "region": "Sur"})
    item = interview(db, interviewer, case, [])
    item.answers, item.status = {"purchase_confirmed": 1}, "completed"
    db.commit()
    full = dataset.build(db, project)
    part = dataset.build(db, project, only={"purchase_confirmed"})
    assert {"nps", "sample_nps", "region"} <= set(full.frame.columns)
    assert "nps" not in part.frame.columns and "contact_channels_1" not in part.frame.columns
    assert part.frame.loc[0, ["purchase_confirmed", "sample_nps", "region"]].tolist() == [
        1,
        "sample value",
        "Sur",
    ]


CALCULATED = """
id: calc
version: "1"
title: Calculated
questions:
  - {id: n, type: numeric, text: "How many?", min: 0, max: 20}
  - {id: double, type: calculate, expression: "n * 2", variable_label: Twice n}
  - {id: word, type: calculate, expression: "if(n > 5, 'many', 'few')"}
  - {id: mixed, type: calculate, expression: "if(n > 5, 'many', n)"}
"""


def test_a_calculate_is_a_column_numeric_when_every_value_is_a_number(db, interviewer, tmp_path):
    path = tmp_path / "calc.yaml"
    path.write_text(CALCULATED)
    project = make_project(db)
    questionnaire_store.pin(db, project, path)
    projects.assign(db, project, interviewer)
    for case, n in zip(make_cases(db, project, n=2), (3, 8), strict=True):
        interview(db, interviewer, case, [{"n": n}])
    data = dataset.build(db, project)
    assert data.frame["double"].tolist() == [6, 16]
    assert data.frame["word"].tolist() == ["few", "many"]
    assert data.frame["mixed"].tolist() == ["3", "many"]  # a number among texts is text
    kinds = {name: data.meta(name).kind for name in ("double", "word", "mixed")}
    assert kinds == {"double": "numeric", "word": "string", "mixed": "string"}
    assert data.meta("double").label == "Twice n" and data.meta("double").missing == ()
    sav = tmp_path / "calc.sav"
    write_sav(data.frame, data.columns, sav, questionnaire=data.questionnaire)
    read, meta = pyreadstat.read_sav(sav)
    assert read["double"].tolist() == [6.0, 16.0] and read["mixed"].tolist() == ["3", "many"]
    assert meta.readstat_variable_types["double"] == "double"
    assert meta.column_names_to_labels["double"] == "Twice n"
    sss = {v.name: v.type for v in triple_s.plan(data.frame, data.columns)}
    assert (sss["double"], sss["word"], sss["mixed"]) == ("quantity", "character", "character")


LOOPED_CALCULATE = """
id: looped
version: "1"
title: Looped calculate
blocks:
  - id: top
    questions:
      - {id: people, type: numeric, text: "How many?", min: 1, max: 3}
  - id: person
    loop: {times: people, max_times: 3}
    questions:
      - {id: age, type: numeric, text: "Age?", min: 0, max: 99}
      - {id: adult, type: calculate, expression: "age >= 18", variable_label: Adult}
"""


def test_a_calculate_in_a_loop_is_a_column_per_item_in_the_data_and_the_sav(
    db, interviewer, tmp_path
):
    path = tmp_path / "looped.yaml"
    path.write_text(LOOPED_CALCULATE)
    project = make_project(db)
    questionnaire_store.pin(db, project, path)
    projects.assign(db, project, interviewer)
    (case,) = make_cases(db, project)
    interview(db, interviewer, case, [{"people": 2}, {"age": 40}, {"age": 9}])
    data = dataset.build(db, project)
    row = data.frame.iloc[0]
    assert (row["adult_1"], row["adult_2"]) == (1, 0)
    assert pd.isna(row["adult_3"])  # no third person
    assert data.meta("adult_1").kind == "numeric"
    sav = tmp_path / "looped.sav"
    write_sav(data.frame, data.columns, sav, questionnaire=data.questionnaire)
    read, _ = pyreadstat.read_sav(sav)
    assert read[["adult_1", "adult_2"]].iloc[0].tolist() == [1.0, 0.0]


def test_an_xlsforms_choice_names_are_the_text_values_of_the_names_export_and_codebook(
    db, interviewer, tmp_path
):
    """ona_transportation.xlsx (xlsform corpus): its list has daily, weekly, other and a
    real option dont_know; KoBo's "XML values" export writes those names."""
    form = Path(__file__).resolve().parents[3] / "shared" / "xlsform-corpus"
    form = form / "ona_transportation.xlsx"
    if not form.is_file():
        skip_or_fail(f"the XLSForm corpus is not at {form.parent}")
    project = make_project(db)
    questionnaire_store.pin(db, project, form)
    projects.assign(db, project, interviewer)
    first, second = make_cases(db, project, n=2)
    for case, answer in ((first, 2), (second, 4)):
        item = interview(db, interviewer, case, [])
        interviewing.stop_interview(db, item, interviewer, "BREAKOFF", MONDAY_10)
        item.answers = {"frequency_to_referral_facility_bus": answer}
        item.answers["frequency_to_referral_facility_taxi"] = {"special": "dk"}
        item.status = "completed"
    db.commit()
    data = dataset.build(db, project)
    out = tmp_path / "names.csv"
    write_csv(data.frame, data.columns, out, names=True)
    read = pd.read_csv(out, encoding="utf-8-sig")
    assert read["frequency_to_referral_facility_bus"].tolist() == ["weekly", "dont_know"]
    assert read["frequency_to_referral_facility_taxi"].tolist() == ["_dont_know"] * 2
    coded = tmp_path / "codes.csv"
    write_csv(data.frame, data.columns, coded)
    assert pd.read_csv(coded)["frequency_to_referral_facility_bus"].tolist() == [2, 4]
    [entry] = [e for e in codebook_entries(data.frame, data.columns) if e.name.endswith("_bus")]
    assert entry.values[:2] == [(1, "daily", "Daily", 0), (2, "weekly", "Weekly", 1)]
    with pytest.raises(ValueError, match="not both"):
        write_csv(data.frame, data.columns, out, labels=True, names=True)
