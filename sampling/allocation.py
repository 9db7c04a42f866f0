"""Allocation of a total sample size n across strata, in integers that sum exactly to n.

Continuous targets n_h ∝ w_h are
  proportional  w_h = N_h
  Neyman        w_h = N_h S_h
  optimal       w_h = N_h S_h / √c_h     (cost c_h per interview; Cochran 1977, §5.5)
  equal         w_h = 1
clipped to [min_h, max_h] (and never above N_h) with the λ solving Σ clip(λ w_h) = n,
then rounded by largest remainders so the integers still sum to n and respect the bounds.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from cati.problems import N_
from sampling.errors import ErrorCode, SamplingError

METHODS = ("proportional", "neyman", "optimal", "equal")


def allocate(
    population: Mapping[str, int] | pd.Series,
    n: int,
    method: str = "proportional",
    *,
    sd: Mapping[str, float] | None = None,
    cost: Mapping[str, float] | None = None,
    minimum: int | Mapping[str, int] = 0,
    maximum: int | Mapping[str, int] | None = None,
) -> pd.Series:
    """Integer sample sizes per stratum (index = stratum) summing exactly to `n`."""
    sizes = pd.Series(population, dtype=float)
    strata = sizes.index
    weights = _weights(sizes, method, sd, cost)
    low = np.minimum(_per_stratum(minimum, strata, 0), sizes.to_numpy())
    high = np.minimum(_per_stratum(maximum, strata, np.inf), sizes.to_numpy())
    if np.any(low > high):
        raise SamplingError.one(
            ErrorCode.ALLOCATION_INFEASIBLE,
            N_("allocation bounds cannot be met: a minimum is above its maximum"),
        )
    if not low.sum() <= n <= high.sum():
        raise SamplingError.one(
            ErrorCode.ALLOCATION_INFEASIBLE,
            N_(
                "allocation bounds cannot be met: n = %(n)s outside [%(low)s, %(high)s] "
                "allowed by the bounds"
            ),
            n=n,
            low=f"{low.sum():g}",
            high=f"{high.sum():g}",
        )
    target = _clipped_target(weights, n, low, high)
    counts = np.floor(target + 1e-9)
    shortfall = round(n - counts.sum())
    if shortfall > 0:
        room = counts < high
        fraction = np.where(room, target - counts, -np.inf)
        # Stable sort: ties go to the stratum listed first, so results are reproducible.
        counts[np.argsort(-fraction, kind="stable")[:shortfall]] += 1
    return pd.Series(counts.astype(int), index=strata, name="n")


def _weights(
    sizes: pd.Series,
    method: str,
    sd: Mapping[str, float] | None,
    cost: Mapping[str, float] | None,
) -> np.ndarray:
    if method not in METHODS:
        raise SamplingError.one(
            ErrorCode.DESIGN_INPUT,
            N_("invalid design input: allocation %(method)r; use one of %(methods)s"),
            method=method,
            methods=METHODS,
        )
    if method == "proportional":
        return sizes.to_numpy()
    if method == "equal":
        return np.where(sizes.to_numpy() > 0, 1.0, 0.0)
    if sd is None:
        raise SamplingError.one(
            ErrorCode.DESIGN_INPUT,
            N_("invalid design input: %(method)s allocation needs sd per stratum"),
            method=method,
        )
    s = _per_stratum(sd, sizes.index, None)
    weights = sizes.to_numpy() * s
    if method == "optimal":
        if cost is None:
            raise SamplingError.one(
                ErrorCode.DESIGN_INPUT,
                N_("invalid design input: optimal allocation needs cost per stratum"),
            )
        c = _per_stratum(cost, sizes.index, None)
        if np.any(c <= 0):
            raise SamplingError.one(
                ErrorCode.DESIGN_INPUT, N_("invalid design input: costs must be positive")
            )
        weights = weights / np.sqrt(c)
    if np.any(weights < 0) or not np.all(np.isfinite(weights)):
        raise SamplingError.one(
            ErrorCode.DESIGN_INPUT,
            N_("invalid design input: standard deviations must be non-negative"),
        )
    return weights


def _per_stratum(value, strata: pd.Index, default) -> np.ndarray:
    if value is None:
        if default is None:
            raise SamplingError.one(
                ErrorCode.DESIGN_INPUT, N_("invalid design input: missing per-stratum values")
            )
        return np.full(len(strata), float(default))
    if isinstance(value, Mapping | pd.Series):
        missing = [s for s in strata if s not in value]
        if missing and default is None:
            raise SamplingError.one(
                ErrorCode.DESIGN_INPUT,
                N_("invalid design input: no value for strata %(strata)s"),
                strata=missing,
            )
        return np.array([float(value.get(s, default)) for s in strata])
    return np.full(len(strata), float(value))


def _clipped_target(w: np.ndarray, n: int, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Solve Σ clip(λ·w, low, high) = n for λ exactly.

    The sum is piecewise linear and non-decreasing in λ with kinks at low/w and high/w, so
    evaluate it at the kinks and interpolate inside the segment that reaches n.
    """
    positive = w > 0
    kinks = np.concatenate(([0.0], low[positive] / w[positive], high[positive] / w[positive]))
    kinks = np.unique(kinks[np.isfinite(kinks)])
    totals = np.clip(np.outer(kinks, w), low, high).sum(axis=1)
    k = int(np.searchsorted(totals, n))
    if k == kinks.size:  # zero-weight strata must take the rest; the rounding gives it them
        return np.clip(kinks[-1] * w, low, high)
    if k == 0 or totals[k] == n:
        lam = kinks[k]
    else:
        slope = (totals[k] - totals[k - 1]) / (kinks[k] - kinks[k - 1])
        lam = kinks[k - 1] + (n - totals[k - 1]) / slope
    return np.clip(lam * w, low, high)
