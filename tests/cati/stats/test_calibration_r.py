"""Calibration-aware variance against R survey 4.1-1: postStratify, rake, calibrate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cati.models import Project
from cati.project_design import report_design, variance_method
from cati.stats.calibration import calibrate, poststratify_design, rake_design
from cati.stats.design import SurveyDesign
from cati.stats.errors import StatsError
from cati.stats.estimates import survey_by, survey_mean, survey_total
from cati.stats.replicates import ReplicateDesign
from cati.stats.specification import DesignSpec
from cati.stats.weighting import trim_weights_equally
from tests.cati.stats.test_designs_r import REL, check

TYPES = {"E": 4421, "H": 755, "M": 1018}


@pytest.fixture
def dclus1(apiclus1: pd.DataFrame) -> SurveyDesign:
    return SurveyDesign.from_frame(apiclus1, ids="dnum", weights="pw", fpc="fpc")


def school_wide(r_values) -> dict[str, float]:
    no, yes = r_values["pop.schwide"]
    return {"No": no, "Yes": yes}


def check_all(design, frame, r_values, prefix: str) -> float:
    """Mean, total and the share of a margin's category; returns that share's SE."""
    check(survey_mean(design, frame["api00"]), r_values, f"{prefix}.mean.api00")
    check(survey_total(design, frame["enroll"]), r_values, f"{prefix}.total.enroll")
    share = survey_mean(design, (frame["stype"] == "E").astype(float))
    assert share.value == pytest.approx(r_values[f"{prefix}.mean.stypeE.value"][0], rel=REL)
    assert share.se == pytest.approx(r_values[f"{prefix}.mean.stypeE.se"][0], abs=1e-12)
    return share.se


def test_poststratified_design(apiclus1, dclus1, r_values) -> None:
    """postStratify(dclus1, ~stype, pop.types)"""
    design = poststratify_design(dclus1, apiclus1, "stype", TYPES)
    # A calibration margin's own share is fixed by construction: SE 0.
    assert check_all(design, apiclus1, r_values, "ps") < 1e-12
    assert "post-stratified (calibration-aware)" in variance_method(design, None, "en")


def test_raked_design(apiclus1, dclus1, r_values) -> None:
    """rake(dclus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide))"""
    margins = {"stype": TYPES, "sch.wide": school_wide(r_values)}
    design = rake_design(dclus1, apiclus1, margins)
    np.testing.assert_allclose(design.weights, r_values["rake.weights"], rtol=1e-9)
    # R stops raking when no cell moves by 1 (epsilon=1): the first margin is then off by a
    # hair and its share has SE 2.8e-6 in R as here; the last margin swept is exact.
    assert check_all(design, apiclus1, r_values, "rake") == pytest.approx(2.7775e-6, rel=1e-4)
    yes = survey_mean(design, (apiclus1["sch.wide"] == "Yes").astype(float))
    assert yes.se < 1e-12
    tight = rake_design(dclus1, apiclus1, margins, epsilon=1e-12, max_iterations=100)
    assert survey_mean(tight, (apiclus1["stype"] == "E").astype(float)).se < 1e-9


@pytest.mark.parametrize("calfun", ["linear", "raking"])
def test_calibrated_design(apiclus1, dclus1, r_values, calfun) -> None:
    """calibrate(dclus1, ~stype+sch.wide, totals, calfun=calfun)"""
    margins = {"stype": TYPES, "sch.wide": school_wide(r_values)}
    design = calibrate(dclus1, apiclus1, margins, calfun=calfun)
    np.testing.assert_allclose(design.weights, r_values[f"cal.{calfun}.weights"], rtol=1e-8)
    assert check_all(design, apiclus1, r_values, f"cal.{calfun}") < 1e-12


def test_rake_and_calibrate_raking_differ_only_in_the_se(apiclus1, dclus1, r_values) -> None:
    """Same margins, (nearly) the same weights; R's two residual rules give different SEs."""
    margins = {"stype": TYPES, "sch.wide": school_wide(r_values)}
    raked = survey_mean(rake_design(dclus1, apiclus1, margins), apiclus1["api00"])
    calibrated = survey_mean(
        calibrate(dclus1, apiclus1, margins, calfun="raking"), apiclus1["api00"]
    )
    assert raked.value == pytest.approx(calibrated.value, rel=1e-4)
    assert raked.se != pytest.approx(calibrated.se, rel=1e-9)


def test_inconsistent_calibration_totals_fail(apiclus1, dclus1) -> None:
    margins = {"stype": TYPES, "sch.wide": {"No": 1.0, "Yes": 2.0}}
    with pytest.raises(StatsError) as caught:
        calibrate(dclus1, apiclus1, margins, calfun="raking")
    assert caught.value.code == "T503" and "same total" in str(caught.value)


@pytest.mark.parametrize("strict", [False, True])
def test_trimming_as_r_trim_weights(apiclus1, dclus1, r_values, strict) -> None:
    """trimWeights(rk, upper=45, lower=30, strict=): equal shares of the trimmed amount"""
    margins = {"stype": TYPES, "sch.wide": school_wide(r_values)}
    raked = rake_design(dclus1, apiclus1, margins).weights
    trimmed = trim_weights_equally(raked, lower=30, upper=45, strict=strict)
    name = "trim.strict.weights" if strict else "trim.weights"
    np.testing.assert_allclose(trimmed, r_values[name], rtol=1e-9)
    assert trimmed.sum() == pytest.approx(raked.sum(), rel=1e-12)
    if strict:
        assert trimmed.min() >= 30 - 1e-9 and trimmed.max() <= 45 + 1e-9


