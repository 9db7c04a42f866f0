"""Weighting targets: checked with their place named, stored, and used to rake the data."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from cati import project_design, questionnaire_store, reporting
from cati import weighting_targets as wt
from cati.errors import CatiError, ErrorCode
from cati.models import AuditEntry, Interview
from cati.problems import Place
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project
from tests.cati.test_reporting import text_of

LIBRARY = Path(__file__).parents[2] / "questionnaires" / "library"
# Klemens' census/survey example (tests/cati/stats/test_weighting.py): sample cells
# (7, 9 / 12, 7), targets rows 5 and 15, columns 10 and 10; raking gives the (1,1) cell
# x = (−1275 + √2203825) / 118 by the preserved cross-product ratio.
CELLS = [("r1", "c1", 7), ("r1", "c2", 9), ("r2", "c1", 12), ("r2", "c2", 7)]
KLEMENS_X = (-1275 + math.sqrt(2203825)) / 118


def complete(db, project, cases, answers=None) -> None:
    """Completed interviews for the cases, as the interviewing engine would leave them."""
    for case in cases:
        db.add(
            Interview(
                case_id=case.id,
                questionnaire_version_id=project.questionnaire_version_id,
                status="completed",
                state="{}",
                answers=answers or {"purchase_confirmed": 1},
                started_at=MONDAY_10,
                ended_at=MONDAY_10,
            )
        )
    db.commit()


@pytest.fixture
def klemens(db):
    """A project whose 35 completes fall in Klemens' 2 x 2 cells of two sample variables."""
    project = make_project(db)
    questionnaire_store.pin(db, project, LIBRARY / "customer_satisfaction.yaml")
    for row, col, n in CELLS:
        cases = make_cases(db, project, n=n, sample_vars={"row": row, "col": col})
        complete(db, project, cases)
    return project


def rows(*triples: tuple[str, str, str]) -> list[wt.TargetRow]:
    return [
        wt.TargetRow(v, c, t, place=Place(row=i + 2), index=i + 2)
        for i, (v, c, t) in enumerate(triples)
    ]


def test_weighting_variables_are_single_choice_questions_and_sample_variables(db, klemens):
    known = wt.weighting_variables(db, klemens)
    assert known["purchase_confirmed"].categories == (
        ("1", "Sí"),
        ("2", "No"),
        ("98", "Don't know"),
        ("99", "Refused"),
    )
    assert {"row", "col"} <= set(known) and known["row"].source == "sample"
    assert "nps" not in known and "contact_channels_1" not in known  # rating, multiple
    assert wt.sample_categories(db, klemens, known["row"]) == ["r2", "r1"]  # 19 then 16


def test_shares_and_counts_are_accepted_and_percentages_too(db, klemens):
    known = wt.weighting_variables(db, klemens)
    checked = wt.check_rows(
        rows(("row", "r1", "25"), ("row", "r2", "75"), ("col", "c1", "0,5"), ("col", "c2", "0.5")),
        known,
    )
    assert checked == {"row": {"r1": 25.0, "r2": 75.0}, "col": {"c1": 0.5, "c2": 0.5}}


@pytest.mark.parametrize(
    ("triples", "place", "column"),
    [
        ([("age", "18-34", "1")], "row 2", "variable"),
        ([("row", "r1", "0.5"), ("row", "", "0.5")], "row 3", "category"),
        ([("purchase_confirmed", "3", "1")], "row 2", "category"),
        ([("row", "r1", "lots")], "row 2", "target"),
        ([("row", "r1", "-1")], "row 2", "target"),
        ([("row", "r1", "0.5"), ("row", "r1", "0.5")], "row 3", "category"),
        ([("row", "r1", "0"), ("row", "r2", "0")], "row 2", "target"),
        ([("row", "r1", "500"), ("col", "c1", "600")], "row 3", "target"),
    ],
)
def test_bad_targets_are_refused_naming_row_and_column(db, klemens, triples, place, column):
    with pytest.raises(wt.TargetsError) as caught:
        wt.check_rows(rows(*triples), wt.weighting_variables(db, klemens))
    first = caught.value.problems[0]
    assert first.code is ErrorCode.TARGET_INVALID
    assert (f"row {first.place.row}", first.place.column) == (place, column)


