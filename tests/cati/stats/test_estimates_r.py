"""Design effects, svyciprop methods, ratios, domains, quantiles, t-test and svyglm against R
survey 4.1-1 on apiclus1 (and its JK1 replicates and raked version)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats

from cati.stats.calibration import rake_design
from cati.stats.design import SurveyDesign
from cati.stats.errors import StatsError
from cati.stats.estimates import (
    design_effect,
    mean_design_effect,
    survey_by,
    survey_mean,
    survey_means,
    survey_proportion,
    survey_quantile,
    survey_ratio,
    survey_shares,
)
from cati.stats.raoscott import rao_scott
from cati.stats.regression import survey_glm, survey_ttest
from cati.stats.replicates import ReplicateDesign
from exports.pdf import Methodology
from tests.cati.stats.conftest import REFERENCE
from tests.cati.stats.test_calibration_r import TYPES, school_wide
from tests.cati.stats.test_designs_r import REL


@pytest.fixture(scope="module")
def dclus1(apiclus1: pd.DataFrame) -> SurveyDesign:
    return SurveyDesign.from_frame(apiclus1, ids="dnum", weights="pw", fpc="fpc")


@pytest.fixture(scope="module")
def jk1(dclus1: SurveyDesign) -> ReplicateDesign:
    return ReplicateDesign.from_design(dclus1, "JK1")


@pytest.fixture(scope="module")
def raked(apiclus1, dclus1, r_values) -> SurveyDesign:
    return rake_design(dclus1, apiclus1, {"stype": TYPES, "sch.wide": school_wide(r_values)})


def test_design_effects(apiclus1, apistrat, dclus1, r_values) -> None:
    """svymean(~api00, dclus1, deff=TRUE) and deff="replace"; svytotal(~enroll, deff=TRUE)"""
    assert design_effect(dclus1, apiclus1["api00"]) == pytest.approx(
        r_values["clus1.deff.api00"][0], rel=REL
    )
    assert design_effect(dclus1, apiclus1["api00"], replace=True) == pytest.approx(
        r_values["clus1.deffr.api00"][0], rel=REL
    )
    assert design_effect(dclus1, apiclus1["enroll"], statistic="total") == pytest.approx(
        r_values["clus1.deff.total.enroll"][0], rel=REL
    )
    dstrat = SurveyDesign.from_frame(apistrat, weights="pw", strata="stype", fpc="fpc")
    assert design_effect(dstrat, apistrat["api00"]) == pytest.approx(
        r_values["strat.deff.api00"][0], rel=REL
    )


ALL_METHODS = ["logit", "beta", "mean", "asin", "likelihood", "xlogit"]


@pytest.mark.parametrize("method", ALL_METHODS)
def test_svyciprop_methods(apiclus1, dclus1, r_values, method) -> None:
    """svyciprop(~I(sch.wide=="Yes"), dclus1, method=method): t on degf = 14"""
    yes = (apiclus1["sch.wide"] == "Yes").astype(float)
    est = survey_proportion(dclus1, yes, method=method, df=dclus1.degrees_of_freedom)
    p, low, high = r_values[f"clus1.ciprop.{method}"]
    assert (est.value, est.low, est.high) == pytest.approx((p, low, high), rel=REL)


@pytest.mark.parametrize("method", ALL_METHODS)
def test_svyciprop_methods_on_replicates(apiclus1, jk1, r_values, method) -> None:
    """svyciprop on as.svrepdesign(dclus1): logit refitted per replicate, df = rank − 1;
    xlogit by the delta method on the replicate variance. The likelihood interval is R's
    with the Pearson residuals of a Taylor design: R 4.1's own gives NA (see
    make_reference.R), which the stored value records."""
    yes = (apiclus1["sch.wide"] == "Yes").astype(float)
    est = survey_proportion(jk1, yes, method=method, df=jk1.degrees_of_freedom)
    p, low, high = r_values[f"clus1.jk1.ciprop.{method}"]
    assert (est.value, est.low, est.high) == pytest.approx((p, low, high), rel=REL)
    if method == "likelihood":
        assert r_values["clus1.jk1.ciprop.likelihood.stock.na"] == [1, 1]


@pytest.mark.parametrize("method", ALL_METHODS)
def test_svyciprop_methods_on_a_stratified_design(apistrat, r_values, method) -> None:
    """svyciprop(~I(sch.wide == "Yes"), dstrat, method=): strata with an fpc"""
    dstrat = SurveyDesign.from_frame(apistrat, weights="pw", strata="stype", fpc="fpc")
    yes = (apistrat["sch.wide"] == "Yes").astype(float)
    est = survey_proportion(dstrat, yes, method=method, df=dstrat.degrees_of_freedom)
    assert (est.value, est.low, est.high) == pytest.approx(
        tuple(r_values[f"strat.ciprop.{method}"]), rel=1e-9
    )


@pytest.fixture(scope="module")
def nhanes() -> pd.DataFrame:
    """R survey's ``data(nhanes)``: 8,591 people, 15 strata, 31 PSUs; 745 lack HI_CHOL."""
    return pd.read_csv(REFERENCE / "nhanes.csv")


