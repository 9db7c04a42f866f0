"""The upload parsers on generated and mutated files: each returns a result or raises the
project's own error naming the place (file, row, column, path) — never another exception.

No database: these are the pure readers the web routes and the CLI call. The number of
examples comes from the Hypothesis profile (tests/conftest.py): ``HYPOTHESIS_PROFILE=long``
runs many more.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from cati.fieldwork.sample_import import SampleError, parse_sample, read_table
from questionnaires import QuestionnaireError, read_questionnaire
from sampling.errors import SamplingError
from sampling.frames import FrameSpec, load_frame
from sampling.phones import normalize_phone
from tests.fuzz import budget
from tests.fuzz.files import (
    FRAME_COLUMNS,
    cell_text,
    frame_files,
    questionnaire_yaml,
    xlsform_bytes,
)


def _written(folder: str, name: str, data: bytes) -> Path:
    path = Path(folder) / name
    path.write_bytes(data)
    return path


def _loads_or_explains(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _written(folder, name, data)
        try:
            read_questionnaire(path)
        except QuestionnaireError as exc:
            for problem in exc.problems:
                assert problem.place, f"no place in {problem}"
                assert problem.message.strip(), f"no message in {problem!r}"


@given(questionnaire_yaml())
def test_a_mutated_yaml_questionnaire_loads_or_says_where_it_is_wrong(data):
    _loads_or_explains("fuzz.yaml", data)


@given(xlsform_bytes)
def test_a_mutated_xlsform_workbook_loads_or_says_where_it_is_wrong(data):
    _loads_or_explains("fuzz.xlsx", data)


@budget(0.5)
@given(frame_files, st.sampled_from(["ES", "US", "GB", "ZZ", "", "ñ"]))
def test_a_sample_file_becomes_cases_or_every_problem_names_its_place(file, region):
    suffix, data = file
    name = f"sample{suffix}"
    with tempfile.TemporaryDirectory() as folder:
        path = _written(folder, name, data)
        try:
            records = parse_sample(read_table(path), name, "Europe/Madrid", region=region)
        except SampleError as exc:
            for problem in exc.problems:
                assert problem.place.file == name, problem
        else:
            assert records
            assert all(record.phones and record.external_id for record in records)


frame_specs = st.builds(
    FrameSpec,
    id=st.sampled_from(FRAME_COLUMNS),
    phones=st.lists(st.sampled_from(FRAME_COLUMNS), min_size=1, max_size=2).map(tuple),
    strata=st.lists(st.sampled_from(FRAME_COLUMNS), max_size=1).map(tuple),
    time_zone=st.sampled_from([None, "time_zone", "age"]),
    auxiliary=st.lists(st.sampled_from(["pi", "weight", "age"]), max_size=2).map(tuple),
    region=st.sampled_from(["ES", "US", "GB"]),
)


@budget(0.5)
@given(frame_files, frame_specs, st.lists(cell_text, max_size=3))
def test_a_frame_file_validates_or_the_error_names_the_file(file, spec, do_not_call):
    suffix, data = file
    with tempfile.TemporaryDirectory() as folder:
        path = _written(folder, f"frame{suffix}", data)
        try:
            frame = load_frame(path, spec, do_not_call=do_not_call)
        except SamplingError as exc:
            assert exc.problem.place.file == str(path), exc
            assert all(p.place.row is not None for p in exc.row_problems)
        else:
            assert len(frame) > 0
            assert frame.data[spec.id].ne("").all()


@given(cell_text, st.one_of(st.sampled_from(["ES", "US", "GB"]), st.text(max_size=3)))
def test_a_do_not_call_line_is_a_number_or_a_sampling_error(line, region):
    try:
        phone = normalize_phone(line, region)
    except SamplingError as exc:
        assert exc.code.startswith("S11"), exc
    else:
        assert phone.e164.startswith("+")