def test_a_targets_file_names_its_rows_and_missing_columns():
    content = b"variable;category;target\nrow;r1;0.4\n\nrow;r2;0.6\n"
    parsed = wt.read_csv(content, "t.csv")
    assert [(r.category, r.target, r.place) for r in parsed] == [
        ("r1", "0.4", Place(file="t.csv", row=2)),
        ("r2", "0.6", Place(file="t.csv", row=4)),
    ]
    with pytest.raises(wt.TargetsError) as caught:
        wt.read_csv(b"variable,share\nrow,1\n", "t.csv")
    assert [p.params["column"] for p in caught.value.problems] == ["category", "target"]
    with pytest.raises(wt.TargetsError):
        wt.read_csv(b"\xff\xfe\x00", "t.csv")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        # UTF-16 without its mark decodes as UTF-8 with a NUL after every letter.
        ("variable,category,target\r\n".encode("utf-16-le"), "is not UTF-8 text"),
        (b"variable,category,target\nrow,r\r1,0.5\n", "cannot be read as CSV"),
    ],
)
def test_found_by_fuzzing_a_targets_file_the_csv_reader_chokes_on_is_refused(content, says):
    """The csv module's own error (a line break in an unquoted field) was a 500."""
    with pytest.raises(wt.TargetsError) as caught:
        wt.read_csv(content, "t.csv")
    (problem,) = caught.value.problems
    assert says in problem.translated() and problem.place.file == "t.csv"


def test_targets_are_stored_by_variable_or_all_at_once_and_audited(db, klemens):
    wt.set_targets(db, klemens, {"row": {"r1": 5, "r2": 15}}, replace_all=False)
    wt.set_targets(db, klemens, {"col": {"c1": 10, "c2": 10}}, replace_all=False)
    assert list(klemens.weighting_targets) == ["row", "col"]
    wt.set_targets(db, klemens, {"col": {"c1": 1, "c2": 1}}, replace_all=True)
    assert klemens.weighting_targets == {"col": {"c1": 1, "c2": 1}}
    wt.remove_variable(db, klemens, "col")
    assert klemens.weighting_targets == {}
    actions = [a.action for a in db.query(AuditEntry).order_by(AuditEntry.id)]
    assert actions[-4:] == ["weighting.targets"] * 3 + ["weighting.remove"]


def test_the_raked_weight_reproduces_klemens_two_by_two_example(db, klemens, tmp_path):
    wt.set_targets(
        db, klemens, {"row": {"r1": 5, "r2": 15}, "col": {"c1": 10, "c2": 10}}, replace_all=True
    )
    out = tmp_path / "data.csv"
    reporting.export_data(db, klemens, "csv", out, include_personal=True, weighted=True)
    data = pd.read_csv(out)
    cells = data.groupby(["row", "col"])["weight"].sum()
    assert cells[("r1", "c1")] == pytest.approx(KLEMENS_X, rel=1e-6)
    assert cells[("r1", "c2")] == pytest.approx(5 - KLEMENS_X, rel=1e-6)
    assert cells[("r2", "c1")] == pytest.approx(10 - KLEMENS_X, rel=1e-6)
    assert cells[("r2", "c2")] == pytest.approx(5 + KLEMENS_X, rel=1e-6)
    # Within a cell every respondent gets the same weight: raking scales cells, not people.
    assert data.groupby(["row", "col"])["weight"].nunique().eq(1).all()


def test_shares_of_one_variable_are_scaled_to_the_counts_of_another(db, klemens, tmp_path):
    """Row as counts (5, 15), column as shares (0.5, 0.5): the same Klemens solution."""
    targets = {"row": {"r1": 5, "r2": 15}, "col": {"c1": 0.5, "c2": 0.5}}
    wt.set_targets(db, klemens, targets, replace_all=True)
    out = tmp_path / "data.csv"
    reporting.export_data(db, klemens, "csv", out, include_personal=True, weighted=True)
    data = pd.read_csv(out)
    assert data["weight"].sum() == pytest.approx(20)
    cells = data.groupby(["row", "col"])["weight"].sum()
    assert cells[("r1", "c1")] == pytest.approx(KLEMENS_X, rel=1e-6)


