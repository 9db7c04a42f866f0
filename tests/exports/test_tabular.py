"""CSV read with the csv module, XLSX with openpyxl (cell types) and pandas.read_excel."""

import csv
from dataclasses import replace
from datetime import UTC, date, datetime, time

import numpy as np
import pandas as pd
from openpyxl import load_workbook

from exports.columns import neutralize
from exports.tabular import write_csv, write_table_csv, write_xlsx
from tests.exports.conftest import Col

VERBATIMS = ["-10% más caro, ñ", "+34 no llamar", '=HYPERLINK("http://x")', "@SUM(A1)"]
COLUMNS = [
    Col("case_id", "Case id", "string", source="paradata"),
    Col(
        "q1",
        "Satisfacción",
        "numeric",
        {1: "Malo", 2: "Bueno", 98: "No sabe"},
        (98,),
        "question",
        "q1",
    ),
    Col("lon", "Longitud", "numeric", question_id="lon"),
    Col("why", "¿Por qué?", "string", question_id="why"),
    Col("born", "Fecha", "string", question_id="born"),
    Col("at", "Hora", "string", question_id="at"),
    Col("when", "Cita", "string", question_id="when"),
    Col("plot", "Sample: plot", "string", source="sample"),
    Col("started_at", "Interview start (UTC)", "numeric", source="paradata"),
]


def data() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "case_id": ["c1", "c2", "c3", "c4"],
            "q1": [1.0, 2.0, 98.0, np.nan],
            "lon": [-15.37116, -3.70379, 2.0, np.nan],
            "why": VERBATIMS,
            "born": ["1980-02-29", 98, None, "2001-12-31"],
            "at": ["09:30:00", "18:05:10", None, 99],
            "when": ["2026-12-01T10:00:00", None, None, None],
            "plot": ["-15.37116", "-3", "+2.5", "=1+1"],
            "started_at": [datetime(2026, 11, 30, 9, m, tzinfo=UTC) for m in range(4)],
        }
    )


def read_csv(path):
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_formula_starts_get_an_apostrophe_and_plain_numbers_and_other_text_do_not():
    for text in ("=1+1", "+1 cheap", "-1-cmd", "@SUM(A1)", "\tx", "\rx", "-10% x"):
        assert neutralize(text) == "'" + text
    for value in ("plain", "-15.37116", "+34", "-3", 5, -2.5):
        assert neutralize(value) == value


def test_csv_neutralizes_text_cells_only_and_writes_codes_as_integers(tmp_path):
    path = tmp_path / "d.csv"
    write_csv(data(), COLUMNS, path)
    rows = read_csv(path)
    assert [r["q1"] for r in rows] == ["1", "2", "98", ""]  # never 1.0, even with a blank
    assert [r["lon"] for r in rows] == ["-15.37116", "-3.70379", "2.0", ""]
    assert [r["why"] for r in rows] == ["'" + v for v in VERBATIMS]
    assert [r["plot"] for r in rows] == ["-15.37116", "-3", "+2.5", "'=1+1"]
    assert [r["born"] for r in rows] == ["1980-02-29", "98", "", "2001-12-31"]
    assert rows[0]["started_at"] == "2026-11-30 09:00:00+00:00"
    write_csv(data(), COLUMNS, path, labels=True)
    assert [r["q1"] for r in read_csv(path)] == ["Malo", "Bueno", "No sabe", ""]


def test_a_labelled_csv_keeps_unlabelled_codes_integers(tmp_path):
    frame = data().assign(q1=[1.0, 5.0, 98.0, np.nan])
    write_csv(frame, COLUMNS, tmp_path / "d.csv", labels=True)
    assert [r["q1"] for r in read_csv(tmp_path / "d.csv")] == ["Malo", "5", "No sabe", ""]


def test_a_table_csv_follows_the_same_rules(tmp_path):
    frame = pd.DataFrame({"attempt": [1.0, np.nan], "note": ["-3", "=cmd"], "lat": [-1.5, 2]})
    write_table_csv(frame, tmp_path / "t.csv")
    rows = read_csv(tmp_path / "t.csv")
    assert [(r["attempt"], r["note"], r["lat"]) for r in rows] == [
        ("1", "-3", "-1.5"),
        ("", "'=cmd", "2.0"),
    ]


