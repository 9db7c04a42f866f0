"""A one-stage stratified design with weights and an optional finite population correction.

This is R survey's ``svydesign(ids=~1, strata=, weights=, fpc=)``: every respondent is its own
primary sampling unit, drawn without replacement within its stratum when ``fpc`` is given.
Variances of estimated totals follow the textbook stratified formula that R uses::

    V(Σ u) = Σ_h (1 − f_h) · n_h / (n_h − 1) · Σ_{i∈h} (u_i − ū_h)²

where ``u_i`` is the weighted value (or, for a non-linear statistic, the weighted
linearization value) of respondent i. Estimators in :mod:`cati.stats.estimates` build ``u``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cati.problems import N_
from cati.stats.errors import ErrorCode, StatsError, require_columns


@dataclass(frozen=True)
class SurveyDesign:
    weights: np.ndarray
    strata: np.ndarray
    stratum_labels: tuple[Hashable, ...]
    sampling_fraction: np.ndarray

    @classmethod
    def from_weights(cls, weights: Sequence[float] | np.ndarray | pd.Series) -> SurveyDesign:
        """Weights only: one stratum, sampling with replacement (no fpc)."""
        w = np.asarray(weights, dtype=float)
        return cls._build(w, np.zeros(len(w), dtype=np.intp), ("all",), np.zeros(len(w)))

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        weights: str | None = None,
        strata: str | None = None,
        fpc: str | None = None,
    ) -> SurveyDesign:
        """Design from columns: ``fpc`` holds stratum population sizes (> 1) or fractions (≤ 1).

        Without ``weights`` the weights are N_h / n_h from ``fpc``, as R computes them.
        """
        require_columns(frame.columns, [c for c in (weights, strata, fpc) if c is not None])
        n = len(frame)
        if strata is None:
            codes, labels = np.zeros(n, dtype=np.intp), ("all",)
        else:
            if frame[strata].isna().any():
                raise StatsError(
                    ErrorCode.STRATUM_MISSING,
                    N_("stratum variable %(variable)r has missing values"),
                    variable=strata,
                )
            raw_codes, raw_labels = pd.factorize(frame[strata])
            codes, labels = raw_codes.astype(np.intp), tuple(raw_labels)
        n_h = np.bincount(codes, minlength=len(labels)).astype(float)
        fraction = np.zeros(n)
        if fpc is not None:
            values = frame[fpc].to_numpy(dtype=float)
            if np.isnan(values).any() or (values <= 0).any():
                raise StatsError(
                    ErrorCode.FPC_INVALID,
                    N_("fpc variable %(variable)r must be positive and not missing"),
                    variable=fpc,
                )
            for h, label in enumerate(labels):
                in_h = values[codes == h]
                if np.ptp(in_h) > 0:
                    raise StatsError(
                        ErrorCode.FPC_INVALID,
                        N_("fpc variable %(variable)r varies within stratum %(stratum)r"),
                        variable=fpc,
                        stratum=label,
                    )
            fraction = np.where(values > 1, n_h[codes] / values, values)
            if (fraction > 1).any():
                raise StatsError(
                    ErrorCode.FPC_INVALID,
                    N_("fpc variable %(variable)r gives a stratum larger than its population"),
                    variable=fpc,
                )
        if weights is not None:
            w = frame[weights].to_numpy(dtype=float)
            if not np.all(np.isfinite(w)) or (w < 0).any():
                raise StatsError(
                    ErrorCode.WEIGHTS_INVALID,
                    N_("weight variable %(variable)r has missing or negative values"),
                    variable=weights,
                )
        elif fpc is not None:
            w = 1.0 / fraction
        else:
            w = np.ones(n)
        return cls._build(w, codes, labels, fraction)

    @classmethod
    def _build(
        cls, w: np.ndarray, codes: np.ndarray, labels: tuple, fraction: np.ndarray
    ) -> SurveyDesign:
        if not np.all(np.isfinite(w)) or (w < 0).any():
            raise StatsError(
                ErrorCode.WEIGHTS_INVALID, N_("weights must be finite and not negative")
            )
        return cls(w, codes, labels, fraction)

    @property
    def size(self) -> int:
        return len(self.weights)

    @property
    def degrees_of_freedom(self) -> int:
        """Number of PSUs minus number of strata, as R's ``degf``."""
        return self.size - len(self.stratum_labels)

    def stratum_factors(self) -> tuple[np.ndarray, np.ndarray]:
        """Per stratum: sample size n_h and the factor (1 − f_h) · n_h / (n_h − 1)."""
        n_h = np.bincount(self.strata, minlength=len(self.stratum_labels)).astype(float)
        single = np.flatnonzero(n_h == 1)
        if single.size:
            raise StatsError(
                ErrorCode.SINGLE_RESPONDENT_STRATUM,
                N_(
                    "stratum %(stratum)r has one respondent; its variance cannot be "
                    "estimated: merge it with another stratum"
                ),
                stratum=self.stratum_labels[single[0]],
            )
        fraction = np.zeros(len(n_h))
        fraction[self.strata] = self.sampling_fraction  # constant within a stratum
        return n_h, (1.0 - fraction) * n_h / np.maximum(n_h - 1, 1)

    def total_covariance(self, u: np.ndarray) -> np.ndarray:
        """Covariance matrix of the totals of the columns of ``u`` (n × k weighted values)."""
        u2 = u.reshape(self.size, -1)
        n_h, factor = self.stratum_factors()
        # A one-hot stratum matrix turns the per-stratum sums into one matrix product.
        onehot = (self.strata[None, :] == np.arange(len(n_h))[:, None]).astype(float)
        sums = onehot @ u2
        centred = u2 - (sums / np.maximum(n_h, 1)[:, None])[self.strata]
        return np.einsum("ij,ik->jk", centred * factor[self.strata][:, None], centred)

    def total_variance(self, u: np.ndarray) -> float:
        return float(self.total_covariance(u)[0, 0])
