"""Rao–Scott corrected chi-square test of independence for a weighted two-way table.

Follows Rao & Scott (1981, 1984) as R survey's ``svychisq`` computes it: Pearson's X² on the
weighted table scaled to the sample size n, divided by the generalized design effects of
the interaction contrasts. Δ = (C'D⁻¹C/n)⁻¹ (C'D⁻¹VD⁻¹C), where V is the design covariance
of the cell proportions, D their diagonal and C the interaction contrasts orthogonal to
the main effects. First order: X²/mean(δ) ~ χ²((r−1)(c−1)); second order (R's default
"F"): X²/trace(Δ) ~ F(d, d·ν) with d = trace(Δ)²/trace(Δ²) and ν the design's degrees of
freedom.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from cati.problems import N_
from cati.stats.errors import ErrorCode, StatsError
from cati.stats.replicates import ReplicateDesign
from cati.stats.variance import Design, ratio_covariance


@dataclass(frozen=True)
class RaoScottResult:
    pearson: float
    df: int
    mean_design_effect: float
    chisq: float
    p_value: float
    f: float
    ndf: float
    ddf: float
    f_p_value: float


def _dummies(codes: np.ndarray, levels: int) -> np.ndarray:
    return (codes[:, None] == np.arange(1, levels)[None, :]).astype(float)


def _cell_share_covariance(
    design: Design, cell: np.ndarray, valid: np.ndarray, p: np.ndarray, base: float
) -> np.ndarray:
    """Design covariance of the cell shares, from sums per stratum and cell.

    The linearization value of respondent i is u_i = w_i (e_c(i) − p) / W, which depends only
    on its cell and weight, so Σ u uᵀ and Σ u within a stratum follow from Σw and Σw² per
    (stratum, cell) instead of an n × k matrix: O(n) work plus O(H k²).
    """
    k = len(p)
    if isinstance(design, ReplicateDesign) or not design.one_stage_elements:
        # Clusters, stages, calibration or replicates: the shares as ratios of totals.
        e = ((cell[:, None] == np.arange(k)[None, :]) & valid[:, None]).astype(float)
        return ratio_covariance(design, e, valid.astype(float)[:, None], np.zeros(k, dtype=int))[1]
    n_h, factor = design.stratum_factors()
    strata = len(n_h)
    key = design.strata[valid] * k + cell[valid]
    w = design.weights[valid]
    s1 = np.bincount(key, weights=w, minlength=strata * k).reshape(strata, k)
    s2 = np.bincount(key, weights=w * w, minlength=strata * k).reshape(strata, k)
    centred = np.eye(k) - p[None, :]  # row c: e_c − p
    v = np.zeros((k, k))
    for h in range(strata):
        second = centred.T @ (s2[h][:, None] * centred) / base**2
        first = centred.T @ s1[h] / base
        v += factor[h] * (second - np.outer(first, first) / n_h[h])
    return v


def rao_scott(design: Design, rows: np.ndarray, cols: np.ndarray) -> RaoScottResult:
    """Test independence of two categorical codes (−1 = missing, left out as a domain)."""
    rows = np.asarray(rows)
    cols = np.asarray(cols)
    valid = (rows >= 0) & (cols >= 0)
    row_levels = np.unique(rows[valid])
    col_levels = np.unique(cols[valid])
    nr, nc = len(row_levels), len(col_levels)
    if nr < 2 or nc < 2:
        raise StatsError(
            ErrorCode.TABLE_TOO_SMALL,
            N_("a chi-square test needs at least two rows and two columns with data"),
        )
    r = np.searchsorted(row_levels, np.where(valid, rows, row_levels[0]))
    c = np.searchsorted(col_levels, np.where(valid, cols, col_levels[0]))
    cell = r + nr * c  # rows vary fastest, as in R's expand.grid
    k = nr * nc
    w = design.weights * valid
    base = w.sum()
    p = np.bincount(cell[valid], weights=w[valid], minlength=k) / base
    v = _cell_share_covariance(design, cell, valid, p, base)
    n = int(valid.sum())

    table = p.reshape(nc, nr).T
    expected = np.outer(table.sum(axis=1), table.sum(axis=0))
    pearson = float(n * (((table - expected) ** 2) / np.where(expected > 0, expected, 1)).sum())

    grid_r = np.tile(np.arange(nr), nc)
    grid_c = np.repeat(np.arange(nc), nr)
    main = np.column_stack([np.ones(k), _dummies(grid_r, nr), _dummies(grid_c, nc)])
    interaction = np.einsum("ki,kj->kij", _dummies(grid_r, nr), _dummies(grid_c, nc)).reshape(k, -1)
    coef, *_ = np.linalg.lstsq(main, interaction, rcond=None)
    contrasts = interaction - main @ coef
    inv_p = np.where(p > 0, 1 / np.where(p > 0, p, 1), 0.0)
    scaled = contrasts * inv_p[:, None]
    denom = contrasts.T @ scaled / n
    numer = scaled.T @ v @ scaled
    delta = np.linalg.solve(denom, numer)
    trace = float(np.trace(delta))
    df = (nr - 1) * (nc - 1)
    mean_deff = trace / df
    d0 = trace**2 / float(np.trace(delta @ delta))
    ddf = d0 * design.degrees_of_freedom
    chisq = pearson / mean_deff
    f = pearson / trace
    return RaoScottResult(
        pearson=pearson,
        df=df,
        mean_design_effect=mean_deff,
        chisq=chisq,
        p_value=float(stats.chi2.sf(chisq, df)),
        f=f,
        ndf=d0,
        ddf=ddf,
        f_p_value=float(stats.f.sf(f, d0, ddf)),
    )
