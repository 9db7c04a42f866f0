"""Clustered, multi-stage and lonely-PSU designs against R survey 4.1-1 (reference.json)."""

from __future__ import annotations

import pandas as pd
import pytest

from cati.stats.design import SurveyDesign
from cati.stats.errors import StatsError
from cati.stats.estimates import survey_mean, survey_total
from tests.cati.stats.conftest import REFERENCE

REL = 1e-6


def check(est, r_values, name: str) -> None:
    assert est.value == pytest.approx(r_values[f"{name}.value"][0], rel=REL)
    assert est.se == pytest.approx(r_values[f"{name}.se"][0], rel=REL)


def test_one_stage_cluster_design(apiclus1, r_values) -> None:
    """svydesign(id=~dnum, weights=~pw, fpc=~fpc, data=apiclus1)"""
    design = SurveyDesign.from_frame(apiclus1, ids="dnum", weights="pw", fpc="fpc")
    check(survey_mean(design, apiclus1["api00"]), r_values, "clus1.mean.api00")
    check(survey_total(design, apiclus1["enroll"]), r_values, "clus1.total.enroll")
    assert design.degrees_of_freedom == r_values["clus1.df"][0]


def test_two_stage_design_with_fpc_per_stage(apiclus2, r_values) -> None:
    """svydesign(id=~dnum+snum, fpc=~fpc1+fpc2, data=apiclus2): weights from the fpcs."""
    design = SurveyDesign.from_frame(apiclus2, ids=["dnum", "snum"], fpc=["fpc1", "fpc2"])
    check(survey_mean(design, apiclus2["api00"]), r_values, "clus2.mean.api00")
    check(survey_total(design, apiclus2["api.stu"]), r_values, "clus2.total.api.stu")
    assert design.degrees_of_freedom == r_values["clus2.df"][0]


def test_two_stage_without_fpc_is_with_replacement(apiclus2, r_values) -> None:
    """svydesign(id=~dnum+snum, weights=~pw): only the PSU totals count."""
    design = SurveyDesign.from_frame(apiclus2, ids=["dnum", "snum"], weights="pw")
    check(survey_mean(design, apiclus2["api00"]), r_values, "clus2wr.mean.api00")
    check(survey_total(design, apiclus2["api.stu"]), r_values, "clus2wr.total.api.stu")


@pytest.mark.parametrize("option", ["remove", "certainty", "average", "adjust"])
def test_lonely_psu_options(option, r_values) -> None:
    """options(survey.lonely.psu=option); stratum H holds one district."""
    lonely = pd.read_csv(REFERENCE / "lonely.csv")
    design = SurveyDesign.from_frame(
        lonely, ids="dnum", strata="stype", weights="pw", lonely_psu=option
    )
    check(survey_mean(design, lonely["api00"]), r_values, f"lonely.{option}.mean.api00")
    check(survey_total(design, lonely["enroll"]), r_values, f"lonely.{option}.total.enroll")


def test_lonely_psu_fails_by_default() -> None:
    lonely = pd.read_csv(REFERENCE / "lonely.csv")
    design = SurveyDesign.from_frame(lonely, ids="dnum", strata="stype", weights="pw")
    with pytest.raises(StatsError, match="stratum 'H' has one PSU") as caught:
        survey_mean(design, lonely["api00"])
    assert caught.value.code == "T304"
    with pytest.raises(StatsError) as caught:
        SurveyDesign.from_frame(lonely, ids="dnum", weights="pw", lonely_psu="drop")
    assert caught.value.code == "T305"


@pytest.mark.parametrize("option", ["remove", "adjust"])
def test_lonely_units_at_the_second_stage(option, r_values) -> None:
    """Four districts of apiclus2 keep one school: lonely at stage 2 (R's lonely2 data)."""
    lonely = pd.read_csv(REFERENCE / "lonely2.csv")
    design = SurveyDesign.from_frame(
        lonely, ids=["dnum", "snum"], fpc=["fpc1", "fpc2"], lonely_psu=option
    )
    check(survey_mean(design, lonely["api00"]), r_values, f"lonely2.{option}.mean.api00")
    check(survey_total(design, lonely["api.stu"]), r_values, f"lonely2.{option}.total.api.stu")


def test_average_at_the_second_stage_leaves_a_lone_unit_out(r_values) -> None:
    """R gives NaN (0 of 1 strata left in the district); cati counts the district's second
    stage as 0, which is what ``remove`` gives."""
    lonely = pd.read_csv(REFERENCE / "lonely2.csv")
    design = SurveyDesign.from_frame(
        lonely, ids=["dnum", "snum"], fpc=["fpc1", "fpc2"], lonely_psu="average"
    )
    check(survey_mean(design, lonely["api00"]), r_values, "lonely2.remove.mean.api00")
    with pytest.raises(StatsError, match="one sampled unit at a later stage"):
        survey_mean(
            SurveyDesign.from_frame(lonely, ids=["dnum", "snum"], fpc=["fpc1", "fpc2"]),
            lonely["api00"],
        )
