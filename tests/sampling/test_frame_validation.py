"""Frames: reading, validation with row numbers, all-or-nothing import, suppression."""

import pandas as pd
import pytest

from sampling.errors import ErrorCode, SamplingError
from sampling.frames import SOURCE_ROW, FrameSpec, load_frame, validate_frame

SPEC = FrameSpec(strata=("region",), latitude="lat", longitude="lon", region="US")
GOOD = [
    {"id": "h1", "phone": "+1 202 555 0101", "region": "Madrid", "lat": "40.42", "lon": "-3.70"},
    {"id": "h2", "phone": "(212) 555-0102", "region": "Canarias", "lat": "28.12", "lon": "-15.43"},
    {"id": "h3", "phone": "+1 305 555 0103", "region": "Madrid", "lat": "40.45", "lon": "-3.69"},
]


def _csv(tmp_path, rows, name="frame.csv"):
    path = tmp_path / name
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def _codes(error: SamplingError) -> list[tuple[int, str, str]]:
    return [(p.place.row, p.place.column, p.code) for p in error.row_problems]


def test_good_csv_is_imported_with_e164_kind_and_time_zones(tmp_path):
    frame = load_frame(
        _csv(tmp_path, GOOD),
        SPEC,
    )
    data = frame.data
    assert data["phone"].tolist() == ["+12025550101", "+12125550102", "+13055550103"]
    assert set(data["phone_kind"]) == {"fixed_or_mobile"}
    # US numbers say nothing certain about where a Spanish household is: coordinates win.
    assert data["time_zone"].tolist() == ["Europe/Madrid", "Atlantic/Canary", "Europe/Madrid"]
    assert data[SOURCE_ROW].tolist() == [2, 3, 4]
    assert frame.report.ok


def test_errors_name_the_row_as_seen_in_the_csv_and_refuse_the_whole_frame(tmp_path):
    rows = [*GOOD]
    rows.insert(1, {**GOOD[0], "id": "h9", "phone": "12345"})  # file row 3
    rows.append({**GOOD[2], "id": "h4", "lat": "91", "phone": "+1 415 555 0104"})  # row 6
    rows.append({**GOOD[2], "id": "h5", "lon": "east", "phone": "+1 512 555 0105"})  # row 7
    with pytest.raises(SamplingError) as err:
        load_frame(_csv(tmp_path, rows), SPEC)
    assert err.value.code is ErrorCode.FRAME_REJECTED
    assert _codes(err.value) == [
        (3, "phone", "S111"),
        (6, "lat", "S105"),
        (7, "lon", "S104"),
    ]
    assert "frame.csv, row 3, column 'phone'" in str(err.value.row_problems[0])
    assert "frame.csv" in str(err.value.problem) and "S130" in str(err.value.problem)


