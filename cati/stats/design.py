"""A stratified, clustered, multi-stage design with weights and a finite population correction.

This is R survey's ``svydesign(ids=, strata=, weights=, fpc=)`` (with ``nest=TRUE``). Without
``ids`` every respondent is its own primary sampling unit (PSU). Variances of estimated totals
follow R's ``svyrecvar``: for each stage, over the strata of that stage within each unit of the
stage above,

    V = Σ_h (1 − f_h) · m_h / (m_h − 1) · Σ_j (t_hj − t̄_h)²  +  Σ_hj f_h · V_hj(next stage)

with t_hj the weighted total of unit j. A stage after the first counts only when its fpc is
given (with replacement it adds nothing, as in R). ``u`` is the weighted value (or, for a
non-linear statistic, the weighted linearization value) of each respondent; calibrations carried
by the design (see :mod:`cati.stats.calibration`) replace it by its residuals first.

Strata with a single PSU follow ``lonely_psu`` as R's ``options(survey.lonely.psu=)``: ``fail``
(default), ``remove`` / ``certainty`` (contribute nothing), ``average`` (the other strata's
variance scaled by H/(H − lonely)) and ``adjust`` (the lone PSU's total, not centred, squared).
A stratum whose only PSU was drawn with certainty (fpc equal to 1 PSU) contributes 0 silently.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace
from typing import Literal, Protocol

import numpy as np
import pandas as pd
from scipy import sparse

from cati.problems import N_, Place
from cati.stats.errors import ErrorCode, StatsError, require_columns

LonelyPsu = Literal["fail", "remove", "certainty", "average", "adjust"]
LONELY_PSU = ("fail", "remove", "certainty", "average", "adjust")


class Calibration(Protocol):
    """What a calibrated design carries: a projection of the weighted values on its margins."""

    method: str

    def residuals(self, u: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class Stage:
    """One stage: per respondent the stratum (within the unit above) and the unit it belongs to.

    ``stratum`` and ``unit`` are codes that already include the path of units above, so a code
    names one stratum (or unit) of the whole sample; ``fraction`` is m_h / M_h per respondent.
    """

    stratum: np.ndarray
    unit: np.ndarray
    fraction: np.ndarray
    has_fpc: bool
    elements: bool = False  # every respondent is its own unit (no ids at this stage)
    parent: np.ndarray | None = None  # the unit of the stage above (None at the first stage)


@dataclass(frozen=True)
class SurveyDesign:
    weights: np.ndarray
    strata: np.ndarray
    stratum_labels: tuple[Hashable, ...]
    sampling_fraction: np.ndarray
    stages: tuple[Stage, ...] = ()
    lonely_psu: LonelyPsu = "fail"
    calibrations: tuple[Calibration, ...] = ()

    @classmethod
    def from_weights(cls, weights: Sequence[float] | np.ndarray | pd.Series) -> SurveyDesign:
        """Weights only: one stratum, sampling with replacement (no fpc)."""
        w = np.asarray(weights, dtype=float)
        n = len(w)
        zeros = np.zeros(n, dtype=np.intp)
        stage = Stage(zeros, np.arange(n, dtype=np.intp), np.zeros(n), False, elements=True)
        return cls._build(w, zeros, ("all",), stage.fraction, (stage,), "fail")

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        weights: str | None = None,
        strata: str | None = None,
        fpc: str | Sequence[str] | None = None,
        ids: str | Sequence[str] | None = None,
        lonely_psu: LonelyPsu = "fail",
    ) -> SurveyDesign:
        """Design from columns, as ``svydesign(ids=~a+b, strata=~s, fpc=~f1+f2, weights=~w)``.

        ``ids`` names the unit of each stage (PSU first); ``fpc`` one column per stage with
        population sizes (> 1: stratum size at stage 1, units in the PSU at stage 2) or
        sampling fractions (≤ 1). ``strata`` stratifies the first stage. Without ``weights``
        the weights are the product over stages of M / m, as R computes them.
        """
        id_cols = [ids] if isinstance(ids, str) else list(ids or [])
        fpc_cols = [fpc] if isinstance(fpc, str) else list(fpc or [])
        used = [c for c in (weights, strata) if c is not None] + id_cols + fpc_cols
        require_columns(frame.columns, used)
        if lonely_psu not in LONELY_PSU:
            raise StatsError(
                ErrorCode.LONELY_PSU_OPTION,
                N_(
                    "unknown lonely PSU option %(option)r: use fail, remove, certainty, "
                    "average or adjust"
                ),
                option=lonely_psu,
            )
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
        depth = max(len(id_cols), len(fpc_cols), 1)
        stages: list[Stage] = []
        parent = np.zeros(n, dtype=np.intp)
        stratum_codes = codes
        for k in range(depth):
            if k < len(id_cols):
                raw_unit = pd.factorize(frame[id_cols[k]])[0].astype(np.intp)
                if (raw_unit < 0).any():
                    raise StatsError(
                        ErrorCode.DESIGN_COLUMN,
                        N_("sampling unit variable %(variable)r has missing values"),
                        Place(column=id_cols[k]),
                        variable=id_cols[k],
                    )
            else:
                raw_unit = np.arange(n, dtype=np.intp)
            stratum = _combine(parent, stratum_codes)
            unit = _combine(stratum, raw_unit)
            m = _units_per_stratum(stratum, unit)
            fraction = np.zeros(n)
            has_fpc = k < len(fpc_cols)
            if has_fpc:
                fraction = _fraction(frame[fpc_cols[k]], fpc_cols[k], stratum, m, labels, codes)
            stages.append(
                Stage(
                    stratum,
                    unit,
                    fraction,
                    has_fpc,
                    elements=k >= len(id_cols),
                    parent=parent if k else None,
                )
            )
            parent, stratum_codes = unit, np.zeros(n, dtype=np.intp)
        if weights is not None:
            w = frame[weights].to_numpy(dtype=float)
            if not np.all(np.isfinite(w)) or (w < 0).any():
                raise StatsError(
                    ErrorCode.WEIGHTS_INVALID,
                    N_("weight variable %(variable)r has missing or negative values"),
                    variable=weights,
                )
        elif fpc_cols:
            w = 1.0 / np.prod([s.fraction for s in stages if s.has_fpc], axis=0)
        else:
            w = np.ones(n)
        return cls._build(w, codes, labels, stages[0].fraction, tuple(stages), lonely_psu)

    @classmethod
    def _build(
        cls,
        w: np.ndarray,
        codes: np.ndarray,
        labels: tuple,
        fraction: np.ndarray,
        stages: tuple[Stage, ...],
        lonely_psu: LonelyPsu,
    ) -> SurveyDesign:
        if not np.all(np.isfinite(w)) or (w < 0).any():
            raise StatsError(
                ErrorCode.WEIGHTS_INVALID, N_("weights must be finite and not negative")
            )
        return cls(w, codes, labels, fraction, stages, lonely_psu)

    @property
    def size(self) -> int:
        return len(self.weights)

    @property
    def psu_count(self) -> int:
        stage = self.stages[0]  # unit codes are compact: 0 … PSUs − 1
        return self.size if stage.elements else int(stage.unit.max()) + 1 if self.size else 0

    @property
    def degrees_of_freedom(self) -> int:
        """Number of PSUs minus number of strata, as R's ``degf``."""
        return self.psu_count - len(self.stratum_labels)

    @property
    def one_stage_elements(self) -> bool:
        """True when every respondent is its own PSU in one stage and nothing is calibrated."""
        return (
            len(self.stages) == 1
            and self.stages[0].elements
            and not self.calibrations
            and self.lonely_psu == "fail"
        )

    def with_weights(self, weights: np.ndarray, calibration: Calibration) -> SurveyDesign:
        """The same design with new weights and one more calibration to carry."""
        return replace(self, weights=weights, calibrations=(*self.calibrations, calibration))

    def stratum_factors(self) -> tuple[np.ndarray, np.ndarray]:
        """Per stratum: sample size n_h and the factor (1 − f_h) · n_h / (n_h − 1).

        Only for :attr:`one_stage_elements` designs (the fast paths of the banner).
        """
        n_h = np.bincount(self.strata, minlength=len(self.stratum_labels)).astype(float)
        single = np.flatnonzero(n_h == 1)
        if single.size:
            raise _lonely(self.stratum_labels[single[0]])
        fraction = np.zeros(len(n_h))
        fraction[self.strata] = self.sampling_fraction  # constant within a stratum
        return n_h, (1.0 - fraction) * n_h / np.maximum(n_h - 1, 1)

    def total_covariance(self, u: np.ndarray) -> np.ndarray:
        """Covariance matrix of the totals of the columns of ``u`` (n × k weighted values)."""
        x = np.asarray(u, dtype=float).reshape(self.size, -1)
        for calibration in self.calibrations:
            x = calibration.residuals(x)
        v = np.zeros((x.shape[1], x.shape[1]))
        multiplier = np.ones(self.size)
        for k, stage in enumerate(self.stages):
            if k > 0 and not stage.has_fpc:
                break
            v += self._stage_covariance(x, stage, multiplier, first=k == 0)
            multiplier = multiplier * stage.fraction
            if not multiplier.any():
                break
        return v

    def _stage_covariance(
        self, x: np.ndarray, stage: Stage, multiplier: np.ndarray, *, first: bool
    ) -> np.ndarray:
        # Unit and stratum codes are compact (factorized), so no sorting is needed.
        if stage.elements:
            first_row, totals = np.arange(self.size), x
        else:
            units = int(stage.unit.max()) + 1
            first_row = np.zeros(units, dtype=np.intp)
            first_row[stage.unit[::-1]] = np.arange(self.size)[::-1]
            totals = _sum_by(stage.unit, units, x)
        stratum_of_unit = stage.stratum[first_row]
        strata = int(stratum_of_unit.max()) + 1
        m = np.bincount(stratum_of_unit, minlength=strata).astype(float)
        means = _sum_by(stratum_of_unit, strata, totals) / np.maximum(m, 1)[:, None]
        f = stage.fraction[first_row]
        mult = multiplier[first_row]
        lone = m[stratum_of_unit] == 1
        certain = lone & (f >= 1)
        factor = np.where(lone, 1.0, m[stratum_of_unit] / np.maximum(m[stratum_of_unit] - 1, 1))
        factor = factor * (1 - f) * mult
        centred = totals - means[stratum_of_unit]
        lonely = lone & ~certain
        if lonely.any():
            option = self.lonely_psu
            if option == "fail":
                row = int(first_row[np.flatnonzero(lonely)[0]])
                if first:
                    raise _lonely(self.stratum_labels[self.strata[row]])
                raise StatsError(
                    ErrorCode.SINGLE_RESPONDENT_STRATUM,
                    N_(
                        "the unit of row %(row)s has one sampled unit at a later stage; its "
                        "variance cannot be estimated: choose a lonely PSU option"
                    ),
                    row=row,
                )
            if option == "adjust":
                centred[lonely] = totals[lonely]
            else:
                factor = np.where(lonely, 0.0, factor)
        factor = np.where(certain, 0.0, factor)
        if lonely.any() and self.lonely_psu == "average":
            factor = factor * _average_scale(stage, first_row, stratum_of_unit, strata, lonely)
        v = centred.T @ (centred * factor[:, None])
        return v

    def total_variance(self, u: np.ndarray) -> float:
        return float(self.total_covariance(u)[0, 0])