def test_xlsx_cells_are_typed_and_text_is_stored_unaltered_as_text(tmp_path):
    path = tmp_path / "d.xlsx"
    write_xlsx(data(), COLUMNS, path)
    sheet = load_workbook(path)["data"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["case_id", "q1", "lon"]
    cells = {name: [row[i] for row in sheet.iter_rows(min_row=2)] for i, name in enumerate(header)}
    kinds = lambda name: [c.data_type for c in cells[name]]  # noqa: E731
    values = lambda name: [c.value for c in cells[name]]  # noqa: E731
    assert values("q1") == [1, 2, 98, None] and kinds("q1")[:3] == ["n"] * 3
    assert all(type(v) is int for v in values("q1")[:3])
    assert values("lon")[:3] == [-15.37116, -3.70379, 2] and kinds("lon")[:3] == ["n"] * 3
    # A string cell is never run: = + - @ texts are stored as typed, no apostrophe.
    assert values("why") == VERBATIMS and kinds("why") == ["s"] * 4
    assert values("plot") == ["-15.37116", "-3", "+2.5", "=1+1"] and kinds("plot") == ["s"] * 4
    assert values("born") == [datetime(1980, 2, 29), 98, None, datetime(2001, 12, 31)]
    assert cells["born"][0].number_format == "yyyy-mm-dd"
    assert kinds("born")[:2] == ["d", "n"]
    assert values("at")[:2] == [time(9, 30), time(18, 5, 10)] and values("at")[3] == 99
    assert cells["at"][0].number_format == "h:mm:ss"
    assert values("when")[0] == datetime(2026, 12, 1, 10, 0)
    assert values("started_at")[1] == datetime(2026, 11, 30, 9, 1)  # UTC, as labelled
    assert cells["started_at"][1].is_date
    variables = load_workbook(path)["variables"]
    assert [c.value for c in variables[3]][4:] == [
        "1 = Malo; 2 = Bueno; 98 = No sabe",
        "98",
        None,  # no XLSForm choice names
    ]
    assert [c.data_type for c in variables[3]][:6] == ["s"] * 6


def test_an_xlsx_with_names_writes_choice_names_and_lists_them(tmp_path):
    named = replace(COLUMNS[1], value_names={1: "bad", 2: "good", 98: "dont_know"})
    columns = [COLUMNS[0], named]
    path = tmp_path / "d.xlsx"
    write_xlsx(data(), columns, path, names=True)
    book = load_workbook(path)
    assert [row[1].value for row in book["data"].iter_rows(min_row=2)] == [
        "bad",
        "good",
        "dont_know",
        None,
    ]
    assert book["variables"]["G3"].value == "1 = bad; 2 = good; 98 = dont_know"


def test_pandas_reads_the_xlsx_with_numbers_dates_and_text(tmp_path):
    path = tmp_path / "d.xlsx"
    write_xlsx(data(), COLUMNS, path)
    frame = pd.read_excel(path, sheet_name="data")
    assert frame["q1"].tolist()[:3] == [1, 2, 98] and pd.isna(frame["q1"].iloc[3])
    assert frame["lon"].tolist()[:2] == [-15.37116, -3.70379]
    assert frame["why"].tolist() == VERBATIMS
    assert frame["born"].iloc[0] == pd.Timestamp(date(1980, 2, 29))
    assert frame["started_at"].dtype.kind == "M"
    write_xlsx(data(), COLUMNS, path, labels=True)
    assert pd.read_excel(path, sheet_name="data")["q1"].tolist()[:3] == ["Malo", "Bueno", "No sabe"]


def test_xlsx_text_that_looks_like_an_error_or_a_formula_stays_a_string(tmp_path):
    frame = data().assign(why=["#N/A", "=1+1", "#DIV/0!", "ok"])
    write_xlsx(frame, COLUMNS, tmp_path / "d.xlsx")
    sheet = load_workbook(tmp_path / "d.xlsx")["data"]
    column = [c.value for c in sheet[1]].index("why")
    cells = [row[column] for row in sheet.iter_rows(min_row=2)]
    assert [(c.value, c.data_type) for c in cells] == [
        ("#N/A", "s"),
        ("=1+1", "s"),
        ("#DIV/0!", "s"),
        ("ok", "s"),
    ]
