"""Weighting: raking against R survey and an IPF property, post-strata, cells, trimming, Kish."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cati.stats.errors import UnknownVariableError, WeightingError
from cati.stats.weighting import (
    design_weights,
    kish_effective_base,
    nonresponse_adjustment,
    poststratify,
    rake,
    trim_weights,
    weighting_efficiency,
)

# Population margins of the 6,194 schools in R survey's apipop: table(apipop$stype),
# table(apipop$sch.wide), table(apipop$awards).
API_MARGINS = {
    "stype": {"E": 4421, "H": 755, "M": 1018},
    "sch.wide": {"No": 1072, "Yes": 5122},
    "awards": {"No": 2027, "Yes": 4167},
}


def test_rake_matches_r_survey_rake_on_apistrat(apistrat: pd.DataFrame) -> None:
    """Raking apistrat's pw to three apipop margins gives R survey's weights and cell totals.

    Reference: R 4.2.2, survey 4.1-1,
    rake(svydesign(id=~1, weights=~pw, data=apistrat), list(~stype, ~sch.wide, ~awards),
         list(pop.types, pop.schwide, pop.awards), control=list(maxit=100, epsilon=1e-10))
    then weights(), svytotal(~interaction(stype, sch.wide)) and sum(w)^2/sum(w^2).
    """
    result = rake(apistrat, API_MARGINS, weights="pw", tolerance=1e-10)
    w = result.weights
    r_first_weights = [35.7806133146, 46.3424045091, 43.7726034306, 46.3424045091]
    assert w[:4] == pytest.approx(r_first_weights, rel=1e-9)
    cells = pd.Series(w).groupby([apistrat["stype"], apistrat["sch.wide"]]).sum()
    assert cells[("E", "No")] == pytest.approx(393.9534309, rel=1e-8)
    assert cells[("H", "Yes")] == pytest.approx(386.0588984, rel=1e-8)
    assert cells[("M", "No")] == pytest.approx(309.1054670, rel=1e-8)
    assert kish_effective_base(w) == pytest.approx(167.193898081, rel=1e-9)
    assert result.report.converged
    assert result.report.max_margin_error <= 1e-10


def test_rake_keeps_the_cross_product_ratio_of_a_two_by_two_table() -> None:
    """IPF preserves the odds ratio (Deming & Stephan 1940; Bishop, Fienberg & Holland 1975).

    Sample cells (7, 9 / 12, 7), targets rows 5 and 15, columns 10 and 10 (the census/survey
    example of Klemens, "Modeling with Data"). With x = cell (1,1): x12 = 5 − x, x21 = 10 − x,
    x22 = 5 + x and x(5 + x) / ((5 − x)(10 − x)) = 7·7 / (9·12) = 49/108, so
    108x² + 540x = 49x² − 735x + 2450, i.e. 59x² + 1275x − 2450 = 0 and
    x = (−1275 + √(1275² + 4·59·2450)) / 118 = (−1275 + √2203825) / 118 ≈ 1.77566.
    """
    cells = [("r1", "c1", 7), ("r1", "c2", 9), ("r2", "c1", 12), ("r2", "c2", 7)]
    frame = pd.DataFrame([(r, c) for r, c, n in cells for _ in range(n)], columns=["row", "col"])
    result = rake(frame, {"row": {"r1": 5, "r2": 15}, "col": {"c1": 10, "c2": 10}}, tolerance=1e-12)
    table = pd.Series(result.weights).groupby([frame["row"], frame["col"]]).sum()
    x = (-1275 + math.sqrt(2203825)) / 118
    assert table[("r1", "c1")] == pytest.approx(x, rel=1e-9)
    assert table[("r1", "c2")] == pytest.approx(5 - x, rel=1e-9)
    assert table[("r2", "c2")] == pytest.approx(5 + x, rel=1e-9)


def test_rake_accepts_shares_and_percentages_scaled_to_the_total() -> None:
    frame = pd.DataFrame({"sex": ["m", "m", "f", "f", "f"], "age": ["y", "o", "y", "o", "o"]})
    result = rake(frame, {"sex": {"m": 50, "f": 50}, "age": {"y": 0.4, "o": 0.6}}, total=1000)
    assert result.weights.sum() == pytest.approx(1000)
    assert result.weights[:2].sum() == pytest.approx(500)


def test_rake_reports_non_convergence_when_bounds_bind() -> None:
    frame = pd.DataFrame({"g": ["a"] * 9 + ["b"]})
    result = rake(frame, {"g": {"a": 50, "b": 50}}, bounds=(0.5, 2.0), max_iterations=20)
    assert not result.report.converged
    assert result.report.weight_ratio_range[1] <= 2.0 + 1e-12
    assert result.report.max_margin_error > 0.1


def test_rake_errors_name_the_variable_and_category() -> None:
    frame = pd.DataFrame({"sex": ["m", "f", "x"], "age": ["y", "o", "o"]})
    with pytest.raises(WeightingError, match=r"'sex' has value 'x'"):
        rake(frame, {"sex": {"m": 1, "f": 1}})
    with pytest.raises(UnknownVariableError, match="'region'"):
        rake(frame, {"region": {"n": 1}})
    frame = pd.DataFrame({"sex": ["m", "f"], "age": ["y", "o"]})
    with pytest.raises(WeightingError, match=r"targets of 'age' sum to 30 but those of 'sex'"):
        rake(frame, {"sex": {"m": 10, "f": 10}, "age": {"y": 10, "o": 20}})
    with pytest.raises(WeightingError, match=r"'sex' sum to 20, not to the total 30"):
        rake(frame, {"sex": {"m": 10, "f": 10}}, total=30)
    with pytest.raises(WeightingError, match=r"category 'z' of 'sex' has a target but no"):
        rake(frame, {"sex": {"m": 0.4, "f": 0.4, "z": 0.2}})


def test_poststratify_scales_each_cell_to_its_total() -> None:
    frame = pd.DataFrame({"region": ["n", "n", "s", "s", "s"]})
    w = poststratify(frame, "region", {"n": 600, "s": 400})
    assert w.tolist() == pytest.approx([300, 300, 400 / 3, 400 / 3, 400 / 3])
    with pytest.raises(WeightingError, match="post-stratum 'e' of 'region'"):
        poststratify(frame, "region", {"n": 1, "s": 1, "e": 1}, total=3)


def test_poststratify_matches_r_poststratify(apistrat: pd.DataFrame) -> None:
    """postStratify(svydesign(id=~1, weights=~pw, data=apistrat), ~awards,
    data.frame(awards=c("No","Yes"), Freq=c(2027,4167))): weights 40.0699632804 (No),
    46.5495413423 (Yes)."""
    w = poststratify(apistrat, "awards", {"No": 2027, "Yes": 4167}, weights="pw")
    assert w[:2].tolist() == pytest.approx([40.0699632804, 46.5495413423], rel=1e-10)


def test_nonresponse_adjustment_moves_weight_to_respondents_of_the_same_cell() -> None:
    # Cell a: weights 10, 10, 20 (20 does not respond) -> respondents get 10·40/20 = 20.
    w = nonresponse_adjustment([10, 10, 20, 5, 5], [1, 1, 0, 1, 0], ["a", "a", "a", "b", "b"])
    assert w.tolist() == pytest.approx([20, 20, 0, 10, 0])
    with pytest.raises(WeightingError, match="cell 'b' has no respondents"):
        nonresponse_adjustment([1, 1], [1, 0], ["a", "b"])


def test_design_weights_are_inverse_inclusion_probabilities() -> None:
    assert design_weights([0.5, 0.25, 1]).tolist() == [2, 4, 1]
    with pytest.raises(WeightingError, match="row 1"):
        design_weights([0.5, 0])


def test_kish_effective_base_by_hand() -> None:
    """Weights 1, 1, 2, 4: (Σw)² / Σw² = 8² / (1 + 1 + 4 + 16) = 64 / 22 = 2.909…"""
    assert kish_effective_base([1, 1, 2, 4]) == pytest.approx(64 / 22)
    assert weighting_efficiency([1, 1, 2, 4]) == pytest.approx(64 / 22 / 4)
    assert kish_effective_base([3.0] * 10) == pytest.approx(10)


def test_trim_weights_caps_and_keeps_the_total() -> None:
    w = np.array([1, 1, 1, 1, 1, 1, 1, 1, 1, 11], dtype=float)  # mean 2, cap 2·1.5 = 3
    trimmed = trim_weights(w, upper=1.5)
    assert trimmed.sum() == pytest.approx(20)
    assert trimmed.max() == pytest.approx(3)
    assert trimmed[:9] == pytest.approx([17 / 9] * 9)
    with pytest.raises(WeightingError, match=r"cap 0\.9"):
        trim_weights(w, upper=0.9)


def test_trim_weights_floors_small_weights() -> None:
    """Mean 1; floor 0.5: the two 0.1 weights rise to 0.5 and the other eight share −0.8."""
    w = np.array([0.1, 0.1] + [1.225] * 8)
    trimmed = trim_weights(w, lower=0.5)
    assert trimmed[:2].tolist() == pytest.approx([0.5, 0.5])
    assert trimmed[2:] == pytest.approx([1.125] * 8)
    assert trimmed.sum() == pytest.approx(10)