@pytest.mark.parametrize(
    ("method", "domain"),
    # R's beta in a subset counts the subset's rows, where cati counts the design's
    [(m, "all") for m in ALL_METHODS] + [(m, "women") for m in ALL_METHODS if m != "beta"],
)
def test_svyciprop_methods_on_nhanes(nhanes, r_values, method, domain) -> None:
    """svyciprop(~I(HI_CHOL == 1), dnhanes, na.rm=TRUE), and in subset(dnhanes, women):
    a missing value and a row outside the domain are both NaN, the design stays whole."""
    design = SurveyDesign.from_frame(nhanes, ids="SDMVPSU", strata="SDMVSTRA", weights="WTMEC2YR")
    assert design.degrees_of_freedom == r_values["nhanes.df"][0]
    high_cholesterol = (nhanes["HI_CHOL"] == 1).astype(float).where(nhanes["HI_CHOL"].notna())
    name = "nhanes"
    if domain == "women":
        high_cholesterol = high_cholesterol.where(nhanes["RIAGENDR"] == 2)
        name = "nhanes.women"
    est = survey_proportion(design, high_cholesterol, method=method, df=16)
    assert (est.value, est.low, est.high) == pytest.approx(
        tuple(r_values[f"{name}.ciprop.{method}"]), rel=1e-9
    )


def test_likelihood_interval_is_r_reading_of_the_exact_profile(apiclus1, dclus1, r_values):
    """R reads the interval off a spline through the profile: the exact root of
    z(b) = ±t·√λ differs from it by a few millionths, and cati gives R's reading."""
    yes = (apiclus1["sch.wide"] == "Yes").to_numpy(dtype=float)
    w = dclus1.weights
    p = float(w @ yes / w.sum())
    se = survey_mean(dclus1, yes).se
    scaled, b0, logit_var = w / w.mean(), np.log(p / (1 - p)), (se / (p * (1 - p))) ** 2
    lam = logit_var * float((scaled * p * (1 - p)).sum())  # design over model variance
    phi = len(w) / (len(w) - 1)  # the design variance of the Pearson residuals

    def deviance(b: float) -> float:
        mu = 1 / (1 + np.exp(-b))
        return float(-2 * (scaled * (yes * np.log(mu) + (1 - yes) * np.log(1 - mu))).sum())

    cut = -stats.t.ppf(0.025, dclus1.degrees_of_freedom) * np.sqrt(lam)

    def z(b: float) -> float:
        return float(np.sign(b - b0) * np.sqrt((deviance(b) - deviance(b0)) / phi))

    spread = 10 * np.sqrt(logit_var)
    exact = [
        1 / (1 + np.exp(-optimize.brentq(lambda b: z(b) + cut, b0 - spread, b0))),
        1 / (1 + np.exp(-optimize.brentq(lambda b: z(b) - cut, b0, b0 + spread))),
    ]
    _, low, high = r_values["clus1.ciprop.likelihood"]
    assert exact == pytest.approx([low, high], rel=5e-6)
    assert exact != pytest.approx([low, high], rel=1e-7)  # R's reading is an approximation
    est = survey_proportion(dclus1, yes, method="likelihood", df=dclus1.degrees_of_freedom)
    assert (est.low, est.high) == pytest.approx((low, high), rel=1e-10)


