"""Weighted estimates with design-based standard errors and confidence intervals.

Means and proportions are ratios of two totals; their standard errors come from Taylor
linearization, as in R survey's ``svymean``. Missing values (NaN) are treated as a domain:
the respondent stays in the design (so strata and fpc are kept) but contributes zero, which is
what R does with ``na.rm=TRUE``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from cati.problems import N_
from cati.stats.errors import ErrorCode, StatsError
from cati.stats.profile_likelihood import profile_interval
from cati.stats.replicates import ReplicateDesign
from cati.stats.variance import Design, ratio_covariance, replicate_ratios, total_covariance
from cati.stats.weighting import kish_effective_base

ArrayLike = Sequence[float] | np.ndarray | pd.Series

PROMOTER_MIN = 9
DETRACTOR_MAX = 6


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its standard error and a confidence interval."""

    value: float
    se: float
    low: float
    high: float
    level: float
    n: int

    @property
    def moe(self) -> float:
        """Half-width of a symmetric interval (for asymmetric ones, the larger side)."""
        return max(self.value - self.low, self.high - self.value)


def _quantile(level: float, df: float | None) -> float:
    tail = 0.5 + level / 2
    return float(stats.norm.ppf(tail) if df is None else stats.t.ppf(tail, df))


def _values(design: Design, y: ArrayLike) -> np.ndarray:
    values = np.asarray(y, dtype=float)
    if values.shape != (design.size,):
        raise StatsError(
            ErrorCode.SIZE_MISMATCH,
            N_("expected %(size)s values, one per respondent; got %(shape)s"),
            size=design.size,
            shape=values.shape,
        )
    return values


def survey_total(
    design: Design, y: ArrayLike, *, level: float = 0.95, df: float | None = None
) -> Estimate:
    """Horvitz–Thompson total Σ w·y (R ``svytotal``); missing values count as zero."""
    values = _values(design, y)
    valid = ~np.isnan(values)
    totals, cov = total_covariance(design, np.where(valid, values, 0.0))
    total, se = float(totals[0]), float(np.sqrt(cov[0, 0]))
    q = _quantile(level, df)
    return Estimate(total, se, total - q * se, total + q * se, level, int(valid.sum()))


def _mean_and_se(design: Design, values: np.ndarray) -> tuple[float, float, int]:
    valid = ~np.isnan(values)
    w = design.weights * valid
    base = float(w.sum())
    if base <= 0:
        raise StatsError(
            ErrorCode.NO_RESPONDENTS, N_("no respondent with a value and a positive weight")
        )
    ratio, cov = ratio_covariance(design, np.where(valid, values, 0.0), valid.astype(float))
    return float(ratio[0]), float(np.sqrt(cov[0, 0])), int(valid.sum())