@pytest.mark.parametrize("kind", ["ps", "rake", "cal.linear", "cal.raking"])
def test_calibrated_replicate_design_recalibrates_every_replicate(
    apiclus1, dclus1, r_values, kind
) -> None:
    """postStratify / rake / calibrate on as.svrepdesign(dclus1) (JK1)"""
    jk1 = ReplicateDesign.from_design(dclus1, "JK1")
    margins = {"stype": TYPES, "sch.wide": school_wide(r_values)}
    if kind == "ps":
        design = poststratify_design(jk1, apiclus1, "stype", TYPES)
    elif kind == "rake":
        design = rake_design(jk1, apiclus1, margins)
    else:
        design = calibrate(jk1, apiclus1, margins, calfun=kind.split(".")[1])
    assert isinstance(design, ReplicateDesign)
    check(survey_mean(design, apiclus1["api00"]), r_values, f"jk1.{kind}.mean.api00")
    check(survey_total(design, apiclus1["enroll"]), r_values, f"jk1.{kind}.total.enroll")


@pytest.mark.parametrize("kind", ["rake", "cal.linear"])
def test_domains_of_a_calibrated_design(apiclus1, dclus1, r_values, kind) -> None:
    """svyby(~api00, ~awards, calibrated design, svymean)"""
    margins = {"stype": TYPES, "sch.wide": school_wide(r_values)}
    design = (
        rake_design(dclus1, apiclus1, margins)
        if kind == "rake"
        else calibrate(dclus1, apiclus1, margins)
    )
    table = survey_by(design, apiclus1["api00"], apiclus1["awards"])
    expected = r_values[f"{kind}.by.awards"]
    np.testing.assert_allclose(table["mean"], expected[:2], rtol=REL)
    np.testing.assert_allclose(table["se"], expected[2:], rtol=REL)


@pytest.mark.parametrize(("name", "bounds"), [("wide", (0.5, 1.9)), ("tight", (0.9, 1.9))])
def test_bounded_raking(apiclus1, dclus1, r_values, name, bounds) -> None:
    """calibrate(dclus1, ~stype+sch.wide, totals, calfun="raking", bounds=): g = exp(xλ)
    clipped to the bounds; the SE carries the calibration (GREG residuals), as R's."""
    margins = {"stype": TYPES, "sch.wide": school_wide(r_values)}
    design = calibrate(dclus1, apiclus1, margins, calfun="raking", bounds=bounds)
    # R stops when every gap is below 1e-7 of its total: the weights agree to that
    np.testing.assert_allclose(design.weights, r_values[f"bounded.{name}.weights"], rtol=1e-6)
    g = design.weights / dclus1.weights
    assert g.min() == pytest.approx(bounds[0]) or g.max() == pytest.approx(bounds[1])
    assert check_all(design, apiclus1, r_values, f"bounded.{name}") < 1e-12
    assert "raked with bounds (calibration-aware)" in variance_method(design, None, "en")


def test_bounded_raking_of_unit_weights_to_population_counts(apiclus1, r_values) -> None:
    """R's grake first scales weights by the mean ratio of total to sample total when every
    ratio is over 20 (here about 40): the bounds then apply to g after that scaling."""
    unit = SurveyDesign.from_frame(apiclus1.assign(one=1.0), ids="dnum", weights="one")
    margins = {"stype": TYPES, "sch.wide": school_wide(r_values)}
    design = calibrate(unit, apiclus1, margins, calfun="raking", bounds=(0.5, 1.9))
    np.testing.assert_allclose(design.weights, r_values["bounded.unit.weights"], rtol=1e-6)
    check(survey_mean(design, apiclus1["api00"]), r_values, "bounded.unit.mean.api00")


def test_bounded_raking_of_a_replicate_design(apiclus1, dclus1, r_values) -> None:
    """calibrate(jk1, ..., calfun="raking", bounds=c(0.85, 2.5)): every replicate within
    the bounds (the lower one binds in seven of the 15)."""
    jk1 = ReplicateDesign.from_design(dclus1, "JK1")
    margins = {"stype": TYPES, "sch.wide": school_wide(r_values)}
    design = calibrate(jk1, apiclus1, margins, calfun="raking", bounds=(0.85, 2.5))
    check(survey_mean(design, apiclus1["api00"]), r_values, "jk1.bounded.mean.api00")
    check(survey_total(design, apiclus1["enroll"]), r_values, "jk1.bounded.total.enroll")


def test_a_project_s_bounded_raking_is_r_calibrate_with_bounds(apiclus1, r_values) -> None:
    """The weighting option "bounded raking" of a project gives R's weights and SEs."""
    no, yes = r_values["pop.schwide"]
    project = Project(
        weighting_targets={"stype": TYPES, "sch.wide": {"No": no, "Yes": yes}},
        weighting_options={"method": "rake", "bounds": [0.5, 1.9], "trim": None},
    )
    frame = apiclus1.assign(design_weight=apiclus1["pw"])
    spec = DesignSpec(weights="design_weight", psu=("dnum",), fpc=("fpc",))
    design = report_design(project, frame, weighted=True, spec=spec)
    np.testing.assert_allclose(design.weights, r_values["bounded.wide.weights"], rtol=1e-6)
    check_all(design, apiclus1, r_values, "bounded.wide")


def test_bounds_that_cannot_be_met_say_so(apiclus1, dclus1, r_values) -> None:
    margins = {"stype": TYPES, "sch.wide": school_wide(r_values)}
    with pytest.raises(StatsError) as caught:
        calibrate(dclus1, apiclus1, margins, calfun="raking", bounds=(0.9, 1.1))
    assert caught.value.code == "T307" and "widen the bounds" in str(caught.value)
    with pytest.raises(StatsError) as caught:
        calibrate(dclus1, apiclus1, margins, calfun="raking", bounds=(2.0, 0.5))
    assert caught.value.code == "T307"