def test_likelihood_interval_of_an_extreme_share(apiclus1, dclus1) -> None:
    """A share of 0 or 1 has no profile: the interval is the point, as the logit's."""
    none = np.zeros(len(apiclus1))
    est = survey_proportion(dclus1, none, method="likelihood", df=14)
    assert (est.value, est.low, est.high) == (0.0, 0.0, 0.0)


def test_design_effect_on_replicates(apiclus1, jk1, r_values) -> None:
    """svymean(~api00, jk1, deff=TRUE)"""
    assert design_effect(jk1, apiclus1["api00"]) == pytest.approx(
        r_values["clus1.jk1.deff.api00"][0], rel=REL
    )


def test_ratio_on_taylor_and_replicate_designs(apiclus1, dclus1, jk1, r_values) -> None:
    """svyratio(~api.stu, ~enroll, dclus1) and on as.svrepdesign(dclus1)"""
    for design, name in [(dclus1, "clus1.ratio"), (jk1, "clus1.jk1.ratio")]:
        est = survey_ratio(design, apiclus1["api.stu"], apiclus1["enroll"])
        assert (est.value, est.se) == pytest.approx(tuple(r_values[name]), rel=REL)


def test_domains_keep_the_whole_design(apiclus1, dclus1, jk1, r_values) -> None:
    """svyby(~api00, ~stype, design, svymean) on the cluster design and its JK1 replicates"""
    for design, name in [(dclus1, "clus1.by.stype"), (jk1, "clus1.jk1.by.stype")]:
        got = [survey_mean(design, apiclus1["api00"].where(apiclus1["stype"] == s)) for s in "EHM"]
        expected = r_values[name]
        assert [e.value for e in got] == pytest.approx(expected[:3], rel=REL)
        assert [e.se for e in got] == pytest.approx(expected[3:], rel=REL)


@pytest.mark.parametrize("kind", ["clus1", "clus1.jk1", "rake"])
def test_quantiles_on_every_design(apiclus1, dclus1, jk1, raked, r_values, kind) -> None:
    """svyquantile(~api00, design, 0.5, ci=TRUE): Woodruff interval, t on the design's df"""
    design = {"clus1": dclus1, "clus1.jk1": jk1, "rake": raked}[kind]
    est = survey_quantile(design, apiclus1["api00"], 0.5, df=design.degrees_of_freedom)
    value, low, high, se = r_values[f"{kind}.median.api00"]
    assert (est.value, est.low, est.high, est.se) == pytest.approx((value, low, high, se), rel=REL)


@pytest.mark.parametrize("kind", ["clus1", "clus1.jk1"])
def test_ttest(apiclus1, dclus1, jk1, r_values, kind) -> None:
    """svyttest(api00 ~ sch.wide, design): Yes − No, df = degf − 1"""
    design = {"clus1": dclus1, "clus1.jk1": jk1}[kind]
    result = survey_ttest(design, apiclus1["api00"], apiclus1["sch.wide"])
    difference, t, df, p = r_values[f"{kind}.ttest"]
    assert (result.difference, result.t, result.p_value) == pytest.approx(
        (difference, t, p), rel=REL
    )
    assert result.df == df
    assert result.levels == ("No", "Yes")


