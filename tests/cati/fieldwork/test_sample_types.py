"""Sample variables typed against the pinned questionnaire: at import, at pin, at the first
interview (brand_awareness.yaml declares region as text and age_group as a number)."""

import math
import string
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from cati import interviewing, questionnaire_store
from cati.errors import CatiError, CatiErrors, ErrorCode
from cati.fieldwork import dispatch
from cati.fieldwork.cases import import_cases, release_replicate
from cati.fieldwork.sample_import import SampleError, parse_sample, read_csv, read_table
from cati.fieldwork.sample_types import type_records, typed_value
from cati.models import Case, Project, QuestionnaireVersion
from cati.problems import Place
from questionnaires import read_questionnaire
from questionnaires import state as st_
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases

# The sample's +1 202 numbers are in New York's zone, whose morning is Madrid's afternoon.
NEW_YORK_10 = MONDAY_10 + timedelta(hours=6)
BRAND = Path(__file__).parents[3] / "questionnaires" / "library" / "brand_awareness.yaml"
BRAND_QUESTIONNAIRE = read_questionnaire(BRAND.read_bytes(), BRAND.name)
SAMPLE = """case_id,phone,region,age_group
A1,+1 202 555 0101,north,3
A2,+1 202 555 0102,south,2.5
A3,+1 202 555 0103,east,
"""


def records_of(text: str, tmp_path, name="sample.csv"):
    path = tmp_path / name
    path.write_text(text)
    return parse_sample(read_table(path), name, "Europe/Madrid", region="US")


def imported(db, project, text, tmp_path, name="sample.csv"):
    return import_cases(db, project, records_of(text, tmp_path, name), name)


def stored_vars(db, project):
    db.expire_all()
    cases = db.scalars(select(Case).where(Case.project_id == project.id).order_by(Case.id))
    return {c.external_id: c.sample_vars for c in cases}


def test_declared_variables_are_stored_typed(db, project, tmp_path):
    questionnaire_store.pin(db, project, BRAND)
    assert imported(db, project, SAMPLE, tmp_path) == 3
    db.commit()
    vars_ = stored_vars(db, project)
    assert vars_ == {
        "A1": {"region": "north", "age_group": 3},
        "A2": {"region": "south", "age_group": 2.5},
        "A3": {"region": "east", "age_group": None},
    }
    assert type(vars_["A1"]["age_group"]) is int


def test_without_a_questionnaire_the_cells_stay_text(db, project, tmp_path):
    imported(db, project, SAMPLE, tmp_path)
    db.commit()
    assert stored_vars(db, project)["A1"] == {"region": "north", "age_group": "3"}


def test_a_value_of_the_wrong_type_is_refused_by_file_row_column_and_type(db, project, tmp_path):
    questionnaire_store.pin(db, project, BRAND)
    bad = SAMPLE + "A4,+1 202 555 0104,west,35-54\nA5,+1 202 555 0105,west,old\n"
    with pytest.raises(SampleError) as caught:
        imported(db, project, bad, tmp_path, name="wave2.csv")
    problems = caught.value.problems
    assert [p.place for p in problems] == [
        Place(file="wave2.csv", row=5, column="age_group"),
        Place(file="wave2.csv", row=6, column="age_group"),
    ]
    assert {p.code for p in problems} == {ErrorCode.SAMPLE_ROW_INVALID}
    assert "wave2.csv, row 5, column 'age_group'" in str(caught.value)
    assert "'35-54' is not a number" in str(caught.value)
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Case)) == 0


def test_at_most_fifty_bad_cells_are_listed(db, project, tmp_path):
    questionnaire_store.pin(db, project, BRAND)
    rows = "".join(f"B{n},+1 202 555 {100 + n:04d},x,n{n}\n" for n in range(60))
    with pytest.raises(SampleError) as caught:
        imported(db, project, "case_id,phone,region,age_group\n" + rows, tmp_path)
    assert len(caught.value.problems) == 50


def test_a_missing_declared_column_is_refused_by_file_and_column(db, project, tmp_path):
    questionnaire_store.pin(db, project, BRAND)
    with pytest.raises(SampleError) as caught:
        imported(db, project, "case_id,phone,region\nA1,+1 202 555 0101,north\n", tmp_path)
    (missing,) = caught.value.problems
    assert missing.code == ErrorCode.SAMPLE_COLUMN_MISSING
    assert missing.place == Place(file="sample.csv") and missing.params["column"] == "age_group"
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Case)) == 0


def test_a_pin_types_the_existing_cases(db, project, tmp_path):
    imported(db, project, SAMPLE, tmp_path)
    questionnaire_store.pin(db, project, BRAND)
    assert stored_vars(db, project)["A1"] == {"region": "north", "age_group": 3}


