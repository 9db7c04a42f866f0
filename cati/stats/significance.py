"""Column tests of banner tables, written as letters.

Column proportions (the Dimensions convention, UNICOM Intelligence "Statistical formula for
the column proportions test", non-overlapping columns)::

    p = (e₁p₁ + e₂p₂) / (e₁ + e₂)        pooled on the effective bases e = (Σw)²/Σw²
    t = (p₁ − p₂) / √(p(1 − p)(1/e₁ + 1/e₂)),   df = e₁ + e₂ − 2

Column means: a pooled two-sample t on effective bases, s² = ((e₁−1)s₁² + (e₂−1)s₂²) /
(e₁ + e₂ − 2), t = (x̄₁ − x̄₂) / √(s²(1/e₁ + 1/e₂)); with equal weights this is Student's t.

A significant pair puts the letter of the lower column in the cell of the higher one:
upper case at ``high_level``, lower case at ``low_level``. Only columns of the same banner
variable are compared; columns below ``min_base`` (unweighted) are not tested.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests


@dataclass(frozen=True)
class TestSettings:
    """Significance levels, multiplicity adjustment and base thresholds of a banner book."""

    __test__ = False  # not a pytest test class despite its name

    high_level: float = 0.95
    low_level: float | None = 0.90
    adjustment: Literal["none", "bonferroni", "fdr"] = "none"
    min_base: int = 30
    low_base: int = 100


def column_letter(position: int) -> str:
    """A, B, …, Z, AA, AB, … for the tested columns, in banner order (0 is A)."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _pairs(group: np.ndarray, untested: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    tested = group[~untested[group]]
    i, j = np.triu_indices(len(tested), k=1)
    return tested[i], tested[j]


def _adjust(p_values: np.ndarray, method: str) -> np.ndarray:
    """Adjust each row's p-values over the pairs tested in that row (NaN = not tested)."""
    if method == "none":
        return p_values
    out = p_values.copy()
    for r in range(p_values.shape[0]):
        tested = ~np.isnan(p_values[r])
        if tested.any():
            statsmodels_method = "bonferroni" if method == "bonferroni" else "fdr_bh"
            out[r, tested] = multipletests(p_values[r, tested], method=statsmodels_method)[1]
    return out


def _write_letters(
    letters: list[list[str]],
    diff: np.ndarray,
    p_values: np.ndarray,
    first: np.ndarray,
    second: np.ndarray,
    settings: TestSettings,
) -> None:
    high_alpha = 1 - settings.high_level
    low_alpha = 1 - settings.low_level if settings.low_level is not None else -1.0
    rows, cols = np.nonzero(p_values < max(high_alpha, low_alpha))
    for r, k in zip(rows, cols, strict=True):
        higher, lower = (first[k], second[k]) if diff[r, k] > 0 else (second[k], first[k])
        letter = column_letter(int(lower) - 1)
        letters[r][higher] += letter if p_values[r, k] < high_alpha else letter.lower()


def _test(diff: np.ndarray, se: np.ndarray, df: np.ndarray, settings: TestSettings) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        t = diff / se
    p = 2 * stats.t.sf(np.abs(t), df)
    p[~(se > 0) | (diff == 0) | ~(df > 0)] = np.nan
    return _adjust(p, settings.adjustment)


def proportion_letters(
    proportions: np.ndarray,
    effective_base: np.ndarray,
    groups: list[np.ndarray],
    untested: np.ndarray,
    settings: TestSettings,
) -> list[list[str]]:
    """Letters for each row (R × C proportions) from the column proportions test."""
    letters = [[""] * proportions.shape[1] for _ in range(proportions.shape[0])]
    for group in groups:
        first, second = _pairs(group, untested)
        if not first.size:
            continue
        p1, p2 = proportions[:, first], proportions[:, second]
        e1, e2 = effective_base[first], effective_base[second]
        pooled = (p1 * e1 + p2 * e2) / (e1 + e2)
        se = np.sqrt(pooled * (1 - pooled) * (1 / e1 + 1 / e2))
        p_values = _test(p1 - p2, se, e1 + e2 - 2, settings)
        _write_letters(letters, p1 - p2, p_values, first, second, settings)
    return [sorted_letters(row) for row in letters]


def mean_letters(
    means: np.ndarray,
    variances: np.ndarray,
    effective_base: np.ndarray,
    groups: list[np.ndarray],
    untested: np.ndarray,
    settings: TestSettings,
) -> list[str]:
    """Letters for one row of column means (variances with the effective-base correction)."""
    letters = [[""] * len(means)]
    for group in groups:
        first, second = _pairs(group, untested)
        if not first.size:
            continue
        e1, e2 = effective_base[first], effective_base[second]
        df = e1 + e2 - 2
        pooled = ((e1 - 1) * variances[first] + (e2 - 1) * variances[second]) / df
        se = np.sqrt(pooled * (1 / e1 + 1 / e2))[None, :]
        diff = (means[first] - means[second])[None, :]
        p_values = _test(diff, se, df, settings)
        _write_letters(letters, diff, p_values, first, second, settings)
    return sorted_letters(letters[0])


def design_letters(
    estimates: np.ndarray,
    se: np.ndarray,
    df: float,
    groups: list[np.ndarray],
    untested: np.ndarray,
    settings: TestSettings,
) -> list[list[str]]:
    """Letters for each row (R × C shares or means) from design-based standard errors:
    t = (a − b) / √(se_a² + se_b²) on the design's degrees of freedom (the covariance of two
    columns, nil for disjoint domains of independent PSUs, is left out)."""
    letters = [[""] * estimates.shape[1] for _ in range(estimates.shape[0])]
    for group in groups:
        first, second = _pairs(group, untested)
        if not first.size:
            continue
        diff = estimates[:, first] - estimates[:, second]
        se_diff = np.sqrt(se[:, first] ** 2 + se[:, second] ** 2)
        p_values = _test(diff, se_diff, np.full(diff.shape, float(df)), settings)
        _write_letters(letters, diff, p_values, first, second, settings)
    return [sorted_letters(row) for row in letters]


def sorted_letters(cells: list[str]) -> list[str]:
    """Upper-case letters first, each set in alphabetical order ("ACb", not "bAC")."""
    return ["".join(sorted(cell, key=lambda ch: (ch.islower(), ch.upper()))) for cell in cells]
