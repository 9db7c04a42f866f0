"""A study with every question type, exported through the reporting layer and read back by
independent readers: the Triple-S reader written from the standard, csv, openpyxl, pandas."""

from __future__ import annotations

import csv
from datetime import date, time

import pandas as pd
import pytest
from openpyxl import load_workbook

from cati import questionnaire_store, reporting
from cati.models import Interview, Project
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project
from tests.exports.test_triple_s import read_triple_s

EVERY_TYPE = """\
id: every
version: "1.0"
title: Every type
questions:
  - id: q1
    type: single
    text: Satisfacción
    options: [{code: 1, label: Malo}, {code: 2, label: Bueno}]
  - id: ch
    type: multiple
    text: Canales
    options: [{code: 1, label: Teléfono}, {code: 2, label: "Correo €"}]
  - {id: age, type: numeric, text: Edad, min: 16, max: 99}
  - {id: lon, type: numeric, text: Longitud, decimals: 5, min: -180, max: 180}
  - {id: nps, type: rating, text: Recomendación, min: 0, max: 10, nps: true}
  - id: g
    type: grid
    text: Valore
    items: [{id: precio, label: Precio}]
    scale: [{code: 1, label: Mal}, {code: 2, label: Bien}]
  - {id: why, type: text, text: ¿Por qué?, max_length: 3000}
  - {id: born, type: date, text: Fecha}
  - {id: at, type: date, kind: time, text: Hora}
"""
DK, REF = {"special": "dk"}, {"special": "ref"}
LONG = "ñá€" * 400  # 1,200 characters, 2,800 bytes in UTF-8
ANSWERS = [
    {
        "q1": 1,
        "ch": [1],
        "age": 98,
        "lon": -15.37116,
        "nps": 0,
        "g": {"precio": 1},
        "why": "-10% más caro",
        "born": "1980-02-29",
        "at": "09:30:00",
    },
    {
        "q1": DK,
        "ch": DK,
        "age": DK,
        "lon": DK,
        "nps": REF,
        "g": {"precio": DK},
        "why": DK,
        "born": REF,
        "at": DK,
    },
    {
        "q1": 2,
        "ch": [1, 2],
        "age": 40,
        "lon": 2.17,
        "nps": 10,
        "g": {"precio": 2},
        "why": LONG,
        "born": "2001-12-31",
        "at": "18:05:00",
    },
]


@pytest.fixture
def project(db, tmp_path):
    project = make_project(db)
    source = tmp_path / "every.yaml"
    source.write_text(EVERY_TYPE, encoding="utf-8")
    questionnaire_store.pin(db, project, source)
    for case, answers in zip(make_cases(db, project, n=len(ANSWERS)), ANSWERS, strict=True):
        db.add(
            Interview(
                case_id=case.id,
                questionnaire_version_id=db.get(Project, case.project_id).questionnaire_version_id,
                state="{}",
                answers=answers,
                status="completed",
                started_at=MONDAY_10,
                ended_at=MONDAY_10,
            )
        )
    db.commit()
    return project


def test_triple_s_declares_every_value_of_every_type(db, project, tmp_path):
    sss, _ = reporting.export_data(db, project, "sss", tmp_path / "every.sss", language="es")
    variables, rows = read_triple_s(sss)
    assert {n: variables[n][0] for n in ("q1", "ch", "age", "lon", "nps", "g_precio")} == {
        "q1": "single",
        "ch": "multiple",
        "age": "quantity",
        "lon": "quantity",
        "nps": "quantity",
        "g_precio": "single",
    }
    assert (variables["born"][0], variables["why"][0], variables["at"][0]) == (
        "date",
        "character",
        "character",
    )
    assert [r["q1"] for r in rows] == ["Malo", "No sabe", "Bueno"]
    assert [r["ch"] for r in rows] == [[1], [3], [1, 2]]  # 3: No sabe, never "none"
    assert variables["ch"][3]["3"] == "No sabe"
    assert [r["age"] for r in rows] == [98.0, "No sabe", 40.0]  # an age of 98 is an age
    assert [r["lon"] for r in rows] == [-15.37116, "No sabe", 2.17]
    assert [r["nps"] for r in rows] == [0.0, "No contesta", 10.0]
    assert [r["g_precio"] for r in rows] == ["Mal", "No sabe", "Bien"]
    assert [r["why"] for r in rows] == ["-10% más caro", None, LONG]
    assert [r["why_sp"] for r in rows] == [None, "No sabe", None]
    assert [r["born"] for r in rows] == [date(1980, 2, 29), "No contesta", date(2001, 12, 31)]
    assert [r["at"] for r in rows] == ["09:30:00", None, "18:05:00"]
    assert [r["at_sp"] for r in rows] == [None, "No sabe", None]


def test_csv_and_xlsx_keep_types_and_verbatims(db, project, tmp_path):
    reporting.export_data(db, project, "csv", tmp_path / "every.csv")
    with (tmp_path / "every.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    # A decimal column stays decimal (its Don't know is 998 there, above the range).
    assert [r["lon"] for r in rows] == ["-15.37116", "998.0", "2.17"]
    assert [r["q1"] for r in rows] == ["1", "98", "2"]
    assert rows[0]["why"] == "'-10% más caro"  # a text cell: neutralized for spreadsheets
    reporting.export_data(db, project, "xlsx", tmp_path / "every.xlsx")
    sheet = load_workbook(tmp_path / "every.xlsx")["data"]
    header = [c.value for c in sheet[1]]
    first = dict(zip(header, sheet[2], strict=True))
    assert (first["why"].value, first["why"].data_type) == ("-10% más caro", "s")
    assert (first["lon"].value, first["lon"].data_type) == (-15.37116, "n")
    assert first["born"].is_date and first["born"].number_format == "yyyy-mm-dd"
    assert first["at"].value == time(9, 30)
    frame = pd.read_excel(tmp_path / "every.xlsx", sheet_name="data")
    assert frame["born"].iloc[0] == pd.Timestamp(1980, 2, 29)
    assert frame["why"].tolist()[::2] == ["-10% más caro", LONG]
