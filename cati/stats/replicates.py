"""Replicate-weight designs: jackknife (JK1, JKn), BRR with Fay's factor, bootstrap.

R survey's ``svrepdesign`` (replicate weights given, ``combined.weights=TRUE`` or not) and
``as.svrepdesign`` (replicates made from a :class:`~cati.stats.design.SurveyDesign`). A
statistic θ is recomputed with every replicate's weights and

    V(θ) = scale · Σ_r rscales_r · (θ_r − θ̄)²,

θ̄ the mean of the replicates, or θ itself with ``mse=True``. R's conventions for scale and
rscales: JK1 (R−1)/R; JKn scale 1 and rscales (m_h−1)/m_h (times 1 − f_h when made from a
design with an fpc); BRR 1/R; Fay 1/(R(1−ρ)²); bootstrap 1/(R−1) when the weights are given
and m̄/((m̄−1)(R−1)) when made from a design (Canty and Davison's rescaled bootstrap, m̄ the
mean number of PSUs per stratum). Degrees of freedom: the rank of the replicate weights − 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np
import pandas as pd

from cati.problems import N_
from cati.stats.design import SurveyDesign
from cati.stats.errors import ErrorCode, StatsError, require_columns

ReplicateType = Literal["JK1", "JKn", "BRR", "Fay", "bootstrap", "other"]


@dataclass(frozen=True, eq=False)
class ReplicateDesign:
    weights: np.ndarray
    replicate_weights: np.ndarray  # n × R, full weights (not multipliers)
    scale: float
    rscales: np.ndarray
    type: ReplicateType
    mse: bool = False

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        weights: str,
        replicate_weights: Sequence[str],
        type: ReplicateType,
        combined_weights: bool = True,
        rho: float | None = None,
        scale: float | None = None,
        rscales: Sequence[float] | None = None,
        mse: bool = False,
    ) -> ReplicateDesign:
        """``svrepdesign(weights=, repweights=, type=, rho=, scale=, rscales=, mse=)``.

        With ``combined_weights=False`` the replicate columns are multipliers of ``weights``.
        """
        require_columns(frame.columns, [weights, *replicate_weights])
        w = frame[weights].to_numpy(dtype=float)
        rep = frame[list(replicate_weights)].to_numpy(dtype=float)
        if not combined_weights:
            rep = rep * w[:, None]
        r = rep.shape[1]
        if scale is None:
            scale = _default_scale(type, r, rho)
        factors = np.ones(r) if rscales is None else np.asarray(rscales, dtype=float)
        return cls._checked(w, rep, float(scale), factors, type, mse)

    @classmethod
    def from_design(
        cls,
        design: SurveyDesign,
        type: ReplicateType,
        *,
        rho: float = 0.0,
        replicates: int = 50,
        seed: int | None = None,
        mse: bool = False,
    ) -> ReplicateDesign:
        """``as.svrepdesign(design, type=)`` from the first stage's strata and PSUs."""
        stage = design.stages[0]
        psus, psu = np.unique(stage.unit, return_inverse=True)
        first = np.zeros(len(psus), dtype=np.intp)
        first[psu[::-1]] = np.arange(design.size)[::-1]
        strata, stratum_of_psu = np.unique(stage.stratum[first], return_inverse=True)
        m = np.bincount(stratum_of_psu, minlength=len(strata)).astype(float)
        f = stage.fraction[first]
        w = design.weights
        if type == "JK1":
            factor = np.full((len(psus), len(psus)), len(psus) / (len(psus) - 1))
            np.fill_diagonal(factor, 0.0)
            rep = w[:, None] * factor[psu]
            scale, rscales = (len(psus) - 1) / len(psus) * (1 - f.mean()), np.ones(len(psus))
        elif type == "JKn":
            same = stratum_of_psu[:, None] == stratum_of_psu[None, :]  # PSU × replicate
            mh = m[stratum_of_psu]
            factor = np.where(same, mh[None, :] / (mh[None, :] - 1), 1.0)
            np.fill_diagonal(factor, 0.0)
            rep = w[:, None] * factor[psu]
            scale, rscales = 1.0, (mh - 1) / mh * (1 - f)
        elif type in ("BRR", "Fay"):
            if not (m == 2).all():
                raise StatsError(
                    ErrorCode.REPLICATE_WEIGHTS,
                    N_("BRR needs exactly two PSUs in every stratum"),
                )
            h = _hadamard(len(strata))
            second = np.zeros(len(psus), dtype=bool)
            for s in range(len(strata)):
                second[np.flatnonzero(stratum_of_psu == s)[1]] = True
            sign = np.where(second[:, None], -1, 1) * h[stratum_of_psu]
            factor = np.where(sign > 0, 2 - rho, rho)
            rep = w[:, None] * factor[psu]
            scale, rscales = 1 / (h.shape[1] * (1 - rho) ** 2), np.ones(h.shape[1])
        elif type == "bootstrap":
            rng = np.random.default_rng(seed)
            factor = np.zeros((len(psus), replicates))
            for s in range(len(strata)):
                members = np.flatnonzero(stratum_of_psu == s)
                k = len(members)
                draws = rng.integers(0, k, size=(k - 1, replicates))
                counts = np.stack([(draws == i).sum(axis=0) for i in range(k)])
                factor[members] = counts * k / (k - 1)
            rep = w[:, None] * factor[psu]
            mbar = m.mean()
            scale, rscales = mbar / ((mbar - 1) * (replicates - 1)), np.ones(replicates)
        else:
            raise StatsError(
                ErrorCode.REPLICATE_WEIGHTS,
                N_("unknown replicate type %(type)r: use JK1, JKn, BRR, Fay or bootstrap"),
                type=type,
            )
        return cls._checked(w, rep, float(scale), np.asarray(rscales, dtype=float), type, mse)

    @classmethod
    def _checked(
        cls,
        w: np.ndarray,
        rep: np.ndarray,
        scale: float,
        rscales: np.ndarray,
        type: ReplicateType,
        mse: bool,
    ) -> ReplicateDesign:
        if (
            not np.all(np.isfinite(rep))
            or not np.all(np.isfinite(w))
            or len(rscales) != rep.shape[1]
        ):
            raise StatsError(
                ErrorCode.REPLICATE_WEIGHTS,
                N_("replicate weights must be finite, with one rscale per replicate"),
            )
        return cls(w, np.ascontiguousarray(rep), scale, rscales, type, mse)

    @property
    def size(self) -> int:
        return len(self.weights)

    @cached_property
    def degrees_of_freedom(self) -> int:
        """Rank of the replicate weights minus 1, as R's ``degf`` for replicate designs.

        The rank comes from the R × R cross-product (singular values relative to the largest,
        R's ``qr`` tolerance 1e-5), not from the n × R matrix itself: 20 times faster.
        """
        gram = self.replicate_weights.T @ self.replicate_weights
        singular = np.sqrt(np.clip(np.linalg.eigvalsh(gram), 0, None))
        return int((singular > 1e-5 * singular.max()).sum()) - 1

    def replicate_covariance(self, full: np.ndarray, replicates: np.ndarray) -> np.ndarray:
        """Covariance of θ (k) from its replicates (R × k)."""
        centre = full if self.mse else replicates.mean(axis=0)
        d = replicates - centre[None, :]
        return self.scale * d.T @ (d * self.rscales[:, None])

    def totals(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Full-sample and replicate totals of the columns of ``y`` (n × k)."""
        return self.weights @ y, self.replicate_weights.T @ y


def _default_scale(type: ReplicateType, r: int, rho: float | None) -> float:
    if type == "JK1":
        return (r - 1) / r
    if type in ("JKn", "other"):
        return 1.0
    if type == "BRR":
        return 1 / r
    if type == "Fay":
        if rho is None:
            raise StatsError(ErrorCode.REPLICATE_WEIGHTS, N_("Fay's BRR needs rho"))
        return 1 / (r * (1 - rho) ** 2)
    if type == "bootstrap":
        return 1 / (r - 1)
    raise StatsError(
        ErrorCode.REPLICATE_WEIGHTS,
        N_("unknown replicate type %(type)r: use JK1, JKn, BRR, Fay or bootstrap"),
        type=type,
    )


def _hadamard(strata: int) -> np.ndarray:
    """Rows 1..H of the Sylvester Hadamard matrix of order 2^k > H: one row per stratum."""
    h = np.ones((1, 1))
    while h.shape[0] <= strata:
        h = np.block([[h, h], [h, -h]])
    return h[1 : strata + 1]
