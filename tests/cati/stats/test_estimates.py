"""Design-based estimates against R survey 4.1-1 on apistrat, Wilson against statsmodels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from cati.stats.design import SurveyDesign
from cati.stats.errors import StatsError, UnknownVariableError
from cati.stats.estimates import (
    box_indicator,
    net_promoter,
    survey_mean,
    survey_proportion,
    survey_quantile,
    survey_total,
    weighted_frequencies,
    weighted_median,
    weighted_quantile,
    wilson_interval,
)


@pytest.fixture
def dstrat(apistrat: pd.DataFrame) -> SurveyDesign:
    """svydesign(id=~1, strata=~stype, weights=~pw, data=apistrat, fpc=~fpc)"""
    return SurveyDesign.from_frame(apistrat, weights="pw", strata="stype", fpc="fpc")


def test_mean_of_api00_with_fpc_matches_r_survey(apistrat, dstrat) -> None:
    """svymean(~api00, dstrat): 662.29, SE 9.4089 (survey's svydesign example; 662.287363159,
    9.40894080278 printed with digits=12)."""
    est = survey_mean(dstrat, apistrat["api00"])
    assert est.value == pytest.approx(662.287363159, rel=1e-10)
    assert est.se == pytest.approx(9.40894080278, rel=1e-9)
    assert survey_mean(dstrat, apistrat["api99"]).se == pytest.approx(9.96394729867, rel=1e-9)


def test_mean_without_fpc_matches_r_survey(apistrat) -> None:
    """svymean(~api00, svydesign(id=~1, strata=~stype, weights=~pw, data=apistrat)): SE 9.5361."""
    design = SurveyDesign.from_frame(apistrat, weights="pw", strata="stype")
    assert survey_mean(design, apistrat["api00"]).se == pytest.approx(9.5361, abs=5e-5)


def test_total_of_enroll_matches_r_survey(apistrat, dstrat) -> None:
    """svytotal(~enroll, dstrat): 3687178, SE 114642; without fpc SE 117319."""
    est = survey_total(dstrat, apistrat["enroll"])
    assert est.value == pytest.approx(3687178, abs=0.5)
    assert est.se == pytest.approx(114641.716101, rel=1e-10)
    design = SurveyDesign.from_frame(apistrat, weights="pw", strata="stype")
    assert survey_total(design, apistrat["enroll"]).se == pytest.approx(117319.085969, rel=1e-10)


def test_weights_follow_from_fpc_when_not_given(apistrat) -> None:
    """svydesign(id=~1, strata=~stype, data=apistrat, fpc=~fpc) is equivalent (R docs)."""
    design = SurveyDesign.from_frame(apistrat, strata="stype", fpc="fpc")
    assert survey_mean(design, apistrat["api00"]).value == pytest.approx(662.29, abs=0.005)


def test_domain_means_match_svyby(apistrat, dstrat) -> None:
    """svyby(~api00, ~awards, dstrat, svymean): No 633.734911659 (SE 15.3347709760), Yes
    678.422405614 (SE 11.8566309874). A value outside the domain is NaN: the school stays in
    its stratum, as with R's subset() of a design."""
    for group, mean, se in [
        ("No", 633.734911659, 15.3347709760),
        ("Yes", 678.422405614, 11.8566309874),
    ]:
        in_domain = apistrat["api00"].where(apistrat["awards"] == group)
        est = survey_mean(dstrat, in_domain)
        assert est.value == pytest.approx(mean, rel=1e-10)
        assert est.se == pytest.approx(se, rel=1e-9)


def test_proportion_logit_interval_matches_svyciprop(apistrat, dstrat) -> None:
    """svyciprop(~I(sch.wide=="Yes"), dstrat, method="logit"): 0.82794801, SE 0.0243447801131,
    95% CI 0.774539654352 – 0.870814854545 (t quantile on degf = 197)."""
    yes = (apistrat["sch.wide"] == "Yes").astype(float)
    est = survey_proportion(dstrat, yes, method="logit", df=dstrat.degrees_of_freedom)
    assert est.value == pytest.approx(0.827948011416, rel=1e-10)
    assert est.se == pytest.approx(0.0243447801131, rel=1e-9)
    assert (est.low, est.high) == pytest.approx((0.774539654352, 0.870814854545), rel=1e-9)


def test_wilson_interval_equals_statsmodels() -> None:
    for count, nobs in [(0, 10), (3, 10), (57, 200), (999, 1000)]:
        expected = proportion_confint(count, nobs, alpha=0.05, method="wilson")
        assert wilson_interval(count / nobs, nobs) == pytest.approx(expected, rel=1e-12)
    expected = proportion_confint(57, 200, alpha=0.10, method="wilson")
    assert wilson_interval(57 / 200, 200, level=0.90) == pytest.approx(expected, rel=1e-12)


