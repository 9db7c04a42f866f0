"""A project's design settings and weighting options: checked beside their fields, checked
against each sample file at import, and used by the reports, `cati estimate` and the CLI."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from cati import cli, estimation, project_design, questionnaire_store, reporting
from cati import weighting_targets as wt
from cati.errors import CatiError, ErrorCode
from cati.fieldwork.cases import import_cases
from cati.fieldwork.sample_import import CaseRecord, SampleError
from cati.models import Case
from cati.stats.estimates import survey_mean
from cati.stats.replicates import ReplicateDesign
from tests.cati.fieldwork.conftest import make_cases, make_project
from tests.cati.test_estimation import clustered  # noqa: F401 (a fixture)
from tests.cati.test_reporting import text_of
from tests.cati.test_weighting_targets import LIBRARY, complete


def fields_of(error: project_design.SettingsError) -> list[str]:
    return [p.place.column for p in error.problems]


def test_design_settings_name_known_columns_and_say_which_field_is_wrong() -> None:
    with pytest.raises(project_design.SettingsError) as caught:
        project_design.parse_design(
            {"strata": "region", "psu": "school", "fpc": "a b c", "rho": "x"},
            known=["region", "district", "a", "b", "c"],
        )
    assert fields_of(caught.value) == ["psu", "fpc", "rho"]
    assert "'school' is not a column of the sample" in caught.value.problems[0].message
    with pytest.raises(project_design.SettingsError) as caught:
        project_design.parse_design(
            {"replicates": "repw", "strata": "region", "replicate_type": "JK1", "rho": "0.5"}
        )
    assert fields_of(caught.value) == ["replicates", "rho"]
    with pytest.raises(project_design.SettingsError) as caught:
        project_design.parse_design({"replicates": "repw", "replicate_type": "Fay"})
    assert fields_of(caught.value) == ["rho"]
    settings = project_design.parse_design(
        {"psu": "district, school", "fpc": "n1 n2", "lonely_psu": "adjust"}
    )
    assert settings.psu == ("district", "school") and settings.fpc == ("n1", "n2")


def test_weighting_options_are_checked_beside_their_fields() -> None:
    with pytest.raises(project_design.SettingsError) as caught:
        project_design.parse_options({"method": "rake", "bound_low": "1.5", "bound_high": "3"})
    assert fields_of(caught.value) == ["bound_low"]
    with pytest.raises(project_design.SettingsError) as caught:
        project_design.parse_options(
            {"method": "poststratify", "bound_low": "0.5", "trim_low": "9", "trim_high": "2"}
        )
    assert fields_of(caught.value) == ["bound_low", "trim_high"]
    options = project_design.parse_options(
        {"bound_low": "0.5", "bound_high": "2", "trim_high": "40"}
    )
    assert options.bounds == (0.5, 2.0) and options.trim == (0.0, 40.0)


def record(external_id: str, row: int, **sample_vars) -> CaseRecord:
    return CaseRecord(
        external_id=external_id,
        phones=[("+12025550143", "mobile")],
        time_zone="Europe/Madrid",
        sample_vars=sample_vars,
        row=row,
    )


def test_a_sample_without_the_design_columns_is_refused_whole(db) -> None:
    project = make_project(db)
    project_design.set_design(
        db, project, project_design.DesignSettings(psu=("district",), replicates="repw")
    )
    records = [
        record("A1", 2, district="d1", repw1="1.2", repw2="0.8"),
        record("A2", 3, district="d2", repw1="1,1", repw2="heavy"),
    ]
    with pytest.raises(SampleError) as caught:
        import_cases(db, project, records, "sample.csv")
    (bad,) = caught.value.problems
    assert (bad.place.file, bad.place.row, bad.place.column) == ("sample.csv", 3, "repw2")
    with pytest.raises(SampleError) as caught:
        import_cases(db, project, [record("A3", 2, repw1="1")], "other.csv")
    assert [p.place.column for p in caught.value.problems] == ["district"]
    assert db.scalar(select(func.count()).select_from(Case)) == 0


def test_cati_estimate_and_reports_use_the_project_design(db, clustered, tmp_path) -> None:  # noqa: F811
    project_design.set_design(db, clustered, project_design.DesignSettings(psu=("psu",)))
    result = estimation.estimate(db, clustered, ["purchase_confirmed=1"])
    assert result.variance_method == "Taylor linearisation, clustered (4 PSUs)"
    assert result.degrees_of_freedom == 3
    wt.set_targets(db, clustered, {"row": {"r1": 0.5, "r2": 0.5}}, replace_all=True)
    project_design.set_options(
        db, clustered, project_design.WeightingOptions(method="poststratify")
    )
    weighted = estimation.estimate(db, clustered, ["row=r1"], weighted=True)
    assert weighted.table.loc["row=r1", "se"] < 1e-9  # a post-stratum's own share
    assert weighted.variance_method.endswith("post-stratified (calibration-aware)")
    out = tmp_path / "topline.pdf"
    reporting.export_report(db, clustered, "topline", out, language="es", weighted=True)
    text = text_of(out)
    assert "Errores estándar" in text
    assert "Linealización de Taylor, por conglomerados (4 UPM), postestratificado" in text
    assert "postestratificados a objetivos de población de row" in text
    # The margin of error from the design's mean design effect (checked against R in
    # tests/cati/stats/test_estimates_r.py), not Kish's effective base
    said = re.search(
        r"±([\d.]+) puntos .* según el diseño: el efecto de diseño medio de las proporciones "
        r"del informe, ([\d.]+), da una base efectiva de (\d+)",
        " ".join(text.split()),
    )
    assert said, text
    moe, deff, base = map(float, said.groups())
    n = int(re.search(r"Entrevistas \(n\) (\d+)", " ".join(text.split())).group(1))
    assert base == round(n / deff) and moe == pytest.approx(196 * (0.25 / (n / deff)) ** 0.5, 0.01)


def test_a_report_without_a_design_says_simple_random_sample(db, tmp_path) -> None:

    project = make_project(db)
    questionnaire_store.pin(db, project, LIBRARY / "customer_satisfaction.yaml")
    complete(db, project, make_cases(db, project, n=3))
    out = tmp_path / "topline.pdf"
    reporting.export_report(db, project, "topline", out, language="en")
    text = text_of(out)
    assert "Standard errors Simple random sample (no design)" in text
    assert "at 95% confidence (effective base 3)" in text and "design effect" not in text


def test_the_design_commands_set_what_reports_use(
    db,
    clustered,  # noqa: F811
    database_url,
    tmp_path,
    monkeypatch,
    app,
) -> None:
    monkeypatch.setenv("CATI_DATABASE_URL", database_url)
    monkeypatch.setenv("CATI_INSTANCE_PATH", str(tmp_path))
    cli._app.cache_clear()
    try:
        run = CliRunner().invoke
        done = run(cli.main, ["design", "set", clustered.code, "--psu", "psu"])
        assert done.exit_code == 0, done.output
        bad = run(cli.main, ["design", "set", clustered.code, "--strata", "nowhere"])
        assert bad.exit_code == 1 and "'nowhere' is not a column of the sample" in bad.output
        args = ["design", "weighting", clustered.code, "--bounds", "0.5", "2", "--trim", "0.1", "5"]
        assert run(cli.main, args).exit_code == 0
        shown = run(cli.main, ["design", "show", clustered.code]).output
        assert "psu" in shown and "bounds           0.5 2.0" in shown
        estimate = run(cli.main, ["estimate", clustered.code, "purchase_confirmed=1"])
        assert "Variance: Taylor linearisation, clustered (4 PSUs); df 3" in estimate.output
    finally:
        cli._app.cache_clear()
    db.expire_all()
    assert project_design.options_of(clustered).trim == (0.1, 5.0)


def test_replicate_weights_of_the_sample_give_the_estimates_se(db) -> None:

    project = make_project(db)
    questionnaire_store.pin(db, project, LIBRARY / "customer_satisfaction.yaml")
    project_design.set_design(
        db, project, project_design.DesignSettings(replicates="repw", replicate_type="JK1")
    )
    rows = []
    for psu, answers in enumerate(([1, 1, 2], [2, 2, 1], [1, 1, 1], [2, 1, 2])):
        reps = {f"repw{r + 1}": "0" if r == psu else "1.333333" for r in range(4)}
        for answer in answers:
            cases = make_cases(db, project, n=1, sample_vars=reps)
            complete(db, project, cases, answers={"purchase_confirmed": answer})
            rows.append({"yes": float(answer == 1), **{k: float(v) for k, v in reps.items()}})
    result = estimation.estimate(db, project, ["purchase_confirmed=1"])
    assert result.variance_method == "JK1 replicate weights (4 replicates)"

    frame = pd.DataFrame(rows).assign(w=1.0)
    names = [f"repw{r}" for r in range(1, 5)]
    by_hand = ReplicateDesign.from_frame(frame, weights="w", replicate_weights=names, type="JK1")
    expected = survey_mean(by_hand, frame["yes"], df=by_hand.degrees_of_freedom)
    row = result.table.loc["purchase_confirmed=1"]
    assert (row["mean"], row["se"], row["high"]) == pytest.approx(
        (expected.value, expected.se, expected.high), rel=1e-9
    )


def test_bounded_raking_meets_its_margins_or_says_the_bounds_are_too_tight(db, clustered) -> None:  # noqa: F811

    wt.set_targets(db, clustered, {"row": {"r1": 0.2, "r2": 0.8}}, replace_all=True)
    project_design.set_options(db, clustered, project_design.WeightingOptions(bounds=(0.3, 3.0)))
    result = estimation.estimate(db, clustered, ["row=r1"], weighted=True)
    assert result.table.loc["row=r1", "mean"] == pytest.approx(0.2, abs=1e-7)
    assert result.table.loc["row=r1", "se"] < 1e-7  # calibration-aware: a margin's own share
    assert "raked with bounds (calibration-aware)" in result.variance_method
    project_design.set_options(db, clustered, project_design.WeightingOptions(bounds=(0.9, 1.1)))
    with pytest.raises(CatiError) as caught:
        estimation.estimate(db, clustered, ["row=r1"], weighted=True)
    assert caught.value.code is ErrorCode.WEIGHTING_FAILED and "widen" in str(caught.value)
