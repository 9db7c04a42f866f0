"""Banner tables: letters worked out by hand, bases, nets, means and the Rao–Scott test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cati.stats.banner import (
    Band,
    BannerVariable,
    Net,
    Question,
    banner_table,
    grid_questions,
)
from cati.stats.design import SurveyDesign
from cati.stats.errors import StatsError, UnknownVariableError
from cati.stats.significance import TestSettings, column_letter

REGION = BannerVariable(
    "region",
    "Region",
    (("north", "North"), ("south", "South"), ("east", "East"), ("west", "West")),
)
Q1 = Question("q1", "Q1", categories=(("yes", "Yes"), ("no", "No")))


def regions() -> pd.DataFrame:
    """North 120/200 yes, South 90/200, East 30/50, West 15/20; sex alternates."""
    rows = []
    for region, n, yes in [
        ("north", 200, 120),
        ("south", 200, 90),
        ("east", 50, 30),
        ("west", 20, 15),
    ]:
        rows += [(region, "yes" if i < yes else "no", "mf"[i % 2]) for i in range(n)]
    return pd.DataFrame(rows, columns=["region", "q1", "sex"])


def test_column_proportion_letters_worked_by_hand() -> None:
    """Columns A North, B South, C East, D West (n = 20 < 30, not tested); E f, F m.

    Unit weights, so effective bases are the counts.
    A vs B, "Yes": p = (0.60·200 + 0.45·200)/400 = 0.525; SE = √(0.525·0.475·(1/200 + 1/200))
      = √0.00249375 = 0.049937; t = 0.15/0.049937 = 3.0038, df 398, p = 0.0028 < 0.05:
      "B" in A's Yes, and "A" in B's No (the No row is the mirror image).
    A vs C: 0.60 = 0.60, no letter.
    B vs C, "Yes": p = (0.45·200 + 0.60·50)/250 = 0.48; SE = √(0.48·0.52·(1/200 + 1/50))
      = √0.00624 = 0.078994; t = −0.15/0.078994 = −1.8989, df 248, p = 0.0587: between 0.05
      and 0.10, so lower case "b" in C's Yes and "c" in B's No.
    D (75% yes) is never compared; E and F are compared only with each other.
    """
    table = banner_table(regions(), [Q1], [REGION, BannerVariable("sex")])
    assert [c.letter for c in table.columns] == ["", "A", "B", "C", "D", "E", "F"]
    letters = table.letters_frame()
    assert letters.loc[("q1", "Yes")].tolist() == ["", "B", "", "b", "", "", ""]
    assert letters.loc[("q1", "No")].tolist() == ["", "", "Ac", "", "", "", ""]
    block = table.blocks[0]
    assert block.untested.tolist() == [True, False, False, False, True, False, False]
    assert block.low_base.tolist() == [False, False, False, True, True, False, False]
    assert block.rows[0].percent[:5].tolist() == pytest.approx([255 / 470 * 100, 60, 45, 60, 75])


def test_bonferroni_multiplies_by_the_pairs_tested() -> None:
    """A–C have identical proportions and are not tested (as in Dimensions), so two pairs
    remain: A–B 0.0028·2 = 0.0057 stays upper case; B–C 0.0587·2 = 0.117 > 0.10 drops."""
    settings = TestSettings(adjustment="bonferroni")
    letters = banner_table(regions(), [Q1], [REGION], settings=settings).letters_frame()
    assert letters.loc[("q1", "Yes")].tolist() == ["", "B", "", "", ""]
    assert letters.loc[("q1", "No")].tolist() == ["", "", "A", "", ""]


def test_fdr_keeps_letters_that_survive_benjamini_hochberg() -> None:
    """Benjamini–Hochberg on p = (0.0028, 0.0587), m = 2: 0.0028·2/1 = 0.0057 and
    0.0587·2/2 = 0.0587, so the letters are those of the unadjusted test."""
    settings = TestSettings(adjustment="fdr")
    letters = banner_table(regions(), [Q1], [REGION], settings=settings).letters_frame()
    assert letters.loc[("q1", "Yes")].tolist() == ["", "B", "", "b", ""]


def test_levels_are_configurable() -> None:
    """At 99%/none, A–B (p = 0.0028) is upper case and B–C (p = 0.0587) disappears."""
    settings = TestSettings(high_level=0.99, low_level=None)
    letters = banner_table(regions(), [Q1], [REGION], settings=settings).letters_frame()
    assert letters.loc[("q1", "Yes")].tolist() == ["", "B", "", "", ""]


def test_tests_use_the_kish_effective_base() -> None:
    """Doubling every weight changes counts, not effective bases, so the letters stay.

    Weights alternating 1 and 3 in North (100 of each): Σw = 400, Σw² = 100 + 900 = 1000,
    e = 400² / 1000 = 160 = 0.8 · 200.
    """
    frame = regions()
    frame["w"] = 2.0
    doubled = banner_table(frame, [Q1], [REGION], weights="w")
    assert doubled.letters_frame().loc[("q1", "Yes")].tolist() == ["", "B", "", "b", ""]
    frame["w"] = np.where(np.arange(len(frame)) % 2 == 0, 1.0, 3.0)
    block = banner_table(frame, [Q1], [REGION], weights="w").blocks[0]
    assert block.effective_base[1] == pytest.approx(0.8 * 200)
    assert block.weighted_base[1] == pytest.approx(400)
    bases = banner_table(frame, [Q1], [REGION], weights="w").bases_frame()
    assert bases.loc[("q1", "effective_base"), "North"] == pytest.approx(160)
    assert bases.loc[("q1", "unweighted_base"), "Total"] == 470


def test_nets_multi_and_grid_rows() -> None:
    frame = pd.DataFrame(
        {
            "g": ["a", "a", "b", "b"],
            "sat": [1, 4, 5, np.nan],
            "brand_x": [1, 0, 1, np.nan],
            "brand_y": [1, 1, 0, np.nan],
            "item1": [5, 4, 3, 2],
            "item2": [1, 2, 3, 4],
        }
    )
    scale = tuple((k, str(k)) for k in range(1, 6))
    sat = Question("sat", "Satisfaction", categories=scale, nets=(Net("Top 2", (4, 5)),), mean=True)
    brands = Question(
        "brands",
        "Brands",
        "multi",
        options=(("brand_x", "X"), ("brand_y", "Y")),
        nets=(Net("Any", ("brand_x", "brand_y")),),
    )
    grid = grid_questions({"item1": "Item 1", "item2": "Item 2"}, scale)
    table = banner_table(frame, [sat, brands, *grid], [BannerVariable("g")])
    values = table.to_frame("unweighted")
    assert values.loc[("sat", "Top 2")].tolist() == [2, 1, 1]
    assert values.loc[("sat", "Mean")].tolist() == pytest.approx([10 / 3, 2.5, 5])
    assert table.blocks[0].unweighted_base.tolist() == [3, 2, 1]
    assert values.loc[("brands", "Any")].tolist() == [3, 2, 1]
    assert table.blocks[1].unweighted_base.tolist() == [3, 2, 1]  # row 4 was not asked
    assert values.loc[("item2", "4")].tolist() == [1, 0, 1]


def test_column_means_test_equals_students_t_on_unit_weights() -> None:
    rng = np.random.default_rng(7)
    a, b = rng.normal(10, 2, 60), rng.normal(10.8, 2, 60)
    frame = pd.DataFrame({"g": ["a"] * 60 + ["b"] * 60, "x": np.concatenate([a, b])})
    table = banner_table(frame, [Question("x", kind="numeric")], [BannerVariable("g")])
    row = table.blocks[0].rows[0]
    assert row.sd[1] == pytest.approx(np.std(a, ddof=1))
    p = stats.ttest_ind(a, b, equal_var=True).pvalue
    expected = "A" if p < 0.05 else "a" if p < 0.10 else ""
    assert 0 < p < 0.10  # the seed gives a difference worth a letter
    assert row.letters == ["", "", expected]


def test_rao_scott_in_a_banner_matches_r_svychisq(apistrat) -> None:
    """svychisq(~stype+awards, dstrat, statistic="Chisq"): X² 19.47965642, p 7.01946871079e-07;
    statistic="F": F 14.169408118, ndf 1.88513588503, ddf 371.37176935182, p 2.08210867643e-06
    (R 4.2.2, survey 4.1-1)."""
    design = SurveyDesign.from_frame(apistrat, weights="pw", strata="stype", fpc="fpc")
    table = banner_table(apistrat, [Question("awards")], [BannerVariable("stype")], design=design)
    test = table.blocks[0].chi_square["stype"]
    assert test.pearson == pytest.approx(19.47965642, rel=1e-9)
    assert test.p_value == pytest.approx(7.01946871079e-07, rel=1e-8)
    assert test.f == pytest.approx(14.169408118, rel=1e-9)
    assert (test.ndf, test.ddf) == pytest.approx((1.88513588503, 371.37176935182), rel=1e-9)
    assert test.f_p_value == pytest.approx(2.08210867643e-06, rel=1e-8)


def test_rao_scott_without_fpc_matches_r(apistrat) -> None:
    """svychisq(~sch.wide+awards, svydesign(id=~1, strata=~stype, weights=~pw, data=apistrat),
    statistic="Chisq"): X-squared = 73.54614521, df = 1."""
    design = SurveyDesign.from_frame(apistrat, weights="pw", strata="stype")
    table = banner_table(
        apistrat, [Question("sch.wide")], [BannerVariable("awards")], design=design
    )
    test = table.blocks[0].chi_square["awards"]
    assert (test.pearson, test.df) == (pytest.approx(73.54614521, rel=1e-9), 1)


def test_column_letters_run_past_z() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 27, 51, 52)] == ["A", "Z", "AA", "AB", "AZ", "BA"]


def test_banner_errors_name_the_variable() -> None:
    frame = regions()
    with pytest.raises(UnknownVariableError, match="'age'"):
        banner_table(frame, [Q1], [BannerVariable("age")])
    with pytest.raises(UnknownVariableError, match="'q9'"):
        banner_table(frame, [Question("q9")], [REGION])
    with pytest.raises(StatsError, match="'q1' has value 'no'"):
        banner_table(frame, [Question("q1", categories=(("yes", "Yes"),))], [REGION])
    with pytest.raises(StatsError, match="net 'Top' of 'q1' names unknown category 'maybe'"):
        banner_table(frame, [Question("q1", nets=(Net("Top", ("maybe",)),))], [REGION])


def test_numeric_rows_are_bands_mean_median_and_sd_weighted_median_by_hand() -> None:
    frame = pd.DataFrame(
        {
            "g": ["a", "a", "a", "b", "b", "b", "b"],
            "spend": [10.5, 231.28, 3.0, 7.25, 1.0, 2.0, np.nan],
            "w": [1.0, 1.0, 1.0, 1.0, 1.0, 3.0, 1.0],
        }
    )
    bands = (Band("Under 5", None, 4.99), Band("5 or more", 5, None))
    q = Question("spend", "Spend", "numeric", bands=bands)
    rows = {r.kind: r for r in banner_table(frame, [q], [BannerVariable("g")]).blocks[0].rows}
    assert rows["mean"].value[1] == pytest.approx((10.5 + 231.28 + 3) / 3)
    assert rows["median"].value.tolist() == pytest.approx([5.125, 10.5, 2.0])  # np.median
    assert rows["sd"].value[2] == pytest.approx(np.std([7.25, 1.0, 2.0], ddof=1))
    table = banner_table(frame, [q], [BannerVariable("g")])
    assert table.to_frame("unweighted").loc[("spend", "Under 5")].tolist() == [3, 1, 2]
    weighted = banner_table(frame, [q], [BannerVariable("g")], weights="w")
    medians = {r.kind: r for r in weighted.blocks[0].rows}["median"].value
    # b: values 1 (w 1), 2 (w 3), 7.25 (w 1): half of 5 is reached at 2
    assert medians[2] == 2.0
    assert weighted.blocks[0].unweighted_base.tolist() == [6, 3, 3]


def test_scale_mean_leaves_dont_know_out_and_nps_is_promoters_minus_detractors() -> None:
    scores = [10, 9, 9, 8, 6, 0, 98, 10, 7, 3, 2, 1]
    frame = pd.DataFrame({"g": ["a"] * 6 + ["b"] * 6, "nps": scores})
    scale = tuple(range(11))
    categories = tuple((k, str(k)) for k in (*scale, 98))
    q = Question("nps", "NPS", categories=categories, mean=True, scale=scale, nps=True)
    table = banner_table(frame, [q], [BannerVariable("g")])
    rows = {r.kind: r for r in table.blocks[0].rows}
    assert rows["mean"].value[1] == pytest.approx(np.mean([10, 9, 9, 8, 6, 0]))
    assert rows["mean"].value[2] == pytest.approx(np.mean([10, 7, 3, 2, 1]))
    assert rows["nps"].value[1] == pytest.approx(100 * (3 - 2) / 6)
    assert rows["nps"].value[2] == pytest.approx(100 * (1 - 3) / 5)
    assert rows["nps"].unweighted.tolist() == [11, 6, 5]  # Don't know is not rated
    assert table.blocks[0].unweighted_base.tolist() == [12, 6, 6]
    values = table.to_frame("unweighted")
    assert values.loc[("nps", "4")].tolist() == [0, 0, 0]  # zero-count points stay


def test_nps_letters_come_from_the_means_test_on_the_nps_scores() -> None:
    rng = np.random.default_rng(3)
    a = rng.choice(11, 200, p=[0.02] * 7 + [0.1, 0.1, 0.3, 0.36])
    b = rng.choice(11, 200, p=[0.08] * 7 + [0.1, 0.1, 0.12, 0.12])
    frame = pd.DataFrame({"g": ["a"] * 200 + ["b"] * 200, "r": np.concatenate([a, b])})
    scale = tuple(range(11))
    q = Question(
        "r", categories=tuple((k, str(k)) for k in scale), mean=True, scale=scale, nps=True
    )
    row = next(
        r for r in banner_table(frame, [q], [BannerVariable("g")]).blocks[0].rows if r.kind == "nps"
    )
    score = lambda x: np.select([x >= 9, x >= 7], [100.0, 0.0], -100.0)  # noqa: E731
    p = stats.ttest_ind(score(a), score(b)).pvalue
    assert p < 0.05 and row.letters == ["", "B", ""]