def _many(design: Design, columns: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values (NaN as 0), one base column per pattern of answered rows, and each column's."""
    values = columns.to_numpy(dtype=float)
    if values.shape[0] != design.size:
        raise StatsError(
            ErrorCode.SIZE_MISMATCH,
            N_("expected %(size)s values, one per respondent; got %(shape)s"),
            size=design.size,
            shape=values.shape,
        )
    valid = ~np.isnan(values)
    # Columns answered by the same respondents (a question's categories) share one base.
    patterns: dict[bytes, int] = {}
    base_of = np.array(
        [patterns.setdefault(np.packbits(c).tobytes(), len(patterns)) for c in valid.T],
        dtype=np.intp,
    )
    first = np.unique(base_of, return_index=True)[1]  # patterns are numbered as first seen
    return np.where(valid, values, 0.0), valid[:, first].astype(float), base_of


def survey_means(design: Design, columns: pd.DataFrame) -> pd.DataFrame:
    """Means (or shares of 0/1 columns) of many columns at once, with their SEs.

    One matrix product per design for all columns: on a replicate design the replicate totals
    are ``replicate_weights.T @ values``. NaN is missing (a domain), as in :func:`survey_mean`.
    """
    values, bases, base_of = _many(design, columns)
    ratio, cov = ratio_covariance(design, values, bases, base_of)
    return pd.DataFrame(
        {"mean": ratio, "se": np.sqrt(np.diag(cov)), "n": (~columns.isna()).sum().to_numpy()},
        index=columns.columns,
    )


def survey_shares(
    design: Design, columns: pd.DataFrame, *, level: float = 0.95, df: float | None = None
) -> pd.DataFrame:
    """Shares of many 0/1 columns (NaN missing) with R's ``svyciprop(method="logit")``
    interval, as :func:`survey_proportion` gives them one by one, in one matrix product per
    design: on a replicate design the replicates' logits come from the same products."""
    values, bases, base_of = _many(design, columns)
    if isinstance(design, ReplicateDesign):
        p, shares = replicate_ratios(design, values, bases, base_of)
        se = np.sqrt(np.diag(design.replicate_covariance(p, shares)))
    else:
        p, cov = ratio_covariance(design, values, bases, base_of)
        se = np.sqrt(np.diag(cov))
    # Shares of 0 or 1 from the data, not from sums that may round a hair off them
    counted = (bases[:, base_of] > 0) & (design.weights > 0)[:, None]
    inside = ((values > 0) & counted).any(axis=0) & ((values < 1) & counted).any(axis=0)
    centre = np.log(np.where(inside, p, 0.5) / (1 - np.where(inside, p, 0.5)))
    p = np.where(inside, p, np.round(p))
    with np.errstate(divide="ignore", invalid="ignore"):
        if isinstance(design, ReplicateDesign):  # R refits the logit per replicate
            logits = np.log(shares / (1 - shares))
            logit_se = np.sqrt(np.diag(design.replicate_covariance(centre, logits)))
        else:
            logit_se = se / (p * (1 - p))
    half = _quantile(level, df) * logit_se
    return pd.DataFrame(
        {
            "mean": p,
            "se": se,
            "n": (~columns.isna()).sum().to_numpy(),
            "low": np.where(inside, 1 / (1 + np.exp(-(centre - half))), p),
            "high": np.where(inside, 1 / (1 + np.exp(-(centre + half))), p),
        },
        index=columns.columns,
    )


def survey_mean(
    design: Design, y: ArrayLike, *, level: float = 0.95, df: float | None = None
) -> Estimate:
    """Weighted mean Σwy/Σw with its linearization SE (R ``svymean``); normal CI by default."""
    mean, se, n = _mean_and_se(design, _values(design, y))
    q = _quantile(level, df)
    return Estimate(mean, se, mean - q * se, mean + q * se, level, n)


def survey_by(
    design: Design,
    y: ArrayLike,
    by: ArrayLike | pd.Series,
    *,
    level: float = 0.95,
    df: float | None = None,
) -> pd.DataFrame:
    """Domain means per level of ``by`` (R ``svyby(~y, ~by, design, svymean)``), levels sorted.

    Each domain keeps the whole design (its strata, PSUs and degrees of freedom)."""
    values = _values(design, y)
    groups = pd.Series(np.asarray(by, dtype=object))
    rows = []
    for group in sorted(groups.dropna().unique()):
        est = survey_mean(design, np.where(groups == group, values, np.nan), level=level, df=df)
        rows.append((group, est.value, est.se, est.low, est.high, est.n))
    return pd.DataFrame(rows, columns=["level", "mean", "se", "low", "high", "n"]).set_index(
        "level"
    )


def wilson_interval(p: float, n: float, *, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion ``p`` on an (effective) sample size ``n``."""
    if n <= 0:
        return (float("nan"), float("nan"))
    z = _quantile(level, None)
    z2n = z * z / n
    centre = (p + z2n / 2) / (1 + z2n)
    half = z * np.sqrt(p * (1 - p) / n + z2n / (4 * n)) / (1 + z2n)
    return (float(centre - half), float(centre + half))


def logit_interval(
    p: float, se: float, *, level: float = 0.95, df: float | None = None
) -> tuple[float, float]:
    """Interval symmetric on the logit scale: expit(logit p ± q·se / (p(1−p)))."""
    if p <= 0 or p >= 1:
        return (p, p)
    q = _quantile(level, df)
    centre = np.log(p / (1 - p))
    half = q * se / (p * (1 - p))
    return (float(1 / (1 + np.exp(-(centre - half)))), float(1 / (1 + np.exp(-(centre + half)))))


def korn_graubard_interval(
    p: float, se: float, rows: int, *, level: float = 0.95, df: float | None = None
) -> tuple[float, float]:
    """Clopper–Pearson on the effective size, as ``svyciprop(method="beta")``."""
    alpha = 1 - level
    n_eff = p * (1 - p) / se**2 if se > 0 else float(rows)
    t_df = stats.norm.ppf(alpha / 2) if df is None else stats.t.ppf(alpha / 2, df)
    n_eff *= (stats.t.ppf(alpha / 2, rows - 1) / t_df) ** 2
    low = stats.beta.ppf(alpha / 2, n_eff * p, n_eff * (1 - p) + 1) if p > 0 else 0.0
    high = stats.beta.ppf(1 - alpha / 2, n_eff * p + 1, n_eff * (1 - p)) if p < 1 else 1.0
    return float(low), float(high)


def _replicate_logit_se(design: ReplicateDesign, values: np.ndarray, p: float) -> float:
    """R refits the logit model per replicate: the SE is that of the replicates' logits."""
    valid = ~np.isnan(values)
    _, reps_y = design.totals(np.where(valid, values, 0.0)[:, None])
    _, reps_n = design.totals(valid.astype(float)[:, None])
    share = reps_y / reps_n
    logits = np.log(share / (1 - share))
    centre = np.log(p / (1 - p))
    return float(np.sqrt(design.replicate_covariance(np.array([centre]), logits)[0, 0]))


def _replicate_logit_interval(
    design: ReplicateDesign, values: np.ndarray, p: float, *, level: float, df: float | None
) -> tuple[float, float]:
    if p <= 0 or p >= 1:
        return (p, p)
    centre = np.log(p / (1 - p))
    half = _quantile(level, df) * _replicate_logit_se(design, values, p)
    return (float(1 / (1 + np.exp(-(centre - half)))), float(1 / (1 + np.exp(-(centre + half)))))


def _likelihood_interval(
    design: Design, values: np.ndarray, p: float, se: float, *, level: float, df: float | None
) -> tuple[float, float]:
    """R's profile of the design-scaled deviance; φ as :mod:`~cati.stats.profile_likelihood`
    explains (n′/(n′ − 1) on a Taylor design, 1 on a replicate one). The rows with a value
    are the model's rows, as in R's ``svyciprop`` on ``subset(design, !is.na(y))``."""
    if p <= 0 or p >= 1:
        return (p, p)
    valid = ~np.isnan(values)
    w = design.weights[valid]
    if isinstance(design, ReplicateDesign):
        logit_se, dispersion = _replicate_logit_se(design, values, p), 1.0
    else:
        positive = int((w > 0).sum())
        logit_se, dispersion = se / (p * (1 - p)), positive / (positive - 1)
    return profile_interval(
        values[valid],
        w,
        weight_mean=float(w.mean()),
        logit_variance=logit_se**2,
        dispersion=dispersion,
        level=level,
        df=df,
    )


def survey_proportion(
    design: Design,
    indicator: ArrayLike,
    *,
    method: Literal[
        "wilson", "logit", "likelihood", "xlogit", "wald", "mean", "beta", "asin"
    ] = "wilson",
    level: float = 0.95,
    df: float | None = None,
) -> Estimate:
    """Proportion of 1s among non-missing 0/1 values, with a design-based interval.

    ``wilson`` uses the design's effective sample size n* = p(1−p)/V(p) (Korn & Graubard), so
    strata, weights and fpc all count. The others are R's ``svyciprop`` methods (pass
    ``df=design.degrees_of_freedom`` for R's t quantile): ``logit`` (symmetric on the logit
    scale; on a replicate design the logit refitted per replicate), ``xlogit`` (the same
    from the delta method: logit p ± q·SE/(p(1−p)) with the design's SE of p),
    ``likelihood`` (the design-scaled profile likelihood, R's steps in
    :mod:`cati.stats.profile_likelihood`), ``wald`` = ``mean`` (p ± q·SE), ``beta``
    (Korn–Graubard: a Clopper–Pearson interval on n_eff = p(1−p)/V · (t_{α/2,n−1} /
    t_{α/2,df})², n the design's rows) and ``asin`` (sin²(asin √p ± q·SE / (2√(p(1−p))))).
    """
    values = _values(design, indicator)
    observed = values[~np.isnan(values)]
    if not np.isin(observed, (0.0, 1.0)).all():
        raise StatsError(
            ErrorCode.PROPORTION_VALUES, N_("a proportion needs 0/1 (or boolean) values")
        )
    p, se, n = _mean_and_se(design, values)
    if method == "wilson":
        n_star = p * (1 - p) / se**2 if se > 0 else float(n)
        low, high = wilson_interval(p, n_star, level=level)
    elif method == "logit" and isinstance(design, ReplicateDesign):
        low, high = _replicate_logit_interval(design, values, p, level=level, df=df)
    elif method in ("logit", "xlogit"):
        low, high = logit_interval(p, se, level=level, df=df)
    elif method == "likelihood":
        low, high = _likelihood_interval(design, values, p, se, level=level, df=df)
    elif method in ("wald", "mean"):
        q = _quantile(level, df)
        low, high = p - q * se, p + q * se
    elif method == "beta":
        low, high = korn_graubard_interval(p, se, design.size, level=level, df=df)
    elif method == "asin":
        q = _quantile(level, df)
        centre, half = np.arcsin(np.sqrt(p)), q * se / (2 * np.sqrt(p * (1 - p)))
        low, high = float(np.sin(centre - half) ** 2), float(np.sin(centre + half) ** 2)
    else:
        raise StatsError(
            ErrorCode.INTERVAL_METHOD,
            N_(
                "unknown interval method %(method)r: use wilson, logit, likelihood, xlogit, "
                "wald, mean, beta or asin"
            ),
            method=method,
        )
    return Estimate(p, se, low, high, level, n)


def survey_ratio(
    design: Design,
    numerator: ArrayLike,
    denominator: ArrayLike,
    *,
    level: float = 0.95,
    df: float | None = None,
) -> Estimate:
    """Ratio of two totals Σwy / Σwx (R ``svyratio``); rows missing either value are left out."""
    y, x = _values(design, numerator), _values(design, denominator)
    valid = ~(np.isnan(y) | np.isnan(x))
    ratio, cov = ratio_covariance(design, np.where(valid, y, 0.0), np.where(valid, x, 0.0))
    r, se = float(ratio[0]), float(np.sqrt(cov[0, 0]))
    q = _quantile(level, df)
    return Estimate(r, se, r - q * se, r + q * se, level, int(valid.sum()))


def design_effect(
    design: Design,
    y: ArrayLike,
    *,
    statistic: Literal["mean", "total"] = "mean",
    replace: bool = False,
) -> float:
    """R's ``deff``: the design variance over that of simple random sampling.

    The SRS variance of a mean is s²/n · (N̂ − n)/N̂ with N̂ = Σw and
    s² = n/(n−1) · Σw(y − ȳ)²/Σw (``deff=TRUE``); ``replace=True`` drops (N̂ − n)/N̂
    (``deff="replace"``). A total's is N̂² times that. Missing values make a domain: n and N̂
    are the domain's.
    """
    values = _values(design, y)
    valid = ~np.isnan(values) & (design.weights > 0)
    w, v = design.weights[valid], values[valid]
    n, population = float(valid.sum()), float(w.sum())
    mean = float((w * v).sum() / population)
    s2 = n / (n - 1) * float((w * (v - mean) ** 2).sum()) / population
    srs = s2 / n * (1.0 if replace else (population - n) / population)
    if statistic == "total":
        srs *= population**2
        variance = survey_total(design, values).se ** 2
    else:
        variance = survey_mean(design, values).se ** 2
    return variance / srs


def mean_design_effect(design: Design, shares: Iterable[ArrayLike]) -> float | None:
    """The mean of R's ``deff="replace"`` over proportions (0/1 values, NaN outside their
    base): the design effect a report's margin of error at p = 50% uses, its effective base
    n/deff. Proportions of 0 or 1 have none; None when no proportion has one."""
    effects = []
    for y in shares:
        values = _values(design, y)
        answered = values[~np.isnan(values)]
        if len(answered) > 1 and 0 < answered.mean() < 1:
            effects.append(design_effect(design, values, replace=True))
    return float(np.mean(effects)) if effects else None


def weighted_quantile(y: ArrayLike, weights: ArrayLike, q: float) -> float:
    """Smallest value whose weighted cumulative share reaches ``q`` (R's ``qrule="math"``)."""
    values = np.asarray(y, dtype=float)
    w = np.asarray(weights, dtype=float)
    keep = ~np.isnan(values) & (w > 0)
    if not keep.any():
        return float("nan")
    order = np.argsort(values[keep], kind="stable")
    sorted_values = values[keep][order]
    cdf = np.cumsum(w[keep][order])
    cdf /= cdf[-1]
    return float(sorted_values[np.searchsorted(cdf, q - 1e-12, side="left")])


def weighted_median(y: ArrayLike, weights: ArrayLike) -> float:
    return weighted_quantile(y, weights, 0.5)


def survey_quantile(
    design: Design, y: ArrayLike, q: float, *, level: float = 0.95, df: float | None = None
) -> Estimate:
    """Quantile with Woodruff's interval, as R's ``svyquantile`` (``interval.type="mean"``).

    The interval is the design-based interval of the share of values at or below the
    quantile, mapped back through the weighted distribution; the SE is its width over
    2·quantile (R's convention). Pass ``df=design.degrees_of_freedom`` to use R's t.
    """
    values = _values(design, y)
    estimate = weighted_quantile(values, design.weights, q)
    at_or_below = np.where(np.isnan(values), np.nan, (values <= estimate).astype(float))
    share, se, n = _mean_and_se(design, at_or_below)
    crit = _quantile(level, df)
    low_p, high_p = share - crit * se, share + crit * se
    low = weighted_quantile(values, design.weights, low_p) if low_p >= 0 else float("nan")
    high = weighted_quantile(values, design.weights, high_p) if high_p <= 1 else float("nan")
    return Estimate(estimate, (high - low) / (2 * crit), low, high, level, n)


def weighted_frequencies(
    values: ArrayLike | pd.Series,
    weights: ArrayLike,
    categories: Sequence[Hashable] | None = None,
) -> pd.DataFrame:
    """Unweighted and weighted counts and weighted percentages of each category.

    The base is the respondents with a value; the frame's ``attrs`` carry the unweighted,
    weighted and effective bases.
    """
    series = pd.Series(
        np.asarray(values, dtype=object) if not isinstance(values, pd.Series) else values
    )
    w = np.asarray(weights, dtype=float)
    valid = series.notna().to_numpy()
    cats = list(categories) if categories is not None else sorted(series[valid].unique())
    codes = pd.Index(cats).get_indexer(series[valid])
    unknown = np.flatnonzero(codes < 0)
    if unknown.size:
        raise StatsError(
            ErrorCode.CATEGORY_UNKNOWN,
            N_("value %(value)r is not among the categories"),
            value=series[valid].iloc[unknown[0]],
        )
    wv = w[valid]
    counts = np.bincount(codes, minlength=len(cats))
    weighted = np.bincount(codes, weights=wv, minlength=len(cats))
    base = weighted.sum()
    out = pd.DataFrame(
        {
            "count": counts,
            "weighted": weighted,
            "percent": 100 * weighted / base if base > 0 else np.nan,
        },
        index=pd.Index(cats, name="category"),
    )
    out.attrs.update(
        unweighted_base=int(valid.sum()),
        weighted_base=float(base),
        effective_base=kish_effective_base(wv),
    )
    return out


def box_indicator(
    scores: ArrayLike, *, scale: tuple[int, int], boxes: int = 2, top: bool = True
) -> np.ndarray:
    """1 where a score is in the top (or bottom) ``boxes`` points of ``scale``; NaN if missing.

    Scores outside the scale (such as a "don't know" code) are treated as missing.
    """
    values = np.asarray(scores, dtype=float)
    lo, hi = scale
    on_scale = (values >= lo) & (values <= hi)
    hit = values >= hi - boxes + 1 if top else values <= lo + boxes - 1
    return np.where(on_scale, hit.astype(float), np.nan)


def net_promoter(
    design: Design, scores: ArrayLike, *, level: float = 0.95, df: float | None = None
) -> Estimate:
    """Net Promoter Score (0–10 scale): % promoters (9–10) − % detractors (0–6).

    The NPS is the mean of a recode (+100 promoter, 0 passive, −100 detractor), so its SE
    is the linearization SE of that mean; for equal weights this is
    100·√((p_P + p_D − (p_P − p_D)²)/(n − 1)).
    """
    values = _values(design, scores)
    on_scale = (values >= 0) & (values <= 10)
    recode = np.where(values >= PROMOTER_MIN, 100.0, np.where(values <= DETRACTOR_MAX, -100.0, 0.0))
    return survey_mean(design, np.where(on_scale, recode, np.nan), level=level, df=df)
