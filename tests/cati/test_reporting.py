"""The database side of exports: figures, data files and reports of a project in the field."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pyreadstat
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from cati import questionnaire_store, reporting
from cati.fieldwork import projects
from cati.models import CallAttempt, Interview
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project
from tests.cati.fieldwork_simulation import simulate
from tests.conftest import make_user

LIBRARY = Path(__file__).parents[2] / "questionnaires" / "library"
HOSTILE = "<script>alert(1)</script><style>*{color:red}</style>"


@pytest.fixture
def fielded(db):
    project = make_project(db, name="Satisfaction <i>2026</i>", client_name="Aurora (fictional)")
    questionnaire_store.pin(db, project, LIBRARY / "customer_satisfaction.yaml")
    make_cases(
        db,
        project,
        n=24,
        sample_vars={"region": "Norte", "lat": "43.3", "lon": "-3.8", "name": "Ana Pérez"},
    )
    staff = []
    for full_name in ("Inés (fictional)", "Jorge (fictional)"):
        user = make_user(db, "interviewer", full_name=full_name)
        projects.assign(db, project, user)
        staff.append(user)
    simulate(db, project, staff, MONDAY_10, days=1, calls_per_day=8, reason=HOSTILE)
    return project


def text_of(path: Path) -> str:
    result = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True)
    return " ".join(result.stdout.split())


def test_fieldwork_figures_count_every_attempt_case_and_complete(db, fielded):
    figures = reporting.fieldwork_figures(db, fielded, now=MONDAY_10.replace(hour=18))
    attempts = db.scalar(select(func.count()).select_from(CallAttempt))
    completes = db.scalar(
        select(func.count()).select_from(Interview).where(Interview.status == "completed")
    )
    assert sum(d.calls for d in figures.days) == attempts == 16
    assert sum(d.completes for d in figures.days) == completes > 0
    assert sum(o.cases for o in figures.outcomes) == 24  # every released case, called or not
    assert {o.aapor for o in figures.outcomes} >= {"1.1", "3.11"}
    assert [(r.name, r.completes) for r in figures.regions] == [("Norte", completes)]
    kpis = {k.name: k for k in figures.interviewers}
    assert set(kpis) == {"Inés (fictional)", "Jorge (fictional)"}
    assert sum(k.calls for k in kpis.values()) == attempts
    assert sum(k.completes for k in kpis.values()) == completes
    assert all(k.hours > 0 and k.calls_per_hour > 0 for k in kpis.values())


def test_data_files_leave_personal_sample_variables_out_unless_asked(db, fielded, tmp_path):
    path = tmp_path / "data.sav"
    reporting.export_data(db, fielded, "sav", path, language="es")
    data, meta = pyreadstat.read_sav(path)
    assert "name" not in data.columns and "region" not in data.columns
    assert meta.column_names_to_labels["nps"].startswith("En una escala de 0 a 10")
    reporting.export_data(db, fielded, "sav", path, safe=["region"])
    assert "region" in pyreadstat.read_sav(path)[0].columns
    reporting.export_data(db, fielded, "sav", path, include_personal=True)
    assert set(pyreadstat.read_sav(path)[0]["name"]) == {"Ana Pérez"}


def test_paradata_has_one_row_per_attempt_and_no_phone_numbers(db, fielded, tmp_path):
    frame = reporting.paradata_frame(db, fielded)
    assert len(frame) == 16 and "number" not in frame.columns
    assert (frame["seconds"] > 0).all()
    assert reporting.export_paradata(db, fielded, tmp_path / "p.csv") == 16


def test_reports_from_the_database_carry_the_study_and_escape_answers(db, fielded, tmp_path):
    topline = tmp_path / "topline.pdf"
    pages = reporting.export_report(db, fielded, "topline", topline, language="es")
    text = text_of(topline)
    assert pages > 4 and "Satisfaction <i>2026</i>" in text and "Aurora (fictional)" in text
    assert HOSTILE in text  # the open answer, as text
    assert "2026-11-30" in text  # field dates from the attempts
    fieldwork = tmp_path / "fieldwork.pdf"
    reporting.export_report(db, fielded, "fieldwork", fieldwork, language="en")
    text = text_of(fieldwork)
    assert "AAPOR outcome rates" in text and "Inés (fictional)" in text
    banner = tmp_path / "banner.pdf"
    reporting.export_report(db, fielded, "banner", banner, language="es", banner=["problem"])
    text = text_of(banner)
    assert "Cómo leer las tablas" in text and "¿Ha tenido algún problema" in text


def test_export_commands_write_files_and_reports(run, fielded, tmp_path):
    out = tmp_path / "data.xlsx"
    result = run("data", fielded.code, "--format", "xlsx", "--safe", "region", "--out", str(out))
    assert result.exit_code == 0 and f"Wrote {out}" in result.output
    header = next(load_workbook(out)["data"].values)
    assert "region" in header and "name" not in header
    pdf = tmp_path / "fieldwork.pdf"
    result = run("report", fielded.code, "--kind", "fieldwork", "--lang", "es", "--out", str(pdf))
    assert result.exit_code == 0 and "pages)" in result.output
    assert "Informe de campo" in text_of(pdf)
    result = run("paradata", fielded.code, "--out", str(tmp_path / "p.csv"))
    assert "Wrote 16 call attempts" in result.output
    assert run("data", "NOPE", "--out", str(out)).exit_code != 0
    wrong = run("report", fielded.code, "--kind", "banner", "--banner", "nope", "--out", str(pdf))
    assert wrong.exit_code != 0 and "banner variable 'nope'" in wrong.output