@pytest.mark.parametrize("kind", ["clus1", "clus1.jk1", "rake"])
def test_linear_regression(apiclus1, dclus1, jk1, raked, r_values, kind) -> None:
    """svyglm(api00 ~ ell + meals, design): the design's sandwich (or replicate) variance"""
    design = {"clus1": dclus1, "clus1.jk1": jk1, "rake": raked}[kind]
    fit = survey_glm(design, apiclus1["api00"], apiclus1[["ell", "meals"]])
    expected = r_values[f"{kind}.glm"]
    assert fit.names == ("(Intercept)", "ell", "meals")
    np.testing.assert_allclose(fit.coefficients, expected[:3], rtol=REL)
    np.testing.assert_allclose(fit.se, expected[3:], rtol=REL)


@pytest.mark.parametrize("kind", ["clus1", "clus1.jk1"])
def test_logistic_regression(apiclus1, dclus1, jk1, r_values, kind) -> None:
    """svyglm(I(sch.wide=="Yes") ~ ell, design, family=quasibinomial()); on the replicate
    design refitted per replicate (R's glm iterations: agreement to 1e-6)"""
    design = {"clus1": dclus1, "clus1.jk1": jk1}[kind]
    yes = (apiclus1["sch.wide"] == "Yes").astype(float)
    fit = survey_glm(design, yes, apiclus1[["ell"]], family="binomial")
    expected = r_values[f"{kind}.logit"]
    np.testing.assert_allclose(fit.coefficients, expected[:2], rtol=REL)
    np.testing.assert_allclose(fit.se, expected[2:], rtol=REL)
    assert fit.df == design.degrees_of_freedom + 1 - 2


def test_logistic_needs_zero_one(apiclus1, dclus1) -> None:
    with pytest.raises(StatsError) as caught:
        survey_glm(dclus1, apiclus1["api00"], apiclus1[["ell"]], family="binomial")
    assert caught.value.code == "T402"


@pytest.mark.parametrize("kind", ["clus1", "rake", "clus1.jk1"])
def test_rao_scott_on_cluster_raked_and_replicate_designs(
    apiclus1, dclus1, raked, jk1, r_values, kind
) -> None:
    """svychisq(~stype+awards, design): F on (d, d × design df)"""
    design = {"clus1": dclus1, "rake": raked, "clus1.jk1": jk1}[kind]
    rows = pd.factorize(apiclus1["stype"], sort=True)[0]
    cols = pd.factorize(apiclus1["awards"], sort=True)[0]
    result = rao_scott(design, rows, cols)
    f, ndf, ddf, p = r_values[f"{kind}.chisq"]
    assert (result.f, result.ndf, result.ddf, result.f_p_value) == pytest.approx(
        (f, ndf, ddf, p), rel=REL
    )


@pytest.mark.parametrize("kind", ["clus1", "clus1.jk1"])
def test_many_means_at_once_equal_one_by_one(apiclus1, dclus1, jk1, kind) -> None:
    """survey_means shares a base between columns answered by the same rows: same numbers."""
    design = {"clus1": dclus1, "clus1.jk1": jk1}[kind]
    columns = pd.DataFrame(
        {
            "api00": apiclus1["api00"],
            "E": (apiclus1["stype"] == "E").astype(float),
            "api99 of H": apiclus1["api99"].where(apiclus1["stype"] == "H"),
            "enroll": apiclus1["enroll"],
        }
    )
    table = survey_means(design, columns)
    for name in columns:
        one = survey_mean(design, columns[name])
        assert table.loc[name, "mean"] == pytest.approx(one.value, rel=1e-12)
        assert table.loc[name, "se"] == pytest.approx(one.se, rel=1e-10)
        assert table.loc[name, "n"] == one.n


