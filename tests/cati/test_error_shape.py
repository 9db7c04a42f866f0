"""Every error a user can meet has the one shape: problems with a code, a template, parameters
and a place, shown in the user's language."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import click
import pandas as pd
import pytest
from babel.support import Translations
from click.testing import CliRunner

from cati import cli_output
from cati.errors import ErrorCode
from cati.fieldwork.sample_import import SampleError, parse_sample
from cati.problems import ProblemError
from cati.stats.errors import ErrorCode as StatsCode
from cati.stats.errors import UnknownVariableError, WeightingError
from cati.stats.weighting import rake
from sampling import commands as sample_commands
from sampling.errors import ErrorCode as SamplingCode
from sampling.errors import SamplingError
from sampling.frames import FrameSpec, validate_frame

ROOT = Path(__file__).parents[2]
SPANISH = Translations.load(str(ROOT / "cati" / "translations"), ["es"]).gettext
# questionnaires/ joins this list once its errors are problems too (issue 14, item 4).
PACKAGES = ("cati", "sampling", "exports", "questionnaires")
# Exceptions that never reach a user: they carry a refusal inside the questionnaire reader
# (through pydantic's validators, which want a ValueError) and become problems there, or
# (Untranslatable) an XPath expression the XLSForm reader leaves out with a warning; and
# (MalformedInput) werkzeug's 400 for a request no form can hold (a NUL byte), raised before
# any view with a sentence already in the user's language (cati.web.input_guard); (Unsayable)
# the reverse of Untranslatable: an expression the XLSForm writer leaves out, its template
# becoming the warning that says so; and (JobLost) a background job's claim ended under it
# (cancelled, or its worker thought dead), caught where the job runs (cati.jobs.run).
INTERNAL = {
    "InvalidValue",
    "_TypeProblem",
    "Untranslatable",
    "MalformedInput",
    "Unsayable",
    "JobLost",
}


def test_a_refused_frame_reads_in_spanish_with_its_file_row_and_column():
    table = pd.DataFrame({"id": ["a", "b"], "phone": ["+1 202 555 0101", "12345"]})
    with pytest.raises(SamplingError) as caught:
        validate_frame(table, FrameSpec(), file="marco.csv")
    assert caught.value.code is SamplingCode.FRAME_REJECTED
    assert caught.value.texts(SPANISH) == [
        "marco.csv: el marco tiene errores y no se ha importado: 1 problema(s) en 1 fila(s)",
        "marco.csv, fila 3, columna 'phone': el número de teléfono es imposible o no está "
        "asignado: '12345'; revise sus cifras, y escriba los números de fuera de ES con + y "
        "el prefijo de su país",
    ]
    assert str(caught.value.row_problems[0]) == (
        "marco.csv, row 3, column 'phone': error S111: phone number is impossible or not "
        "assigned: '12345'; check its digits, and write a number from outside ES with + and "
        "its country code"
    )


def test_a_bad_sample_cell_reads_in_spanish_in_the_sampling_package_s_words():
    table = pd.DataFrame({"case_id": ["A1", ""], "phone": ["12345", "+34 912 345 678"]})
    with pytest.raises(SampleError) as caught:
        parse_sample(table, "muestra.csv", "Europe/Madrid", region="ES")
    assert [p.code for p in caught.value.problems] == [ErrorCode.SAMPLE_ROW_INVALID] * 2
    assert caught.value.texts(SPANISH) == [
        "muestra.csv, fila 2, columna 'phone': el número de teléfono es imposible o no está "
        "asignado: '12345'; revise sus cifras, y escriba los números de fuera de ES con + y "
        "el prefijo de su país",
        "muestra.csv, fila 3, columna 'case_id': el identificador de caso está vacío",
    ]


def test_a_statistics_problem_reads_in_spanish_with_its_variable():
    frame = pd.DataFrame({"sex": ["m", "f", "x"]})
    with pytest.raises(UnknownVariableError) as unknown:
        rake(frame, {"region": {"n": 1}})
    assert unknown.value.code is StatsCode.UNKNOWN_VARIABLE
    assert unknown.value.texts(SPANISH) == [
        "columna 'region': variable desconocida: no es una columna de los datos"
    ]
    with pytest.raises(WeightingError) as caught:
        rake(frame, {"sex": {"m": 1, "f": 1}})
    assert caught.value.problem.params["value"] == "x"
    assert caught.value.texts(SPANISH) == [
        "la variable 'sex' tiene el valor 'x' (fila 2), que no tiene objetivo; añada un "
        "objetivo o recodifíquelo"
    ]
    assert isinstance(caught.value, ValueError)  # callers that know only Python's types


def test_the_cli_prints_every_problem_as_place_code_message_and_fails():
    table = pd.DataFrame({"id": ["a", "a"], "phone": ["+1 202 555 0101", "+1 202 555 0102"]})
    with pytest.raises(SamplingError) as caught:
        validate_frame(table, FrameSpec(), file="frame.csv")

    @click.command()
    def refuse() -> None:
        cli_output.fail(caught.value, "nothing was drawn")

    result = CliRunner().invoke(refuse)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "frame.csv: S130 frame has errors and was not imported: 1 problem(s) in 1 row(s)",
        "frame.csv, row 3, column 'id': S114 id already appears in an earlier row: a",
        "nothing was drawn",
    ]
    # `cati sample` may not import the application: its own line reads the same.
    problems = caught.value.problems
    assert [sample_commands.problem_line(p) for p in problems] == result.output.splitlines()[:2]


def _error_classes() -> list[type[BaseException]]:
    """Every exception class defined at the top of a module of the house's packages."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            names = [node.name for node in tree.body if isinstance(node, ast.ClassDef)]
            if not names:
                continue
            module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
            found += [
                cls
                for name in names
                if isinstance(cls := getattr(module, name), type) and issubclass(cls, BaseException)
            ]
    return found


def test_every_error_class_of_the_house_is_a_problem_error():
    classes = _error_classes()
    names = {cls.__name__ for cls in classes}
    assert names >= {"CatiError", "SamplingError", "StatsError", "QuestionnaireError"}
    assert names >= INTERNAL  # still there, or the exception above goes too
    outside = [c for c in classes if not issubclass(c, ProblemError) and c.__name__ not in INTERNAL]
    assert outside == []
