"""Ages of 98 and 99 stay ages in every data file; Don't know and Refused get codes of their own.

The question takes 16-99, so its Don't know and Refused are 998 and 999: SPSS (read back by
GNU PSPP), Stata, the labelled CSV, Triple-S and the topline agree on it."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from xml.etree import ElementTree as ET

import pandas as pd
import pytest

from cati import dataset, questionnaire_store, reporting
from cati.models import Interview, Project
from exports.topline import build_topline
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project
from tests.conftest import skip_or_fail

AGES = """\
id: ages
version: "1.0"
title: Ages
questions:
  - id: age
    type: numeric
    text: How old are you?
    min: 16
    max: 99
  - id: recontact
    type: single
    text: May we call again?
    options: [{code: 1, label: "Yes"}, {code: 2, label: "No"}]
"""
ANSWERS = [40, 98, 99, {"special": "dk"}, {"special": "ref"}]


def completed(db, case, answers: dict) -> Interview:
    """A completed interview with these answers, under the project's pinned version."""
    project = db.get(Project, case.project_id)
    item = Interview(
        case_id=case.id,
        questionnaire_version_id=project.questionnaire_version_id,
        state="{}",
        answers=answers,
        status="completed",
        started_at=MONDAY_10,
        ended_at=MONDAY_10,
    )
    db.add(item)
    db.commit()
    return item


@pytest.fixture
def project(db, tmp_path):
    project = make_project(db)
    source = tmp_path / "ages.yaml"
    source.write_text(AGES)
    questionnaire_store.pin(db, project, source)
    for case, age in zip(make_cases(db, project, n=len(ANSWERS)), ANSWERS, strict=True):
        completed(db, case, {"age": age, "recontact": 1})
    return project


def test_the_dataset_keeps_ages_and_declares_only_the_question_codes_missing(db, project):
    data = dataset.build(db, project)
    assert data.frame["age"].tolist() == [40, 98, 99, 998, 999]
    meta = data.meta("age")
    assert meta.missing == (998, 999)
    assert meta.value_labels == {998: "Don't know", 999: "Refused"}
    # A single choice with codes 1 and 2 keeps 98/99.
    assert data.meta("recontact").missing == (98, 99)


def test_stata_keeps_98_and_99_as_numbers(db, project, tmp_path):
    path = tmp_path / "ages.dta"
    reporting.export_data(db, project, "dta", path)
    ages = pd.read_stata(path, convert_categoricals=False, convert_missing=True)["age"]
    assert ages.iloc[:3].astype(float).tolist() == [40.0, 98.0, 99.0]
    # Don't know and Refused are Stata's extended missing .a and .b.
    assert [str(v) for v in ages.iloc[3:]] == [".a", ".b"]


def test_the_labelled_csv_writes_ages_and_the_special_labels(db, project, tmp_path):
    path = tmp_path / "ages.csv"
    reporting.export_data(db, project, "csv", path, labels=True)
    with path.open(encoding="utf-8-sig", newline="") as f:
        ages = [row["age"] for row in csv.DictReader(f)]
    assert ages == ["40", "98", "99", "Don't know", "Refused"]


def test_triple_s_keeps_ages_inside_the_range_and_labels_nothing_as_an_age(db, project, tmp_path):
    path = tmp_path / "ages.sss"
    _, asc = reporting.export_data(db, project, "sss", path)
    root = ET.parse(path).getroot()
    age = next(v for v in root.iter("variable") if v.findtext("name") == "age")
    start = int(age.find("position").get("start"))
    finish = int(age.find("position").get("finish"))
    lines = asc.read_text(encoding="utf-8").splitlines()
    assert [line[start - 1 : finish].strip() for line in lines] == ["40", "98", "99", "998", "999"]
    codes = {int(v.get("code")) for v in age.iter("value")}
    assert not codes & {40, 98, 99}


def test_the_topline_base_counts_the_ages_of_98_and_99(db, project):
    data = dataset.build(db, project)
    frame = data.frame.copy()
    frame["age"] = pd.to_numeric(frame["age"])
    [age, _] = build_topline(frame, data.columns, data.questionnaire)
    assert age.base.unweighted == 3
    assert age.estimate is not None and age.estimate.value == pytest.approx((40 + 98 + 99) / 3)


def test_pspp_reads_98_and_99_as_valid_ages_and_998_999_as_missing(db, project, tmp_path):
    if shutil.which("pspp") is None:
        skip_or_fail("GNU PSPP is not installed (apt-get install pspp)")
    path = tmp_path / "ages.sav"
    reporting.export_data(db, project, "sav", path)
    syntax = tmp_path / "read.sps"
    syntax.write_text(
        f"GET FILE='{path}'.\n"
        "DESCRIPTIVES /VARIABLES=age /STATISTICS=MEAN MIN MAX.\n"
        "FREQUENCIES /VARIABLES=age.\n"
    )
    out = tmp_path / "out.txt"
    subprocess.run(["pspp", str(syntax), "-o", str(out)], check=True, capture_output=True)
    text = out.read_text()
    # DESCRIPTIVES: N, mean, minimum, maximum of the valid ages (98 and 99 among them).
    found = re.search(
        r"^\|How old are you\?\s*\|(\d+)\|\s*([\d.]+)\|\s*([\d.]+)\|\s*([\d.]+)\|", text, re.M
    )
    assert found is not None, text
    assert [float(x) for x in found.groups()] == [3, 79.0, 40.0, 99.0]
    # FREQUENCIES: 98 and 99 valid, Don't know and Refused missing.
    assert re.search(r"^\|\s+98\.00\s*\|\s+1\|", text, re.M)
    assert re.search(r"^\|\s+99\.00\s*\|\s+1\|", text, re.M)
    assert re.search(r"^\|Missing Don't know\|\s+1\|", text, re.M)
    assert re.search(r"^\|\s+Refused\s*\|\s+1\|", text, re.M)