def test_the_check_shows_sample_against_target_shares_and_the_effective_base(db, klemens):
    wt.set_targets(db, klemens, {"row": {"r1": 0.25, "r2": 0.75}}, replace_all=True)
    result = project_design.check_targets(db, klemens, wt.weighting_variables(db, klemens))
    assert result.completes == 35
    r1, r2 = result.variables["row"]
    assert (r1.completes, r1.sample_share, r1.target_share) == (16, 16 / 35, 0.25)
    assert (r2.completes, r2.sample_share, r2.target_share) == (19, 19 / 35, 0.75)
    # One margin: post-stratification. Weights 35·0.25/16 and 35·0.75/19; Kish (Σw)²/Σw².
    w1, w2 = 35 * 0.25 / 16, 35 * 0.75 / 19
    kish = 35**2 / (16 * w1**2 + 19 * w2**2)
    assert result.report.effective_base == pytest.approx(kish, rel=1e-9)
    assert result.report.efficiency == pytest.approx(kish / 35, rel=1e-9)


def test_the_checks_efficiency_follows_the_weighting_option(db, klemens):
    """Trimmed at 1.3 (R's trimWeights, strict): the r2 weights 35·0.75/19 are cut to 1.3
    and the excess shared equally over the 16 r1 weights."""
    wt.set_targets(db, klemens, {"row": {"r1": 0.25, "r2": 0.75}}, replace_all=True)
    options = project_design.WeightingOptions(trim=(0.0, 1.3))
    project_design.set_options(db, klemens, options)
    result = project_design.check_targets(db, klemens, wt.weighting_variables(db, klemens))
    w2 = 1.3
    w1 = 35 * 0.25 / 16 + 19 * (35 * 0.75 / 19 - w2) / 16
    kish = 35**2 / (16 * w1**2 + 19 * w2**2)
    assert result.report.effective_base == pytest.approx(kish, rel=1e-9)
    assert result.report.efficiency == pytest.approx(kish / 35, rel=1e-9)
    assert result.report.weight_ratio_range == pytest.approx((w1, w2))
    # Two variables cannot be post-stratified at once: the check says so, as a report would
    two = {"row": {"r1": 0.25, "r2": 0.75}, "col": {"c1": 0.5, "c2": 0.5}}
    wt.set_targets(db, klemens, two, replace_all=True)
    project_design.set_options(db, klemens, project_design.WeightingOptions("poststratify"))
    result = project_design.check_targets(db, klemens, wt.weighting_variables(db, klemens))
    assert result.report is None and "post-stratification uses the targets of one" in result.problem


def test_a_value_without_a_target_is_reported_not_raised(db, klemens):
    wt.set_targets(db, klemens, {"row": {"r1": 0.5, "x": 0.5}}, replace_all=True)
    result = project_design.check_targets(db, klemens, wt.weighting_variables(db, klemens))
    assert result.report is None and "'r2'" in result.problem
    with pytest.raises(CatiError) as caught:
        reporting.export_data(db, klemens, "csv", Path("/nonexistent/x.csv"), weighted=True)
    assert caught.value.code is ErrorCode.WEIGHTING_FAILED


def test_a_weighted_topline_states_the_raking_and_its_effective_base(db, klemens, tmp_path):
    wt.set_targets(db, klemens, {"row": {"r1": 0.25, "r2": 0.75}}, replace_all=True)
    info = reporting.report_info(db, klemens, weights=wt.WEIGHT, effective_base=30.0)
    assert info.methodology.weighting == "Design weights raked to population targets for row"
    out = tmp_path / "topline.pdf"
    assert reporting.export_report(db, klemens, "topline", out, weighted=True) >= 1
    text = text_of(out)
    # Kish base of weights 35·0.25/16 (16 times) and 35·0.75/19 (19 times): 29.84.
    assert "raked to population targets for row" in text and "29.8" in text
    assert "Standard errors Taylor linearisation, raked (calibration-aware)" in text


def test_the_export_command_writes_the_raked_weight_or_names_the_problem(
    run, db, klemens, tmp_path
):
    out = tmp_path / "data.csv"
    refused = run("data", klemens.code, "--weighted", "--out", str(out))
    assert refused.exit_code == 1 and "has no weighting targets" in refused.output
    wt.set_targets(db, klemens, {"row": {"r1": 0.25, "r2": 0.75}}, replace_all=True)
    result = run("data", klemens.code, "--weighted", "--out", str(out))
    assert result.exit_code == 0, result.output
    weights = pd.read_csv(out)["weight"]
    assert sorted(weights.round(6).unique()) == [round(35 * 0.25 / 16, 6), round(35 * 0.75 / 19, 6)]
