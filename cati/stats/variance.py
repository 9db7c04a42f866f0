"""Covariances of totals and ratios on either kind of design, in one place.

A Taylor design (:class:`~cati.stats.design.SurveyDesign`) linearizes: the ratio
r = Σwy / Σwx has the weighted linearization values u = w (y − r x) / Σwx. A replicate design
(:class:`~cati.stats.replicates.ReplicateDesign`) recomputes r with every replicate's weights,
as R survey does, so non-linear statistics get R's replicate SEs exactly. Columns of the
n × k arrays are estimated together, with one matrix product per design.
"""

from __future__ import annotations

import numpy as np

from cati.stats.design import SurveyDesign
from cati.stats.replicates import ReplicateDesign

Design = SurveyDesign | ReplicateDesign


def total_covariance(design: Design, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Totals Σ w y of the columns of ``y`` (n × k, no NaN) and their covariance."""
    y2 = y.reshape(design.size, -1)
    if isinstance(design, ReplicateDesign):
        full, reps = design.totals(y2)
        return full, design.replicate_covariance(full, reps)
    u = design.weights[:, None] * y2
    return u.sum(axis=0), design.total_covariance(u)


def ratio_covariance(
    design: Design,
    numerator: np.ndarray,
    denominator: np.ndarray,
    columns: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Ratios Σ w y / Σ w x column by column and their covariance (``svyratio``).

    ``columns`` (one per numerator column) picks the denominator column of each, so many
    means that share a base (the categories of one question) share one denominator.
    """
    y = numerator.reshape(design.size, -1)
    x = denominator.reshape(design.size, -1)
    pick = np.arange(y.shape[1]) if columns is None else np.asarray(columns)
    if isinstance(design, ReplicateDesign):
        ratio, replicates = replicate_ratios(design, y, x, pick)
        return ratio, design.replicate_covariance(ratio, replicates)
    w = design.weights[:, None]
    base = (w * x).sum(axis=0)[pick]
    ratio = (w * y).sum(axis=0) / base
    u = w * (y - ratio[None, :] * x[:, pick]) / base[None, :]
    return ratio, design.total_covariance(u)


def replicate_ratios(
    design: ReplicateDesign, y: np.ndarray, x: np.ndarray, pick: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The ratios Σ w y / Σ w x of the columns and each replicate's (R × k), from one pass
    over the replicate weights (the products are bound by reading them)."""
    full, reps = design.totals(np.hstack([y, x]))
    k = y.shape[1]
    return full[:k] / full[k:][pick], reps[:, :k] / reps[:, k:][:, pick]
