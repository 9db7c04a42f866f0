"""SPSS and Stata files read back with their labels and missing values."""

import numpy as np
import pyreadstat
import pytest

from exports.columns import select_columns
from exports.statfiles import write_dta, write_sav
from tests.exports.conftest import Col


def test_sample_variables_are_left_out_unless_asked_or_declared_safe(columns):
    names = lambda cols: [c.name for c in cols]  # noqa: E731
    assert "phone" not in names(select_columns(columns))
    assert "region" not in names(select_columns(columns))
    assert "region" in names(select_columns(columns, safe=["region"]))
    assert "phone" not in names(select_columns(columns, safe=["region"]))
    assert "phone" in names(select_columns(columns, include_personal=True))
    assert "q1" in names(select_columns(columns)) and "case_id" in names(select_columns(columns))


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
