"""Calibration-aware variance against R survey 4.1-1: postStratify, rake, calibrate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cati.project_design import variance_method
from cati.stats.calibration import calibrate, poststratify_design, rake_design
from cati.stats.design import SurveyDesign
from cati.stats.errors import StatsError
from cati.stats.estimates import survey_by, survey_mean, survey_total
from cati.stats.replicates import ReplicateDesign
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
    assert caught.value.code == "T307"


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