def test_regression_with_a_text_predictor(apiclus1, dclus1, r_values) -> None:
    """svyglm(api00 ~ stype + ell, dclus1): E is the baseline, columns stypeH and stypeM"""
    fit = survey_glm(dclus1, apiclus1["api00"], apiclus1[["stype", "ell"]])
    assert fit.names == ("(Intercept)", "stypeH", "stypeM", "ell")
    expected = r_values["clus1.glm.factor"]
    np.testing.assert_allclose(fit.coefficients, expected[:4], rtol=REL)
    np.testing.assert_allclose(fit.se, expected[4:], rtol=REL)


def test_survey_by_equals_svyby(apiclus1, dclus1, jk1, r_values) -> None:
    for design, name in [(dclus1, "clus1.by.stype"), (jk1, "clus1.jk1.by.stype")]:
        table = survey_by(design, apiclus1["api00"], apiclus1["stype"])
        assert list(table.index) == ["E", "H", "M"]
        expected = r_values[name]
        np.testing.assert_allclose(table["mean"], expected[:3], rtol=REL)
        np.testing.assert_allclose(table["se"], expected[3:], rtol=REL)


def test_missing_psu_is_an_error(apiclus1) -> None:
    frame = apiclus1.assign(dnum=apiclus1["dnum"].where(apiclus1.index != 5))
    with pytest.raises(StatsError) as caught:
        SurveyDesign.from_frame(frame, ids="dnum", weights="pw")
    assert caught.value.code == "T308" and caught.value.problem.place.column == "dnum"


def test_design_effect_in_a_domain_uses_the_domains_n(apiclus1, dclus1, r_values) -> None:
    """svyby(~api00, ~stype, dclus1, svymean, deff=TRUE)"""
    got = [design_effect(dclus1, apiclus1["api00"].where(apiclus1["stype"] == s)) for s in "EHM"]
    np.testing.assert_allclose(got, r_values["clus1.by.stype.deff"], rtol=REL)


def test_the_margin_of_error_on_a_design_uses_the_mean_design_effect(apiclus1, dclus1, r_values):
    """mean(deff(svymean(~I(v == level), dclus1, deff="replace"))) over every category of
    sch.wide, awards, yr.rnd and both, and the margin at p = 50% on n over it."""
    shares = [
        (apiclus1[v] == level).astype(float)
        for v in ("sch.wide", "awards", "yr.rnd", "both")
        for level in sorted(apiclus1[v].unique())
    ]
    deffs = r_values["moe.clus1.deffs"]
    assert [design_effect(dclus1, y, replace=True) for y in shares] == pytest.approx(deffs)
    deff = mean_design_effect(dclus1, [*shares, np.ones(len(apiclus1))])  # 100%: no deff
    assert deff == pytest.approx(np.mean(deffs))
    methodology = Methodology(n=len(apiclus1), design_effect=deff)  # the report's page
    assert methodology.margin_of_error == pytest.approx(r_values["moe.clus1.margin"][0])
    assert mean_design_effect(dclus1, []) is None


@pytest.mark.parametrize("kind", ["clus1", "clus1.jk1", "rake"])
def test_many_shares_at_once_equal_svyciprop_one_by_one(apiclus1, dclus1, jk1, raked, kind):
    """survey_shares (a topline's question at once) gives survey_proportion(method="logit")."""
    design = {"clus1": dclus1, "clus1.jk1": jk1, "rake": raked}[kind]
    columns = pd.DataFrame(
        {
            level: (apiclus1["stype"] == level).astype(float).where(apiclus1["awards"] == "Yes")
            for level in "EHM"
        }
        | {"all": np.ones(len(apiclus1))}
    )
    df = design.degrees_of_freedom
    table = survey_shares(design, columns, df=df)
    for name in columns:
        one = survey_proportion(design, columns[name], method="logit", df=df)
        found = table.loc[name]
        assert (found["mean"], found["se"], found["n"]) == pytest.approx((one.value, one.se, one.n))
        assert (found["low"], found["high"]) == pytest.approx((one.low, one.high), rel=1e-10)
