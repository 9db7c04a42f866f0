"""Calibrated designs: post-stratification, raking and GREG that keep their variance right.

Each function returns a :class:`~cati.stats.design.SurveyDesign` with the calibrated weights
and the calibration it carries, so every estimate on it has R's calibration-aware standard
error: the weighted values ``u`` are replaced by their residuals on the calibration margins
before the design's variance formula (a margin's own shares then have SE 0).

- :func:`poststratify_design` is R's ``postStratify``: u − w · (cell Σu / cell Σw).
- :func:`rake_design` is R's ``rake``: ten sweeps over the margins, each subtracting
  w × the unweighted cell mean of u/w, as R's ``svyrecvar`` does for a raked design.
- :func:`calibrate` is R's ``calibrate`` with ``calfun="linear"`` (GREG) or ``"raking"``:
  residuals of a regression on the margins with the design weights.

Raking to the same margins gives the same weights with :func:`rake_design` and
``calibrate(calfun="raking")``, but the two residual rules (and so the SEs) differ slightly,
exactly as ``rake()`` and ``calibrate(calfun="raking")`` differ in R. Both are offered.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse

from cati.problems import N_
from cati.stats.design import Calibration
from cati.stats.errors import ErrorCode, StatsError, require_columns
from cati.stats.grake import g_weights
from cati.stats.replicates import ReplicateDesign
from cati.stats.variance import Design
from cati.stats.weighting import (
    Targets,
    category_codes,
    poststratify,
    same_total,
    target_totals,
)

RAKE_SWEEPS = 10  # R's svyrecvar sweeps a raked design's margins ten times
CALIBRATION_EPSILON = 1e-7  # R's calibrate(): every |gap| / (1 + |total|) below it
CALIBRATION_ITERATIONS = 50  # R's maxit


@dataclass(frozen=True)
class PostStratification:
    """Post-strata (codes) and the weights they produced."""

    codes: np.ndarray
    weights: np.ndarray
    method: str = "post-stratified"

    def residuals(self, u: np.ndarray) -> np.ndarray:
        k = int(self.codes.max()) + 1
        w_cell = np.bincount(self.codes, weights=self.weights, minlength=k)
        u_cell = np.zeros((k, u.shape[1]))
        np.add.at(u_cell, self.codes, u)
        ratio = u_cell / np.where(w_cell > 0, w_cell, 1)[:, None]
        return u - self.weights[:, None] * ratio[self.codes]


@dataclass(frozen=True)
class Raking:
    """Margins (codes per variable) of R's ``rake()`` and the weights after each margin's
    post-stratification in the last sweep."""

    margins: tuple[np.ndarray, ...]
    weights: tuple[np.ndarray, ...]
    method: str = "raked"

    def residuals(self, u: np.ndarray) -> np.ndarray:
        x = u.copy()
        for _ in range(RAKE_SWEEPS):
            for codes, psw in zip(self.margins, self.weights, strict=True):
                w = psw[:, None]
                k = int(codes.max()) + 1
                count = np.bincount(codes, minlength=k).astype(float)
                sums = np.zeros((k, x.shape[1]))
                np.add.at(sums, codes, np.divide(x, w, out=np.zeros_like(x), where=w > 0))
                x = x - w * (sums / np.maximum(count, 1)[:, None])[codes]
        return x


@dataclass(frozen=True)
class Regression:
    """GREG residuals: the margins' matrix X, the design weights d and the g-weights."""

    matrix: np.ndarray
    design_weights: np.ndarray
    g: np.ndarray
    method: str

    def residuals(self, u: np.ndarray) -> np.ndarray:
        x, d = self.matrix, self.design_weights
        w = d * self.g
        z = np.divide(u, w[:, None], out=np.zeros_like(u), where=w[:, None] > 0)
        beta = np.linalg.pinv(x.T @ (d[:, None] * x)) @ (x.T @ (d[:, None] * z))
        return u - w[:, None] * (x @ beta)


def _frame_for(design: Design, frame: pd.DataFrame, names: Sequence[str]) -> None:
    require_columns(frame.columns, list(names))
    if len(frame) != design.size:
        raise StatsError(
            ErrorCode.SIZE_MISMATCH,
            N_("expected %(size)s values, one per respondent; got %(shape)s"),
            size=design.size,
            shape=(len(frame),),
        )


def _codes(values: pd.Series, categories: Sequence[Hashable]) -> np.ndarray:
    return pd.Index(list(categories)).get_indexer(values).astype(np.intp)


def _weight_columns(design: Design) -> np.ndarray:
    """The full-sample weights and, on a replicate design, every replicate's (n × (1 + R))."""
    if isinstance(design, ReplicateDesign):
        return np.column_stack([design.weights, design.replicate_weights])
    return design.weights[:, None].copy()


def _with_columns(design: Design, columns: np.ndarray, calibration: Calibration | None) -> Design:
    """A replicate design gets every replicate recalibrated, as R does; a Taylor design carries
    the calibration for its variance."""
    if isinstance(design, ReplicateDesign):
        return replace(
            design, weights=columns[:, 0].copy(), replicate_weights=columns[:, 1:].copy()
        )
    return design.with_weights(columns[:, 0].copy(), calibration)