def test_a_pin_is_refused_for_cases_that_lack_or_mistype_a_variable(db, project, tmp_path):
    make_cases(db, project, 2, release=False, sample_vars={"region": "north"})
    (mistyped,) = make_cases(
        db, project, release=False, sample_vars={"region": "x", "age_group": "old"}
    )
    db.commit()
    before = stored_vars(db, project)
    with pytest.raises(CatiErrors) as caught:
        questionnaire_store.pin(db, project, BRAND)
    lacking, wrong = caught.value.problems
    assert lacking.code == ErrorCode.SAMPLE_VARIABLE_LACKING
    assert (lacking.params["name"], lacking.params["count"]) == ("age_group", 2)
    assert lacking.params["case"] in before
    assert wrong.code == ErrorCode.SAMPLE_VARIABLE_MISTYPED
    assert (wrong.params["name"], wrong.params["count"]) == ("age_group", 1)
    assert wrong.params["case"] == mistyped.external_id
    assert "sample variable age_group is not a number" in wrong.translated()
    assert db.scalar(select(Project.questionnaire_version_id)) is None
    assert db.scalar(select(func.count()).select_from(QuestionnaireVersion)) == 0
    assert stored_vars(db, project) == before


def test_a_brand_awareness_interview_starts_from_an_imported_csv(
    db, project, interviewer, tmp_path
):
    questionnaire_store.pin(db, project, BRAND)
    imported(db, project, SAMPLE, tmp_path)
    release_replicate(db, project, 1, now=NEW_YORK_10)
    claim = dispatch.next_case(db, project, interviewer, now=NEW_YORK_10)
    interview = interviewing.start_by_phone(db, claim.case, interviewer, NEW_YORK_10, None)
    state = interviewing.state_of(interview)
    assert state.status == st_.ACTIVE
    assert state.sample["age_group"] in (3, 2.5, None)  # the engine's check passed
    assert interviewing.current_page(db, interview) is not None


def test_a_wrong_value_at_interview_start_is_an_error_for_the_interviewer(
    db, project, interviewer, tmp_path
):
    questionnaire_store.pin(db, project, BRAND)
    imported(db, project, SAMPLE, tmp_path)
    release_replicate(db, project, 1, now=NEW_YORK_10)
    claim = dispatch.next_case(db, project, interviewer, now=NEW_YORK_10)
    claim.case.sample_vars = {"region": "north", "age_group": "3"}  # written behind its back
    db.commit()
    with pytest.raises(CatiError) as caught:
        interviewing.start_by_phone(db, claim.case, interviewer, NEW_YORK_10, None)
    assert caught.value.code == ErrorCode.SAMPLE_VARIABLE_WRONG
    assert "age_group should be number, not '3'" in str(caught.value)


# --- the conversion, over values of each declared type and junk -----------------------------


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_whole_numbers_become_ints(number):
    assert typed_value(f" {number} ", "number") == number
    assert type(typed_value(str(number), "number")) is int


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_decimal_numbers_become_the_same_floats(number):
    assert typed_value(repr(number), "number") == number


@given(st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False)))
def test_numbers_already_typed_stay(number):
    assert typed_value(number, "number") == number


@given(st.text(alphabet=string.ascii_letters + "-/ ", min_size=1).filter(str.strip))
def test_junk_is_no_number(junk):
    with pytest.raises(ValueError):
        typed_value(junk, "number")


@given(st.text())
def test_text_stays_text(text):
    assert typed_value(text, "text") == text


def test_a_number_declared_text_becomes_its_digits():
    assert typed_value(3, "text") == "3"


def test_empty_cells_are_no_value_and_infinity_no_number():
    assert typed_value("", "number") is None and typed_value(" ", "number") is None
    for junk in ("inf", "nan", True):
        with pytest.raises(ValueError):
            typed_value(junk, "number")
    assert math.isclose(typed_value("1e3", "number"), 1000.0)


NUMBER_CELLS = st.one_of(
    st.integers(min_value=-(10**9), max_value=10**9).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
)
JUNK_CELLS = st.text(alphabet=string.ascii_letters + "-/", min_size=1)


CELLS = st.one_of(NUMBER_CELLS.map(lambda c: (c, True)), JUNK_CELLS.map(lambda c: (c, False)))


@given(st.lists(CELLS, min_size=1, max_size=20))
def test_a_file_is_typed_whole_or_refused_at_each_junk_cell(cells):
    rows = "".join(f"C{n},+1 202 555 {100 + n:04d},north,{c}\n" for n, (c, _) in enumerate(cells))
    table = read_csv(f"case_id,phone,region,age_group\n{rows}".encode(), "s.csv")
    records = parse_sample(table, "s.csv", "Europe/Madrid", region="US")
    junk_rows = [n + 2 for n, (_, number) in enumerate(cells) if not number]
    if junk_rows:
        with pytest.raises(SampleError) as caught:
            type_records(records, BRAND_QUESTIONNAIRE, "s.csv")
        assert [p.place.row for p in caught.value.problems] == junk_rows
        assert [r.sample_vars["age_group"] for r in records] == [c for c, _ in cells]  # as read
    else:
        type_records(records, BRAND_QUESTIONNAIRE, "s.csv")
        assert [r.sample_vars["age_group"] for r in records] == [float(c) for c, _ in cells]
