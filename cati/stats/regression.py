"""Design-based linear and logistic regression and the t-test (R ``svyglm``, ``svyttest``).

Coefficients solve the weighted estimating equations Σ w_i x_i (y_i − μ_i) = 0. On a Taylor
design the covariance is the sandwich A⁻¹ V(Σ u) A⁻¹ with u_i = w_i x_i (y_i − μ_i) and
A = Σ w_i v_i x_i x_iᵀ (v = 1 for a linear model, μ(1−μ) for a logistic one); V is the design's
own variance of totals, so clusters, strata, fpc and calibration count exactly as in
``svyglm``. On a replicate design the model is refitted with every replicate's weights.
Residual degrees of freedom: the design's + 1 − the number of coefficients; p-values from t.
Rows with a missing value are a domain: they stay in the design with weight 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from cati.problems import N_
from cati.stats.errors import ErrorCode, StatsError
from cati.stats.replicates import ReplicateDesign
from cati.stats.variance import Design

Family = Literal["gaussian", "binomial"]
IRLS_ITERATIONS = 50
IRLS_TOLERANCE = 1e-12


@dataclass(frozen=True)
class RegressionResult:
    names: tuple[str, ...]
    coefficients: np.ndarray
    covariance: np.ndarray
    df: int

    @property
    def se(self) -> np.ndarray:
        return np.sqrt(np.diag(self.covariance))

    @property
    def t(self) -> np.ndarray:
        return self.coefficients / self.se

    @property
    def p_values(self) -> np.ndarray:
        return 2 * stats.t.sf(np.abs(self.t), self.df)


def _fit(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, family: Family
) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients and the bread (Σ w v x xᵀ)⁻¹ for one set of weights."""
    if family == "gaussian":
        bread = np.linalg.pinv(x.T @ (w[:, None] * x))
        return bread @ (x.T @ (w * y)), bread
    beta = np.zeros(x.shape[1])
    for _ in range(IRLS_ITERATIONS):
        mu = 1 / (1 + np.exp(-(x @ beta)))
        bread = np.linalg.pinv(x.T @ ((w * mu * (1 - mu))[:, None] * x))
        step = bread @ (x.T @ (w * (y - mu)))
        beta = beta + step
        if np.abs(step).max() <= IRLS_TOLERANCE * max(np.abs(beta).max(), 1.0):
            break
    mu = 1 / (1 + np.exp(-(x @ beta)))
    return beta, np.linalg.pinv(x.T @ ((w * mu * (1 - mu))[:, None] * x))


def _model_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Text (or categorical) predictors become dummies as R's treatment contrasts: levels sorted,
    the first is the baseline, columns named variable + level (``stypeH``); missing stays NaN."""
    columns = {}
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            columns[str(name)] = column.astype(float)
            continue
        levels = sorted(column.dropna().unique())
        for level in levels[1:]:
            columns[f"{name}{level}"] = np.where(column.isna(), np.nan, (column == level) * 1.0)
    return pd.DataFrame(columns, index=frame.index)


def survey_glm(
    design: Design,
    y: Sequence[float] | np.ndarray | pd.Series,
    predictors: pd.DataFrame | np.ndarray,
    *,
    family: Family = "gaussian",
    intercept: bool = True,
) -> RegressionResult:
    """``svyglm(y ~ predictors, design, family=gaussian() or quasibinomial())``.

    Numeric columns enter as they are; text columns as dummies of their levels but the first.
    """
    frame = _model_frame(pd.DataFrame(predictors))
    names = tuple(str(c) for c in frame.columns)
    x = frame.to_numpy(dtype=float)
    if intercept:
        x, names = np.column_stack([np.ones(len(x)), x]), ("(Intercept)", *names)
    values = np.asarray(y, dtype=float)
    if x.shape[0] != design.size or values.shape != (design.size,):
        raise StatsError(
            ErrorCode.SIZE_MISMATCH,
            N_("expected %(size)s values, one per respondent; got %(shape)s"),
            size=design.size,
            shape=x.shape,
        )
    valid = ~(np.isnan(values) | np.isnan(x).any(axis=1))
    if family == "binomial" and not np.isin(values[valid], (0.0, 1.0)).all():
        raise StatsError(
            ErrorCode.PROPORTION_VALUES, N_("a logistic model needs 0/1 (or boolean) values")
        )
    x, values = np.where(valid[:, None], x, 0.0), np.where(valid, values, 0.0)
    w = design.weights * valid
    beta, bread = _fit(x, values, w, family)
    if isinstance(design, ReplicateDesign):
        reps = np.array(
            [
                _fit(x, values, design.replicate_weights[:, r] * valid, family)[0]
                for r in range(design.replicate_weights.shape[1])
            ]
        )
        cov = design.replicate_covariance(beta, reps)
    else:
        mu = x @ beta if family == "gaussian" else 1 / (1 + np.exp(-(x @ beta)))
        u = (w * (values - mu))[:, None] * x @ bread
        cov = design.total_covariance(u)
    return RegressionResult(names, beta, cov, design.degrees_of_freedom + 1 - x.shape[1])


@dataclass(frozen=True)
class TTestResult:
    difference: float
    se: float
    t: float
    df: int
    p_value: float
    levels: tuple[object, object]


def survey_ttest(
    design: Design,
    y: Sequence[float] | np.ndarray | pd.Series,
    group: Sequence[object] | np.ndarray | pd.Series,
) -> TTestResult:
    """``svyttest(y ~ group)``: mean of the second level (sorted) minus the first, t on
    the design's degrees of freedom − 1."""
    groups = pd.Series(np.asarray(group, dtype=object))
    levels = sorted(groups.dropna().unique())
    if len(levels) != 2:
        raise StatsError(
            ErrorCode.TABLE_TOO_SMALL, N_("a t-test needs a group with exactly two values")
        )
    indicator = np.where(groups.isna(), np.nan, (groups == levels[1]).astype(float))
    fit = survey_glm(design, y, pd.DataFrame({"group": indicator}))
    difference, se = float(fit.coefficients[1]), float(fit.se[1])
    df = design.degrees_of_freedom - 1
    t = difference / se
    return TTestResult(difference, se, t, df, float(2 * stats.t.sf(abs(t), df)), tuple(levels))
