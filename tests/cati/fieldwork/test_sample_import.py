"""Reading a sample file: every problem named by row and column, nothing half-imported."""

import pandas as pd
import pytest
from sqlalchemy import func, select

from cati.errors import ErrorCode
from cati.fieldwork import projects
from cati.fieldwork.cases import import_cases
from cati.fieldwork.sample_import import SampleError, parse_sample, read_table
from cati.models import Case, Phone
from cati.problems import Place

GOOD = """case_id,phone_1,phone_2,time_zone,replicate,pi,weight,region,age_group
A1,+1 202 555 0101,,America/New_York,1,0.01,100,north,18-34
A2,(212) 555-0102,+1 212 555 0103,,2,0.02,50,south,35-54
"""


def parse(text: str, tmp_path, name="sample.csv"):
    path = tmp_path / name
    path.write_text(text)
    return parse_sample(read_table(path), name, "Europe/Madrid", region="US")


def test_a_good_file_gives_normalized_phones_zones_and_sample_variables(tmp_path):
    a1, a2 = parse(GOOD, tmp_path)
    assert a1.phones == [("+12025550101", "fixed_or_mobile")]
    assert [n for n, _ in a2.phones] == ["+12125550102", "+12125550103"]
    # A1's zone is the file's; A2's is its (212) number's, not the default.
    assert (a1.time_zone, a2.time_zone) == ("America/New_York", "America/New_York")
    assert (a1.time_zone_source, a2.time_zone_source) == ("given", "phone")
    assert (a2.replicate, a2.inclusion_prob, a2.design_weight) == (2, 0.02, 50.0)
    assert a1.sample_vars == {"region": "north", "age_group": "18-34"}


def test_every_bad_cell_is_reported_with_its_row_and_column(tmp_path):
    text = """case_id,phone,time_zone,pi
B1,+1 202 555 0101,Mars/Olympus,0.5
B2,12345,,0.5
B3,+1 202 555 0102,,2
B1,+1 202 555 0104,,0.5
"""
    with pytest.raises(SampleError) as caught:
        parse(text, tmp_path)
    places = [(p.code, p.place.row, p.place.column) for p in caught.value.problems]
    assert places == [
        (ErrorCode.SAMPLE_ROW_INVALID, 2, "time_zone"),
        (ErrorCode.SAMPLE_ROW_INVALID, 3, "phone"),
        (ErrorCode.SAMPLE_ROW_INVALID, 4, "pi"),
        (ErrorCode.SAMPLE_DUPLICATE_CASE, 5, None),
    ]
    assert "sample.csv, row 2, column 'time_zone'" in str(caught.value)
    assert "(and 3 more problems)" in str(caught.value)


def test_missing_required_columns_are_named_with_the_headers_the_file_has(tmp_path):
    with pytest.raises(SampleError) as caught:
        parse("reference,number\n1,2\n", tmp_path)
    columns = [p.params["column"] for p in caught.value.problems]
    assert columns == ["case_id", "phone (or phone_1, phone_2, … or phones)"]
    assert str(caught.value.problems[0]) == (
        "sample.csv: error E2302: required column case_id is missing (the file's columns: "
        "reference, number); add it, or name the column that holds it one of: id, case_id, "
        "caseid, case, identifier, identificador, id_caso, caso"
    )


def test_xlsx_samples_are_read_too(tmp_path):
    path = tmp_path / "sample.xlsx"
    pd.DataFrame({"case_id": ["X1"], "phones": ["+1 202 555 0150; +1 202 555 0151"]}).to_excel(
        path, index=False
    )
    (record,) = parse_sample(read_table(path), path.name, "Europe/Madrid")
    assert [n for n, _ in record.phones] == ["+12025550150", "+12025550151"]


def test_an_unreadable_file_is_a_clear_error(tmp_path):
    path = tmp_path / "sample.xlsx"
    path.write_bytes(b"not a spreadsheet")
    with pytest.raises(SampleError) as caught:
        read_table(path)
    assert caught.value.code is ErrorCode.SAMPLE_UNREADABLE


@pytest.mark.parametrize(
    ("name", "content"),
    [("sample.xlsx", b"PK\x03\x04"), ("sample.parquet", b"PAR1\x00PAR1")],
    ids=["zip-header-only", "parquet-magic-only"],
)
def test_a_damaged_spreadsheet_is_a_clear_error_naming_the_file(tmp_path, name, content):
    """Found by fuzzing: a truncated .xlsx raised zipfile.BadZipFile past the handler."""
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SampleError) as caught:
        read_table(path)
    assert caught.value.code is ErrorCode.SAMPLE_UNREADABLE
    assert caught.value.problem.place.file == name


def test_importing_case_ids_already_in_the_project_writes_nothing(db, tmp_path):
    project = projects.create_project(db, "IMP", "Import test")
    records = parse(GOOD, tmp_path)
    assert import_cases(db, project, records, "sample.csv") == 2
    again = parse(GOOD.replace("A2,", "A3,"), tmp_path)
    with pytest.raises(SampleError) as caught:
        import_cases(db, project, again, "sample.csv")
    first = caught.value.problems[0]
    assert (first.place, first.params) == (
        Place(file="sample.csv", row=2),
        {"case": "A1", "project": "IMP"},
    )
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Case)) == 2
    assert db.scalar(select(func.count()).select_from(Phone)) == 3


def test_a_sample_drawn_by_the_sampling_package_imports_as_it_is(tmp_path):
    from click.testing import CliRunner

    from sampling.commands import sample_group

    frame, sample = tmp_path / "frame.csv", tmp_path / "sample.csv"
    runner = CliRunner()
    assert runner.invoke(sample_group, ["demo", str(frame), "--households", "400"]).exit_code == 0
    drawn = runner.invoke(
        sample_group,
        [
            "draw",
            "--frame",
            str(frame),
            "--n",
            "40",
            "--seed",
            "3",
            "--replicates",
            "2",
            "--out",
            str(sample),
        ],
    )
    assert drawn.exit_code == 0, drawn.output
    records = parse_sample(read_table(sample), "sample.csv", "Europe/Madrid")
    assert len(records) == 40
    assert {r.replicate for r in records} == {1, 2}
    assert all(r.phones and r.inclusion_prob and r.design_weight for r in records)
    assert {r.time_zone for r in records} <= {"Europe/Madrid", "Atlantic/Canary", "Africa/Ceuta"}
    assert "region" in records[0].sample_vars
