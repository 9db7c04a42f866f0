"""A questionnaire changed mid-field: pinning shows what changed and asks, refuses what would
make old answers unreadable, and the data keep every version's answers with their version."""

from __future__ import annotations

import csv
from xml.etree import ElementTree as ET

import pandas as pd
import pyreadstat
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from cati import cli, dataset, questionnaire_store, reporting
from cati.errors import CatiErrors, ErrorCode
from cati.models import QuestionnaireVersion
from questionnaires import ErrorCode as QuestionnaireCode
from tests.cati.fieldwork.conftest import make_cases, make_project
from tests.cati.test_special_codes_in_files import completed

V1 = """\
id: opinion
version: "{version}"
title: Opinion
questions:
  - id: age
    type: numeric
    text: How old are you?
    min: 16
    max: {max}
{extra}"""
RECONTACT = """\
  - id: recontact
    type: {type}
    text: May we call again?
    options: [{{code: 1, label: "{yes}"}}, {{code: 2, label: "No"}}]
"""
CHANNEL = """\
  - id: channel
    type: single
    text: How did you hear of us?
    options: [{code: 1, label: Radio}, {code: 2, label: Friends}]
"""


def write(tmp_path, version: str, extra: str = "", max: int = 99):
    path = tmp_path / f"opinion-{version}.yaml"
    path.write_text(V1.format(version=version, max=max, extra=extra))
    return path


def recontact(type: str = "single", yes: str = "Yes") -> str:
    return RECONTACT.format(type=type, yes=yes)


@pytest.fixture
def fielded(db, tmp_path):
    """Version 1.0 with two completed interviews that answered recontact."""
    project = make_project(db)
    questionnaire_store.pin(db, project, write(tmp_path, "1.0", recontact()))
    first, second, _ = make_cases(db, project, n=3)
    completed(db, first, {"age": 98, "recontact": 1})
    completed(db, second, {"age": 40, "recontact": 2})
    return project


def test_pinning_before_fieldwork_needs_no_confirmation(db, tmp_path):
    project = make_project(db)
    questionnaire_store.pin(db, project, write(tmp_path, "1.0", recontact()))
    version = questionnaire_store.pin(db, project, write(tmp_path, "1.1", CHANNEL))
    assert project.questionnaire_version_id == version.id


def test_a_new_version_mid_field_shows_its_changes_and_waits_for_confirmation(
    db, fielded, tmp_path
):
    pinned = fielded.questionnaire_version_id
    with pytest.raises(questionnaire_store.ChangesToConfirm) as raised:
        questionnaire_store.pin(db, fielded, write(tmp_path, "1.1", CHANNEL))
    headline, *changes = raised.value.problems
    assert headline.code == ErrorCode.QUESTIONNAIRE_CHANGES_UNCONFIRMED
    assert [str(p.message) for p in changes] == [
        "question channel is added",
        "question recontact is removed; its answers stay in the data",
    ]
    assert all(p.code == QuestionnaireCode.VERSION_CHANGE for p in changes)
    db.refresh(fielded)
    assert fielded.questionnaire_version_id == pinned  # nothing pinned yet
    version = questionnaire_store.pin_version(db, fielded, raised.value.version, confirmed=True)
    assert fielded.questionnaire_version_id == version.id and version.version == "1.1"