def test_blank_lines_keep_the_following_row_numbers_true_to_the_file(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_text(
        "id,phone,region,lat,lon\n"
        "h1,+12025550101,Madrid,40.4,-3.7\n"
        "\n"
        "h2,+1202555019,Madrid,40.4,-3.7\n"
    )
    with pytest.raises(SamplingError) as err:
        load_frame(path, SPEC)
    rows = {problem.place.row for problem in err.value.row_problems}
    assert rows == {3, 4}  # the blank line is row 3 and is reported, h2 is row 4


def test_drop_invalid_keeps_only_good_rows_and_counts_the_dropped(tmp_path):
    rows = [*GOOD, {**GOOD[0], "id": "h4", "phone": "555"}]
    frame = load_frame(_csv(tmp_path, rows), SPEC, drop_invalid=True)
    assert frame.data["id"].tolist() == ["h1", "h2", "h3"]
    assert frame.report.rows_dropped == 1
    assert frame.report.bad_rows == [5]


def test_duplicate_phone_is_an_error_on_the_later_row_naming_the_first(tmp_path):
    rows = [*GOOD, {**GOOD[1], "id": "h4", "phone": "+1 212 555 0102"}]
    with pytest.raises(SamplingError) as err:
        load_frame(_csv(tmp_path, rows), SPEC)
    (problem,) = err.value.row_problems
    assert (problem.place.row, problem.code) == (5, ErrorCode.PHONE_DUPLICATE)
    assert "first in row 3" in problem.message


def test_duplicate_id_is_an_error(tmp_path):
    rows = [*GOOD, {**GOOD[0], "phone": "+1 617 555 0150"}]
    with pytest.raises(SamplingError) as err:
        load_frame(_csv(tmp_path, rows), SPEC)
    assert _codes(err.value) == [(5, "id", "S114")]


def test_do_not_call_numbers_are_suppressed_not_errors(tmp_path):
    frame = load_frame(_csv(tmp_path, GOOD), SPEC, do_not_call=["(202) 555-0101"])
    assert frame.data["id"].tolist() == ["h2", "h3"]
    assert [s.place.row for s in frame.report.suppressed] == [2]
    assert frame.report.ok


def test_second_phone_survives_when_the_first_is_on_the_do_not_call_list():
    spec = FrameSpec(phones=("home", "mobile"))
    table = pd.DataFrame({"id": ["a"], "home": ["+12025550101"], "mobile": ["+13055550107"]})
    frame = validate_frame(table, spec, do_not_call=["+12025550101"])
    assert frame.data.loc[0, "home"] == "" and frame.data.loc[0, "mobile"] == "+13055550107"


def test_time_zone_comes_from_a_spanish_phone_when_there_are_no_coordinates():
    spec = FrameSpec()
    # DEMO numbers: round placeholders in the Canary (928) and Madrid (91) ranges, which
    # have no fictional block; they only exercise parsing and are never dialled.
    table = pd.DataFrame({"id": ["a", "b"], "phone": ["928 000 000", "910 000 000"]})
    frame = validate_frame(table, spec)
    assert frame.data["time_zone"].tolist() == ["Atlantic/Canary", "Europe/Madrid"]


def test_time_zone_that_cannot_be_inferred_is_an_error():
    """A toll-free number spans every NANP zone and there are no coordinates to decide."""
    table = pd.DataFrame({"id": ["a"], "phone": ["+1 800 555 0100"]})
    with pytest.raises(SamplingError) as err:
        validate_frame(table, FrameSpec())
    assert _codes(err.value) == [(2, "time_zone", "S121")]


def test_given_time_zones_must_be_iana_names():
    spec = FrameSpec(time_zone="tz")
    table = pd.DataFrame(
        {"id": ["a", "b"], "phone": ["+12025550101", "+12025550102"], "tz": ["CET", "Mars/Base"]}
    )
    with pytest.raises(SamplingError) as err:
        validate_frame(table, spec)
    assert _codes(err.value) == [(3, "tz", "S120")]


def test_missing_declared_column_is_refused_before_reading_rows(tmp_path):
    with pytest.raises(SamplingError) as err:
        load_frame(_csv(tmp_path, GOOD), FrameSpec(strata=("province",)))
    assert err.value.code is ErrorCode.MISSING_COLUMN
    assert "province" in str(err.value)


def test_xlsx_rows_are_numbered_like_the_spreadsheet(tmp_path):
    path = tmp_path / "frame.xlsx"
    rows = [*GOOD, {**GOOD[0], "id": "h4", "phone": "+34 555 000 000"}]
    pd.DataFrame(rows).to_excel(path, index=False)
    with pytest.raises(SamplingError) as err:
        load_frame(path, SPEC)
    assert _codes(err.value) == [(5, "phone", "S111")]


def test_xlsx_numeric_phone_cells_are_read_as_numbers_not_floats(tmp_path):
    path = tmp_path / "numeric.xlsx"
    pd.DataFrame({"id": [1], "phone": [12025550101]}).to_excel(path, index=False)
    frame = load_frame(path, FrameSpec(region="US"))
    assert frame.data["phone"].tolist() == ["+12025550101"]
    assert frame.data["id"].tolist() == ["1"]


def test_parquet_records_are_numbered_from_one(tmp_path):
    path = tmp_path / "frame.parquet"
    rows = [*GOOD, {**GOOD[0], "id": "h4", "phone": "+1 202 555 01"}]
    df = pd.DataFrame(rows)
    df["lat"] = df["lat"].astype(float)
    df["lon"] = df["lon"].astype(float)
    df.to_parquet(path)
    with pytest.raises(SamplingError) as err:
        load_frame(path, SPEC)
    assert _codes(err.value) == [(4, "phone", "S111")]


def test_unknown_file_type_and_missing_file_have_their_own_codes(tmp_path):
    (tmp_path / "frame.json").write_text("{}")
    with pytest.raises(SamplingError) as err:
        load_frame(tmp_path / "frame.json", SPEC)
    assert err.value.code is ErrorCode.FILE_FORMAT
    with pytest.raises(SamplingError) as err:
        load_frame(tmp_path / "nope.csv", SPEC)
    assert err.value.code is ErrorCode.FILE_NOT_FOUND


def test_semicolon_windows_1252_csv_from_a_spanish_spreadsheet_is_read(tmp_path):
    path = tmp_path / "excel.csv"
    text = "id;phone;region;lat;lon\r\nh1;+1 202 555 0101;Andalucía;37.39;-5.98\r\n"
    path.write_bytes(text.encode("cp1252"))
    frame = load_frame(path, SPEC)
    assert frame.data.loc[0, "region"] == "Andalucía"
    assert frame.data.loc[0, "phone"] == "+12025550101"


def test_projected_coordinates_are_checked_as_numbers_and_feed_spatial_designs():
    from sampling.designs import draw

    spec = FrameSpec(x="east", y="north", time_zone="tz", region="US")
    table = pd.DataFrame(
        {
            "id": [f"u{i}" for i in range(40)],
            "phone": [f"+1202555{i:04d}" for i in range(100, 140)],
            "east": [str(500_000 + 1000 * i) for i in range(40)],
            "north": [str(4_400_000 + 700 * (i % 7)) for i in range(40)],
            "tz": ["Europe/Madrid"] * 40,
        }
    )
    frame = validate_frame(table, spec)
    result = draw(frame, 8, "lpm2", random=1)
    assert len(result.sample) == 8
    table.loc[3, "east"] = "n/a"
    with pytest.raises(SamplingError) as err:
        validate_frame(table, spec)
    assert _codes(err.value) == [(5, "east", "S104")]


def test_undeclared_columns_are_kept_as_text_for_fieldwork():
    table = pd.DataFrame(
        {
            "id": ["a", "b"],
            "phone": ["+1 202 555 0101", "+1 202 555 0102"],
            "age_group": ["18-34", "55+"],
            "first_name": ["Lucía", "Pau"],
        }
    )
    frame = validate_frame(table, FrameSpec(), file="f.csv")
    assert frame.data["age_group"].tolist() == ["18-34", "55+"]
    assert frame.data["first_name"].tolist() == ["Lucía", "Pau"]


def test_a_damaged_spreadsheet_is_a_file_format_error_naming_the_file(tmp_path):
    """Found by fuzzing: a corrupted .xlsx raised BadZipFile or zlib.error past the handler."""
    path = tmp_path / "frame.xlsx"
    pd.DataFrame({"id": ["1"], "phone": ["+1 202 555 0150"]}).to_excel(path, index=False)
    data = path.read_bytes()
    path.write_bytes(data[:30] + bytes([data[30] ^ 0xFF]) + data[31 : len(data) // 2])
    with pytest.raises(SamplingError) as err:
        load_frame(path, SPEC)
    assert err.value.code is ErrorCode.FILE_FORMAT
    assert err.value.problem.place.file == str(path)