def test_weighted_wilson_uses_the_effective_base_like_statsmodels() -> None:
    """A weighted share p on Kish base n_eff is statsmodels' Wilson with count p·n_eff."""
    w = np.array([1, 2, 3, 1, 2, 3, 1, 2, 3, 4.0] * 5)
    y = np.array([1, 0, 1, 1, 0, 0, 1, 0, 1, 0.0] * 5)
    p = (w * y).sum() / w.sum()
    n_eff = w.sum() ** 2 / (w**2).sum()
    expected = proportion_confint(p * n_eff, n_eff, method="wilson")
    assert wilson_interval(p, n_eff) == pytest.approx(expected, rel=1e-12)


def test_design_wilson_on_equal_weights_uses_n_minus_one() -> None:
    """With unit weights and no fpc, V(p) = p(1−p)/(n−1), so n* = n − 1."""
    y = np.array([1.0] * 30 + [0.0] * 70)
    est = survey_proportion(SurveyDesign.from_weights(np.ones(100)), y, method="wilson")
    assert (est.low, est.high) == pytest.approx(proportion_confint(0.3 * 99, 99, method="wilson"))


def test_median_and_quartile_match_svyquantile(apistrat) -> None:
    """svyquantile(~api00, dstrat, 0.5) = 668; svyquantile(~enroll, dstrat, c(.25, .5)) = 334,
    446 (survey 4.1-1, default qrule="math")."""
    assert weighted_median(apistrat["api00"], apistrat["pw"]) == 668
    assert weighted_quantile(apistrat["enroll"], apistrat["pw"], 0.25) == 334
    assert weighted_quantile(apistrat["enroll"], apistrat["pw"], 0.5) == 446


def test_quantile_woodruff_interval_matches_svyquantile(apistrat, dstrat) -> None:
    """svyquantile(~api00, dstrat, 0.5): 668, CI 642–694, SE 13.1840557882;
    svyquantile(~enroll, dstrat, c(.25, .5)): 334 (304, 365) SE 15.4659115977 and
    446 (424, 522) SE 24.8468743700 (t quantile on degf = 197)."""
    df = dstrat.degrees_of_freedom
    median = survey_quantile(dstrat, apistrat["api00"], 0.5, df=df)
    assert (median.value, median.low, median.high) == (668, 642, 694)
    assert median.se == pytest.approx(13.1840557882, rel=1e-9)
    quartile = survey_quantile(dstrat, apistrat["enroll"], 0.25, df=df)
    assert (quartile.value, quartile.low, quartile.high) == (334, 304, 365)
    assert quartile.se == pytest.approx(15.4659115977, rel=1e-9)
    enroll_median = survey_quantile(dstrat, apistrat["enroll"], 0.5, df=df)
    assert (enroll_median.low, enroll_median.high) == (424, 522)
    assert enroll_median.se == pytest.approx(24.8468743700, rel=1e-9)


def test_nps_and_its_se_match_r_svymean_of_the_recode(apistrat, dstrat) -> None:
    """A 0–10 score derived from api00 ((api00 − 400) %/% 50, capped to 0–10).

    R: score <- pmin(pmax((apistrat$api00 - 400) %/% 50, 0), 10);
    nps <- ifelse(score >= 9, 100, ifelse(score <= 6, -100, 0));
    svymean(~nps, dstrat) -> -65.7988377829384, SE 4.81282696150109.
    """
    score = np.clip((apistrat["api00"] - 400) // 50, 0, 10)
    est = net_promoter(dstrat, score)
    assert est.value == pytest.approx(-65.7988377829384, rel=1e-10)
    assert est.se == pytest.approx(4.81282696150109, rel=1e-9)


def test_box_indicators_and_missing_codes() -> None:
    scores = [1, 2, 3, 4, 5, 99, np.nan]
    assert box_indicator(scores, scale=(1, 5)).tolist()[:5] == [0, 0, 0, 1, 1]
    assert np.isnan(box_indicator(scores, scale=(1, 5))[5:]).all()
    assert box_indicator(scores, scale=(1, 5), top=False).tolist()[:5] == [1, 1, 0, 0, 0]


def test_weighted_frequencies_report_bases() -> None:
    table = weighted_frequencies(["a", "b", "a", None], [1, 2, 3, 4], categories=["a", "b"])
    assert table["count"].tolist() == [2, 1]
    assert table["percent"].tolist() == pytest.approx([400 / 6, 200 / 6])
    assert table.attrs["unweighted_base"] == 3
    assert table.attrs["effective_base"] == pytest.approx(36 / 14)


def test_design_errors_name_the_problem(apistrat) -> None:
    with pytest.raises(UnknownVariableError, match="'region'"):
        SurveyDesign.from_frame(apistrat, weights="pw", strata="region")
    single = pd.DataFrame({"s": ["a", "a", "b"], "y": [1.0, 2.0, 3.0]})
    design = SurveyDesign.from_frame(single, strata="s")
    with pytest.raises(StatsError, match="stratum 'b' has one PSU"):
        survey_mean(design, single["y"])