def _average_scale(
    stage: Stage,
    first_row: np.ndarray,
    stratum_of_unit: np.ndarray,
    strata: int,
    lonely: np.ndarray,
) -> np.ndarray:
    """Per unit: H/(H − lonely strata), counted among the strata within the same unit of the
    stage above (all of them at the first stage), as R's ``average``."""
    group_of_stratum = np.zeros(strata, dtype=np.intp)
    if stage.parent is not None:
        group_of_stratum[stratum_of_unit] = stage.parent[first_row]
    groups = int(group_of_stratum.max()) + 1
    h = np.bincount(group_of_stratum, minlength=groups).astype(float)
    lone_strata = np.zeros(strata, dtype=bool)
    lone_strata[stratum_of_unit[lonely]] = True
    lone = np.bincount(group_of_stratum, weights=lone_strata, minlength=groups)
    scale = np.divide(h, h - lone, out=np.zeros_like(h), where=h > lone)
    return scale[group_of_stratum[stratum_of_unit]]


def _sum_by(codes: np.ndarray, groups: int, x: np.ndarray) -> np.ndarray:
    """Column sums of ``x`` per code (a sparse one-hot product)."""
    onehot = sparse.csr_matrix(
        (np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(groups, len(codes))
    )
    return np.asarray(onehot @ x)


def _lonely(label: Hashable) -> StatsError:
    return StatsError(
        ErrorCode.SINGLE_RESPONDENT_STRATUM,
        N_(
            "stratum %(stratum)r has one PSU; its variance cannot be estimated: merge it with "
            "another stratum or choose a lonely PSU option"
        ),
        stratum=label,
    )


def _combine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One code per distinct pair (a, b)."""
    return pd.factorize(a.astype(np.int64) * (int(b.max()) + 1) + b)[0].astype(np.intp)


def _units_per_stratum(stratum: np.ndarray, unit: np.ndarray) -> np.ndarray:
    """Per respondent: the number of distinct units in its stratum."""
    pairs = pd.DataFrame({"s": stratum, "u": unit}).drop_duplicates()
    counts = pairs.groupby("s").size()
    return counts.reindex(stratum).to_numpy(dtype=float)


def _fraction(
    column: pd.Series,
    name: str,
    stratum: np.ndarray,
    m: np.ndarray,
    labels: tuple,
    stage1_codes: np.ndarray,
) -> np.ndarray:
    values = column.to_numpy(dtype=float)
    if np.isnan(values).any() or (values <= 0).any():
        raise StatsError(
            ErrorCode.FPC_INVALID,
            N_("fpc variable %(variable)r must be positive and not missing"),
            variable=name,
        )
    spread = pd.Series(values).groupby(stratum).agg(np.ptp).to_numpy()
    varies = np.flatnonzero(spread > 0)
    if varies.size:
        row = int(np.flatnonzero(stratum == varies[0])[0])
        raise StatsError(
            ErrorCode.FPC_INVALID,
            N_("fpc variable %(variable)r varies within stratum %(stratum)r"),
            variable=name,
            stratum=labels[stage1_codes[row]],
        )
    fraction = np.where(values > 1, m / values, values)
    if (fraction > 1 + 1e-12).any():
        raise StatsError(
            ErrorCode.FPC_INVALID,
            N_("fpc variable %(variable)r gives a stratum larger than its population"),
            variable=name,
        )
    return fraction