def _sweep(columns: np.ndarray, codes: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Post-stratify every weight column to the cell totals ``target``."""
    onehot = sparse.csr_matrix(
        (np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(len(target), len(codes))
    )
    achieved = np.asarray(onehot @ columns)
    factor = np.divide(target[:, None], achieved, out=np.zeros_like(achieved), where=achieved > 0)
    return columns * factor[codes]


def poststratify_design(
    design: Design, frame: pd.DataFrame, variables: str | Sequence[str], targets: Targets
) -> Design:
    """``postStratify(design, ~variables, population)``: targets are population counts (or
    shares of the current weighted total); crossed cells take tuple keys."""
    names = [variables] if isinstance(variables, str) else list(variables)
    _frame_for(design, frame, names)
    w = poststratify(frame, names, targets, weights=design.weights)  # checks cells and targets
    keys = (
        frame[names[0]]
        if len(names) == 1
        else pd.Series(list(zip(*(frame[n] for n in names), strict=True)), index=frame.index)
    )
    codes = _codes(keys, list(targets))
    if not isinstance(design, ReplicateDesign):
        return design.with_weights(w, PostStratification(codes, w))
    target = np.bincount(codes, weights=w, minlength=len(targets))
    return _with_columns(design, _sweep(_weight_columns(design), codes, target), None)


def rake_design(
    design: Design,
    frame: pd.DataFrame,
    margins: Mapping[str, Targets],
    *,
    epsilon: float = 1.0,
    max_iterations: int = 10,
) -> Design:
    """``rake(design, sample.margins, population.margins)`` as R does it, variance included.

    Like R, sweeps post-stratify every margin in turn until no cell of the crossed table moves
    by ``epsilon`` or more (a weighted count; below 1 it is a share of the total weight), at
    most ``max_iterations`` sweeps. On a replicate design every replicate is raked the same
    way. Use :func:`cati.stats.weighting.rake` for weights raked to a tight tolerance, with
    bounds and a report.
    """
    _frame_for(design, frame, list(margins))
    columns = _weight_columns(design)
    total = float(columns[:, 0].sum())
    specs = []
    for variable, targets in margins.items():
        totals = target_totals(variable, targets, total)
        codes = category_codes(frame, variable, list(totals))
        specs.append((codes, np.array(list(totals.values()))))
    cross = pd.factorize(pd.MultiIndex.from_arrays([c for c, _ in specs]))[0]
    tolerance = epsilon * total if epsilon < 1 else epsilon
    old = np.bincount(cross, weights=columns[:, 0])
    psw: list[np.ndarray] = []
    for _ in range(max_iterations):
        psw = []
        for codes, target in specs:
            columns = _sweep(columns, codes, target)
            psw.append(columns[:, 0].copy())
        new = np.bincount(cross, weights=columns[:, 0])
        if np.abs(new - old).max() < tolerance:
            break
        old = new
    return _with_columns(design, columns, Raking(tuple(c for c, _ in specs), tuple(psw)))


def margin_matrix(
    frame: pd.DataFrame, margins: Mapping[str, Targets]
) -> tuple[np.ndarray, np.ndarray]:
    """R's model matrix of ``~a + b`` and its population totals: an intercept (the population
    size, the first margin's sum) and the indicators of every category of every margin but
    the first in sorted order (treatment contrasts, as R's factor levels sort)."""
    require_columns(frame.columns, list(margins))
    _, population = same_total({v: float(sum(t.values())) for v, t in margins.items()})
    columns, totals = [np.ones(len(frame))], [population]
    for variable, targets in margins.items():
        values = frame[variable]
        category_codes(frame, variable, list(targets))  # refuses a value without a target
        for category in _levels(list(targets))[1:]:
            columns.append((values == category).to_numpy(dtype=float))
            totals.append(float(targets[category]))
    return np.column_stack(columns), np.asarray(totals)


def _levels(categories: list[Hashable]) -> list[Hashable]:
    try:
        return sorted(categories)  # type: ignore[type-var]
    except TypeError:  # categories of mixed types keep the order given
        return categories


def calibrate(
    design: Design,
    frame: pd.DataFrame,
    margins: Mapping[str, Targets] | None = None,
    *,
    matrix: np.ndarray | None = None,
    totals: Sequence[float] | np.ndarray | None = None,
    calfun: Literal["linear", "raking"] = "linear",
    bounds: tuple[float, float] | None = None,
    epsilon: float = CALIBRATION_EPSILON,
    max_iterations: int = CALIBRATION_ITERATIONS,
) -> Design:
    """``calibrate(design, formula, population, calfun=, bounds=)``: weights w = d·g with
    Σ w x = T.

    Give ``margins`` as population counts per category (like :func:`rake_design`), or a
    model ``matrix`` (n × q, e.g. with numeric auxiliaries and an intercept) and its population
    ``totals``. ``linear`` is GREG (g = 1 + xλ, weights may go negative); ``raking`` is
    g = exp(xλ). ``bounds`` = (L, U) truncate g to [L, U] (R's bounded calibration; with
    ``raking`` R's bounded raking), solved as :mod:`cati.stats.grake` explains; ``epsilon``
    and ``max_iterations`` are R's ``epsilon`` and ``maxit``.
    """
    if margins is not None:
        _frame_for(design, frame, list(margins))
        x, t = margin_matrix(frame, margins)
    else:
        x, t = np.asarray(matrix, dtype=float), np.asarray(totals, dtype=float)
    empty = (t == 0) & ~x.any(axis=0)  # R drops a column nobody has and no total asks for
    x, t = x[:, ~empty], t[~empty]
    limits = bounds if bounds is not None else (-np.inf, np.inf)
    if not limits[0] < limits[1]:
        raise StatsError(
            ErrorCode.CALIBRATION_FAILED,
            N_("calibration bounds %(bounds)r must satisfy lower < upper"),
            bounds=bounds,
        )
    columns = _weight_columns(design)
    g = np.column_stack(
        [
            g_weights(x, t, column, calfun, limits, epsilon=epsilon, max_iterations=max_iterations)
            for column in columns.T
        ]
    )
    if bounds is not None and calfun == "raking":
        method = "raked with bounds"
    else:
        method = f"calibrated ({calfun})"
    d = design.weights
    return _with_columns(design, columns * g, Regression(x, d, g[:, 0], method))
