"""Data files read back with their labels, missing values and safe cells."""

import csv

import numpy as np
import pyreadstat
import pytest
from openpyxl import load_workbook

from exports.columns import neutralize, select_columns
from exports.statfiles import write_dta, write_sav
from exports.tabular import write_csv, write_xlsx
from tests.exports.conftest import Col


def test_sample_variables_are_left_out_unless_asked_or_declared_safe(columns):
    names = lambda cols: [c.name for c in cols]  # noqa: E731
    assert "phone" not in names(select_columns(columns))
    assert "region" not in names(select_columns(columns))
    assert "region" in names(select_columns(columns, safe=["region"]))
    assert "phone" not in names(select_columns(columns, safe=["region"]))
    assert "phone" in names(select_columns(columns, include_personal=True))
    assert "q1" in names(select_columns(columns)) and "case_id" in names(select_columns(columns))


def test_formula_starts_get_an_apostrophe_and_other_text_does_not():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert neutralize(text) == "'" + text
    assert neutralize("plain") == "plain" and neutralize(5) == 5


def test_csv_neutralizes_formulas_and_writes_labels_when_asked(tmp_path, frame, columns):
    path = tmp_path / "d.csv"
    write_csv(frame, columns, path, labels=True)
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
    assert rows[0]["why"] == '\'=HYPERLINK("http://x")'
    assert rows[1]["why"] == "'+1 cheap"
    assert rows[2]["phone"] == "'@SUM(A1)" and rows[3]["phone"] == "'-3"
    assert [r["q1"] for r in rows] == ["Bad", "Good", "Don't know", ""]
    write_csv(frame, columns, path)
    assert next(csv.DictReader(path.open(encoding="utf-8-sig")))["q1"] == "1.0"


def test_xlsx_has_data_and_variables_sheets_without_formulas(tmp_path, frame, columns):
    path = tmp_path / "d.xlsx"
    write_xlsx(frame, columns, path)
    book = load_workbook(path)
    data = list(book["data"].values)
    assert data[0][:3] == ("case_id", "q1", "ch_1")
    assert data[1][5] == '\'=HYPERLINK("http://x")'
    assert all(not (isinstance(v, str) and v.startswith("=")) for row in data for v in row)
    variables = {row[0]: row for row in book["variables"].iter_rows(min_row=2, values_only=True)}
    assert variables["q1"][1] == "Satisfaction"
    assert "98 = Don't know" in variables["q1"][4] and variables["q1"][5] == "97, 98, 99"


def test_negative_numbers_stay_numbers_while_text_starting_with_minus_is_neutralized(
    tmp_path, frame, columns
):
    """OWASP's rule applies to text cells only: -12.5 in a numeric column is a number."""
    frame["spend"] = [-12.5, -99.0, 3.25, np.nan]
    write_csv(frame, columns, tmp_path / "d.csv")
    rows = list(csv.DictReader((tmp_path / "d.csv").open(encoding="utf-8-sig")))
    assert [r["spend"] for r in rows[:2]] == ["-12.5", "-99.0"] and rows[3]["phone"] == "'-3"
    write_xlsx(frame, columns, tmp_path / "d.xlsx")
    data = list(load_workbook(tmp_path / "d.xlsx")["data"].values)
    spend, phone = data[0].index("spend"), data[0].index("phone")
    assert [row[spend] for row in data[1:3]] == [-12.5, -99.0]
    assert data[4][phone] == "'-3" and data[3][phone] == "'@SUM(A1)"


def test_sav_round_trips_labels_and_missing_values(tmp_path, frame, columns):
    path = tmp_path / "d.sav"
    write_sav(frame, columns, path, file_label="Demo")
    data, meta = pyreadstat.read_sav(path, user_missing=True)
    assert meta.column_names_to_labels["q1"] == "Satisfaction"
    assert meta.variable_value_labels["q1"] == {1.0: "Bad", 2.0: "Good", 98.0: "Don't know"}
    assert [r["lo"] for r in meta.missing_ranges["q1"]] == [97.0, 98.0, 99.0]
    assert data["q1"].iloc[2] == 98.0 and np.isnan(data["q1"].iloc[3])
    assert data["why"].iloc[2].startswith("<script>")
    plain, _ = pyreadstat.read_sav(path)  # user-missing codes read as missing by default
    assert np.isnan(plain["q1"].iloc[2])


def test_dta_round_trips_labels_and_missing_codes_as_extended_missing(tmp_path, frame, columns):
    path = tmp_path / "d.dta"
    write_dta(frame, columns, path)
    data, meta = pyreadstat.read_dta(path, user_missing=True)
    assert meta.column_names_to_labels["ch_1"] == "Channels: Phone"
    assert meta.variable_value_labels["q1"] == {1: "Bad", 2: "Good", "b": "Don't know"}
    assert meta.missing_user_values["q1"] == ["b"]  # Stata lists the letters in use
    assert data["q1"].iloc[2] == "b" and data["q1"].iloc[0] == 1.0
    assert data["spend"].iloc[1] == "c"  # 99 is declared missing for spend too


def test_dta_refuses_names_longer_than_stata_allows_and_says_which(tmp_path, frame, columns):
    long_name = "a" * 33
    columns = [*columns, Col(long_name, "Long", "numeric")]
    frame = frame.assign(**{long_name: 1.0})
    with pytest.raises(ValueError, match=long_name):
        write_dta(frame, columns, tmp_path / "d.dta")
