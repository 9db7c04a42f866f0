"""The profile-likelihood interval of a proportion: R survey's ``svyciprop(method="likelihood")``.

R fits the intercept-only quasi-binomial model ``svyglm(y ~ 1)`` and profiles its deviance
(``MASSprofile_glm``): from the fitted logit b̂ it steps by δ = z_max/5 design SEs of b̂ down
and up, at most 9 steps a side or until |z| reaches z_max, with
z(b) = ±√((D(b) − D(b̂)) / φ), D the deviance with the weights scaled to mean 1 and φ the
dispersion. The interval is where z equals ±q·√λ, q the t (or normal) quantile and
λ = design variance / model variance of b̂ (the deviance is scaled by the design): R reads it
off an interpolating spline (``spline``, method ``fmm``, 3 points per profile point) inverted
by linear interpolation (``approx``). That reading is R's approximation of the exact root of
z(b) = ±q·√λ; this module does the same steps (R's ``glm.fit`` included, whose stopping point
enters λ), so it gives R's interval, not the exact root, which differs from it by a few
millionths of the proportion (docs/statistics.md).

φ is R's on a Taylor design: the design variance of the Pearson residuals, n′/(n′ − 1) with n′
the respondents with a positive weight. On a replicate design R 4.1 scales the residuals by √n
(``residuals.svrepglm``), so φ = n, the profile never reaches the cut-off and R returns NA;
here the residuals are the Taylor ones, φ = 1 (the weighted mean of the squared residuals).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

MAX_STEPS = 10  # MASSprofile_glm's maxsteps: steps 1 … 9 on each side
POINTS_PER_KNOT = 3  # spline()'s n = 3 · length(x)
GLM_EPSILON = 1e-8  # glm.control()
GLM_ITERATIONS = 25


def profile_interval(
    y: np.ndarray,
    w: np.ndarray,
    *,
    weight_mean: float,
    logit_variance: float,
    dispersion: float,
    level: float,
    df: float | None,
) -> tuple[float, float]:
    """The interval of the share of 1s in ``y`` (0/1, the rows answered) with weights ``w``.

    R scales the weights by ``weight_mean``, the mean weight over the model's rows;
    ``logit_variance`` is the design variance of the logit of the share. NaN where R's
    spline does not reach the cut-off (R's NA).
    """
    p = float((w * y).sum() / w.sum())
    if p <= 0 or p >= 1:
        return (p, p)
    scaled = w / weight_mean
    b0, working = _glm_fit(y, scaled)
    lam = logit_variance * float(working.sum())  # over the model variance 1 / Σ working
    tail = (1 - level) / 2
    q = stats.norm.ppf(tail) if df is None else stats.t.ppf(tail, df)
    alpha = stats.norm.cdf(q * np.sqrt(lam)) / 2
    z_max = np.sqrt(stats.f.isf(alpha, 1, len(y) - 1))
    step_size = z_max / 5 * np.sqrt(logit_variance)

    def deviance(b: float) -> float:
        return _deviance(y, scaled, np.full(len(y), 1 / (1 + np.exp(-b))))

    d0 = deviance(b0)
    b_points, z_points = [b0], [0.0]
    for sign in (-1, 1):
        z, step = 0.0, 1
        while step < MAX_STEPS and abs(z) < z_max:
            b = b0 + sign * step * step_size
            z = sign * np.sqrt(max((deviance(b) - d0) / dispersion, 0.0))
            b_points.append(b)
            z_points.append(z)
            step += 1
    knots, values = _regularize(np.array(b_points), np.array(z_points))
    grid = np.linspace(knots[0], knots[-1], POINTS_PER_KNOT * len(knots))
    along = _fmm_evaluate(knots, values, grid)
    z_sorted, b_sorted = _regularize(along, grid)
    cut = stats.norm.ppf(2 * alpha)
    ends = [_approx(z_sorted, b_sorted, c) for c in (cut, -cut)]
    return tuple(float(1 / (1 + np.exp(-e))) for e in ends)  # type: ignore[return-value]


def _glm_fit(y: np.ndarray, weights: np.ndarray) -> tuple[float, np.ndarray]:
    """R's ``glm.fit`` of the intercept-only logit: iteratively reweighted least squares from
    ``mustart`` = (w·y + ½)/(w + 1) until the deviance changes by less than 1e-8 of itself.

    Returns the intercept and the working weights of the last least-squares fit, which R's
    model variance (``summary.glm``'s ``cov.unscaled``) uses: they come from the iterate
    before the last, so λ carries R's stopping point (a relative 1e-6 … 1e-5 here).
    """
    mu = (weights * y + 0.5) / (weights + 1)
    eta = np.log(mu / (1 - mu))
    old = _deviance(y, weights, mu)
    b = 0.0
    for _ in range(GLM_ITERATIONS):
        working = weights * mu * (1 - mu)
        b = float((working * (eta + (y - mu) / (mu * (1 - mu)))).sum() / working.sum())
        eta = np.full(len(y), b)
        mu = 1 / (1 + np.exp(-eta))
        new = _deviance(y, weights, mu)
        if abs(new - old) / (abs(new) + 0.1) < GLM_EPSILON:
            break
        old = new
    return b, working


def _deviance(y: np.ndarray, weights: np.ndarray, mu: np.ndarray) -> float:
    """The binomial deviance of 0/1 values."""
    return float(-2 * (weights * np.where(y > 0, np.log(mu), np.log1p(-mu))).sum())


def _regularize(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """R's ``regularize.values(ties=mean)``: sorted by x, the y of equal x averaged."""
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    unique, first, counts = np.unique(x, return_index=True, return_counts=True)
    if len(unique) == len(x):
        return x, y
    return unique, np.add.reduceat(y, first) / counts


def _approx(x: np.ndarray, y: np.ndarray, at: float) -> float:
    """R's ``approx(rule=1)``: linear interpolation, NA outside the range of x."""
    if not x[0] <= at <= x[-1]:
        return float("nan")
    return float(np.interp(at, x, y))


def _fmm_evaluate(x: np.ndarray, y: np.ndarray, at: np.ndarray) -> np.ndarray:
    """R's ``spline(method="fmm")``: the cubic spline whose end conditions match the third
    derivative of the cubics through the first and the last four points (Forsythe, Malcolm
    and Moler 1977), as R's ``fmm_spline`` and ``spline_eval`` compute it."""
    n = len(x)
    if n < 3:
        slope = (y[-1] - y[0]) / (x[-1] - x[0])
        return y[0] + slope * (at - x[0])
    b, c, d = np.zeros(n), np.zeros(n), np.zeros(n)
    d[0] = x[1] - x[0]
    c[1] = (y[1] - y[0]) / d[0]
    for i in range(1, n - 1):
        d[i] = x[i + 1] - x[i]
        b[i] = 2 * (d[i - 1] + d[i])
        c[i + 1] = (y[i + 1] - y[i]) / d[i]
        c[i] = c[i + 1] - c[i]
    b[0], b[-1] = -d[0], -d[n - 2]
    c[0] = c[-1] = 0.0
    if n > 3:
        c[0] = c[2] / (x[3] - x[1]) - c[1] / (x[2] - x[0])
        c[-1] = c[n - 2] / (x[n - 1] - x[n - 3]) - c[n - 3] / (x[n - 2] - x[n - 4])
        c[0] = c[0] * d[0] ** 2 / (x[3] - x[0])
        c[-1] = -c[-1] * d[n - 2] ** 2 / (x[n - 1] - x[n - 4])
    for i in range(1, n):
        t = d[i - 1] / b[i - 1]
        b[i] -= t * d[i - 1]
        c[i] -= t * c[i - 1]
    c[-1] /= b[-1]
    for i in range(n - 2, -1, -1):
        c[i] = (c[i] - d[i] * c[i + 1]) / b[i]
    b[-1] = (y[-1] - y[-2]) / d[n - 2] + d[n - 2] * (c[n - 2] + 2 * c[-1])
    for i in range(n - 1):
        b[i] = (y[i + 1] - y[i]) / d[i] - d[i] * (c[i + 1] + 2 * c[i])
        d[i] = (c[i + 1] - c[i]) / d[i]
        c[i] *= 3
    c[-1] *= 3
    d[-1] = d[n - 2]
    piece = np.clip(np.searchsorted(x, at, side="right") - 1, 0, n - 1)
    dx = at - x[piece]
    return y[piece] + dx * (b[piece] + dx * (c[piece] + dx * d[piece]))