def test_the_data_hold_every_version_answers_and_the_version(db, fielded, tmp_path):
    questionnaire_store.pin(db, fielded, write(tmp_path, "1.1", CHANNEL), confirmed=True)
    (later,) = [c for c in make_cases(db, fielded, n=1)]
    completed(db, later, {"age": 99, "channel": 2})
    data = dataset.build(db, fielded)
    frame = data.frame
    assert frame["questionnaire_version"].tolist() == ["1.0", "1.0", "1.1"]
    assert frame["recontact"].tolist()[:2] == [1, 2] and frame["recontact"].isna().tolist()[2]
    assert frame["channel"].isna().tolist()[:2] == [True, True] and frame["channel"].iloc[2] == 2
    assert frame["age"].tolist() == [98, 40, 99]
    names = [c.name for c in data.columns]
    assert names.index("age") < names.index("channel") < names.index("recontact")
    assert data.meta("recontact").value_labels[1] == "Yes"
    assert data.meta("questionnaire_version").label == "Questionnaire version"
    path = tmp_path / "data.csv"
    reporting.export_data(db, fielded, "csv", path)
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["recontact"], r["questionnaire_version"]) for r in rows] == [
        ("1.0", "1.0"),  # a code column with empty cells is written as pandas floats
        ("2.0", "1.0"),
        ("", "1.1"),
    ]
    sav = tmp_path / "data.sav"
    reporting.export_data(db, fielded, "sav", sav)
    values, meta = pyreadstat.read_sav(sav)
    assert values["recontact"].tolist()[:2] == [1.0, 2.0]
    assert meta.column_names_to_labels["questionnaire_version"] == "Questionnaire version"
    dta = tmp_path / "data.dta"
    reporting.export_data(db, fielded, "dta", dta)
    stata = pd.read_stata(dta, convert_categoricals=False)
    assert stata["questionnaire_version"].tolist() == ["1.0", "1.0", "1.1"]
    assert stata["recontact"].tolist()[:2] == [1, 2]
    sss = tmp_path / "data.sss"
    _, asc = reporting.export_data(db, fielded, "sss", sss)
    names = [v.findtext("name") for v in ET.parse(sss).getroot().iter("variable")]
    assert {"recontact", "channel", "questionnaire_version"} <= set(names)
    assert len(asc.read_text(encoding="utf-8").splitlines()) == 3


@pytest.mark.parametrize(
    ("extra", "max", "reason"),
    [
        (recontact("multiple"), 99, "question recontact changes from single to multiple"),
        (recontact(yes="Never"), 99, "option 1 of question recontact meant 'Yes'"),
        (recontact(), 999, "don't know / refused codes of question age would change"),
    ],
)
def test_a_change_that_makes_old_answers_unreadable_is_refused_with_the_reason(
    db, fielded, tmp_path, extra, max, reason
):
    pinned = fielded.questionnaire_version_id
    stored = db.scalar(select(func.count()).select_from(QuestionnaireVersion))
    with pytest.raises(CatiErrors) as raised:
        questionnaire_store.pin(db, fielded, write(tmp_path, "2.0", extra, max), confirmed=True)
    headline, *refusals = raised.value.problems
    assert headline.code == ErrorCode.QUESTIONNAIRE_CHANGES_REFUSED
    assert [p.code for p in refusals] == [QuestionnaireCode.VERSION_INCOMPATIBLE]
    assert reason in refusals[0].message
    db.refresh(fielded)
    assert fielded.questionnaire_version_id == pinned
    assert db.scalar(select(func.count()).select_from(QuestionnaireVersion)) == stored


@pytest.fixture
def run(database_url, tmp_path, monkeypatch, app):
    """Invoke `cati …` with the test database."""
    monkeypatch.setenv("CATI_DATABASE_URL", database_url)
    monkeypatch.setenv("CATI_INSTANCE_PATH", str(tmp_path))
    cli._app.cache_clear()

    def invoke(*args, input=None):
        return CliRunner().invoke(cli.main, list(args), input=input, catch_exceptions=False)

    yield invoke
    cli._app.cache_clear()


def test_cati_project_pin_lists_the_changes_asks_and_refuses_with_the_reason(
    run, db, fielded, tmp_path
):
    newer = str(write(tmp_path, "1.1", recontact() + CHANNEL))
    declined = run("project", "pin", fielded.code, newer, input="n\n")
    assert declined.exit_code == 1
    assert "Q070 question channel is added" in declined.output
    assert "Pin it?" in declined.output and "Nothing was pinned." in declined.output
    accepted = run("project", "pin", fielded.code, newer, input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert f"Pinned questionnaire opinion 1.1 to {fielded.code}." in accepted.output
    again = run("project", "pin", fielded.code, newer, "--yes")
    assert again.exit_code == 0 and "Pin it?" not in again.output
    broken = str(write(tmp_path, "2.0", recontact("multiple")))
    refused = run("project", "pin", fielded.code, broken, "--yes")
    assert refused.exit_code == 1
    assert "E2621" in refused.output
    assert "Q071 question recontact changes from single to multiple" in refused.output


def test_a_project_in_fieldwork_without_interviews_yet_asks_too(db, tmp_path):
    project = make_project(db)
    questionnaire_store.pin(db, project, write(tmp_path, "1.0", recontact()))
    project.status = "fieldwork"
    db.commit()
    with pytest.raises(questionnaire_store.ChangesToConfirm):
        questionnaire_store.pin(db, project, write(tmp_path, "1.1", CHANNEL))
