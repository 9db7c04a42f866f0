"""Replicate-weight designs against R survey 4.1-1: BRR, Fay, JK1, JKn, bootstrap."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cati.stats.design import SurveyDesign
from cati.stats.errors import StatsError
from cati.stats.estimates import survey_mean, survey_total
from cati.stats.replicates import ReplicateDesign
from tests.cati.stats.conftest import REFERENCE
from tests.cati.stats.test_designs_r import check

# R survey's svrepdesign example: the scd data with four BRR replicates (multipliers).
BRR = (
    2 * np.array([[1, 0, 1, 0, 1, 0], [1, 0, 0, 1, 0, 1], [0, 1, 1, 0, 0, 1], [0, 1, 0, 1, 1, 0]]).T
)


@pytest.fixture(scope="module")
def scd() -> pd.DataFrame:
    frame = pd.read_csv(REFERENCE / "scd.csv")
    frame["w"] = 1.0
    return frame


def with_replicates(frame: pd.DataFrame, multipliers: np.ndarray) -> tuple[pd.DataFrame, list[str]]:
    names = [f"r{i}" for i in range(multipliers.shape[1])]
    return frame.assign(**dict(zip(names, multipliers.T, strict=True))), names


def test_brr_from_given_weights(scd, r_values) -> None:
    """svrepdesign(data=scd, type="BRR", repweights=repweights, combined.weights=FALSE)"""
    frame, names = with_replicates(scd, BRR)
    design = ReplicateDesign.from_frame(
        frame, weights="w", replicate_weights=names, type="BRR", combined_weights=False
    )
    check(survey_mean(design, frame["arrests"]), r_values, "scd.brr.mean.arrests")
    check(survey_total(design, frame["alive"]), r_values, "scd.brr.total.alive")
    assert design.degrees_of_freedom == r_values["scd.brr.df"][0]


def test_fay_from_given_weights(scd, r_values) -> None:
    """svrepdesign(type="Fay", rho=0.3): scale 1/(R(1−ρ)²)"""
    frame, names = with_replicates(scd, 1.7 * BRR / 2 + 0.3 * (2 - BRR) / 2)
    design = ReplicateDesign.from_frame(
        frame, weights="w", replicate_weights=names, type="Fay", rho=0.3, combined_weights=False
    )
    check(survey_mean(design, frame["arrests"]), r_values, "scd.fay.mean.arrests")


def test_fay_made_from_a_design(scd, r_values) -> None:
    """as.svrepdesign(svydesign(ids=~ambulance, strata=~ESA, nest=TRUE), "Fay", fay.rho=0.3):
    for a total every balanced half-sample set gives the same variance."""
    base = SurveyDesign.from_frame(scd, ids="ambulance", strata="ESA", weights="w")
    design = ReplicateDesign.from_design(base, "Fay", rho=0.3)
    check(survey_total(design, scd["alive"]), r_values, "scd.fayd.total.alive")


def test_jkn_made_from_a_stratified_design(apistrat, r_values) -> None:
    """as.svrepdesign(dstrat, type="JKn"): rscales (m_h−1)/m_h · (1 − f_h)"""
    base = SurveyDesign.from_frame(apistrat, weights="pw", strata="stype", fpc="fpc")
    design = ReplicateDesign.from_design(base, "JKn")
    check(survey_mean(design, apistrat["api00"]), r_values, "strat.jkn.mean.api00")
    check(survey_total(design, apistrat["enroll"]), r_values, "strat.jkn.total.enroll")


def test_jk1_made_from_a_cluster_design(apiclus1, r_values) -> None:
    """as.svrepdesign(dclus1, type="JK1"), and with mse=TRUE"""
    base = SurveyDesign.from_frame(apiclus1, ids="dnum", weights="pw", fpc="fpc")
    design = ReplicateDesign.from_design(base, "JK1")
    check(survey_mean(design, apiclus1["api00"]), r_values, "clus1.jk1.mean.api00")
    check(survey_total(design, apiclus1["enroll"]), r_values, "clus1.jk1.total.enroll")
    assert design.degrees_of_freedom == r_values["clus1.jk1.df"][0]
    mse = ReplicateDesign.from_design(base, "JK1", mse=True)
    check(survey_mean(mse, apiclus1["api00"]), r_values, "clus1.jk1mse.mean.api00")


def test_jk1_from_given_weights_has_svrepdesigns_scale(apiclus1, r_values) -> None:
    """svrepdesign(repweights=weights(jk1, "analysis"), type="JK1"): each replicate drops
    one of the K = 15 districts and multiplies the others by K/(K−1); scale (K−1)/K (R's
    default takes no fpc, as.svrepdesign's did)."""
    districts = apiclus1["dnum"].to_numpy()
    units = np.unique(districts)
    k = len(units)
    names = [f"jk{j}" for j in range(k)]
    replicates = {
        name: apiclus1["pw"] * np.where(districts == unit, 0.0, k / (k - 1))
        for name, unit in zip(names, units, strict=True)
    }
    frame = apiclus1.assign(**replicates)
    design = ReplicateDesign.from_frame(frame, weights="pw", replicate_weights=names, type="JK1")
    assert design.scale == pytest.approx((k - 1) / k)
    check(survey_mean(design, apiclus1["api00"]), r_values, "clus1.jk1given.mean.api00")


def test_jkn_from_given_weights_with_rscales(apistrat, r_values) -> None:
    """JKn replicates given as columns, with R's rscales (m_h−1)/m_h · (1 − f_h): the
    values of as.svrepdesign(dstrat, type="JKn")."""
    strata = apistrat["stype"].to_numpy()
    columns, rscales = {}, []
    for row in range(len(apistrat)):
        same = strata == strata[row]
        m = same.sum()
        multiplier = np.where(same, m / (m - 1), 1.0)
        multiplier[row] = 0.0
        columns[f"jkn{row}"] = apistrat["pw"] * multiplier
        rscales.append((m - 1) / m * (1 - m / apistrat["fpc"].iloc[row]))
    frame = pd.concat([apistrat, pd.DataFrame(columns)], axis=1)
    design = ReplicateDesign.from_frame(
        frame, weights="pw", replicate_weights=list(columns), type="JKn", rscales=rscales
    )
    check(survey_mean(design, apistrat["api00"]), r_values, "strat.jkn.mean.api00")
    check(survey_total(design, apistrat["enroll"]), r_values, "strat.jkn.total.enroll")


def test_bootstrap_from_given_weights(apiclus1, r_values) -> None:
    """The 50 replicates of as.svrepdesign(dclus1, type="bootstrap") (set.seed(42)), given back
    with R's scale m̄/((m̄−1)(R−1))."""
    frame = pd.read_csv(REFERENCE / "apiclus1_bootstrap.csv")
    names = [f"rep{i}" for i in range(1, 51)]
    design = ReplicateDesign.from_frame(
        frame,
        weights="pw",
        replicate_weights=names,
        type="bootstrap",
        scale=r_values["clus1.boot.scale"][0],
    )
    check(survey_mean(design, apiclus1["api00"]), r_values, "clus1.boot.mean.api00")


def test_bootstrap_made_from_a_design_has_rs_scale(apiclus1, r_values) -> None:
    base = SurveyDesign.from_frame(apiclus1, ids="dnum", weights="pw", fpc="fpc")
    design = ReplicateDesign.from_design(base, "bootstrap", replicates=50, seed=1)
    assert design.scale == pytest.approx(r_values["clus1.boot.scale"][0], rel=1e-12)
    # Each replicate resamples m−1 of the m PSUs, rescaled: the total weight is kept on average.
    ratio = design.replicate_weights.sum(axis=0) / design.weights.sum()
    assert 0.5 < ratio.mean() < 1.5


def test_replicate_errors_have_codes(scd) -> None:
    base = SurveyDesign.from_frame(scd, ids="ESA", weights="w")
    with pytest.raises(StatsError) as caught:
        ReplicateDesign.from_design(base, "BRR")
    assert caught.value.code == "T306"
    with pytest.raises(StatsError) as caught:
        ReplicateDesign.from_frame(scd, weights="w", replicate_weights=["w"], type="Fay")
    assert caught.value.code == "T306"
