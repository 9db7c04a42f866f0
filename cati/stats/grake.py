"""The g-weights of a calibration, as R survey's ``grake`` defines them, bounds included.

Calibration finds g with Σ d·g·x = t, g = F(xλ): F(u) = 1 + u (``linear``, GREG) or exp(u)
(``raking``), clipped to the bounds [L, U] (R's ``cal.linear`` / ``cal.raking`` with
``bounds=``). Like R, when every total is over 20 times the weighted sample's, the weights
are first scaled by the mean of those ratios (the bounds then apply to g after that), and
the iterations end when every |gap| / (1 + |total|) < ``epsilon``.

The steps differ from R's where bounds bind. R takes Newton steps with its ``dF``, which is
zero where xλ is outside (L − 1, U − 1), not where g is clipped; it often stops with
"Calibration failed" although bounded weights exist (34 of 83 random cases in
docs/statistics.md), and Newton with the exact slope stalls once a whole category is
clipped. Here the steps use the slope of the unclipped F (never zero) and are halved until
the convex objective Σ d·Ψ(xλ) − t·λ, Ψ′ = clip(F), whose gradient is minus the gap, falls:
they reach the bounded solution whenever one exists. It is unique in g, so where R
converges both give the same weights (to R's ``epsilon``); without bounds the steps are R's.
"""

from __future__ import annotations

import numpy as np

from cati.problems import N_
from cati.stats.errors import ErrorCode, StatsError

RESCALE_ABOVE = 20  # grake's SOMETHRESHOLD
GINV_TOLERANCE = 256 * np.finfo(float).eps  # MASS::ginv(tol=) as grake calls it
HALVINGS = 60  # a step is halved at most this often
ARMIJO = 1e-4  # a step must lower the objective by this share of its slope's promise
DAMPING = 1e-3  # the slope taken where g is clipped, relative to F′ at the bound


def g_weights(
    x: np.ndarray,
    t: np.ndarray,
    d: np.ndarray,
    calfun: str,
    bounds: tuple[float, float],
    *,
    epsilon: float,
    max_iterations: int,
) -> np.ndarray:
    """g for the design weights ``d``, the model matrix ``x`` (n × q) and its totals ``t``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = t / (x.T @ d)
    scale = float(ratios.mean()) if ratios.min() > RESCALE_ABOVE else 1.0
    d = d * scale
    distance = _Distance(calfun, *bounds)
    lam = np.zeros(x.shape[1])
    u = x @ lam
    gap = t - x.T @ (d * distance.g(u))
    objective = float(d @ distance.integral(u))
    for _ in range(max_iterations + 1):
        if (np.abs(gap) / (1 + np.abs(t)) < epsilon).all():
            return distance.g(u) * scale
        metric = x.T @ ((d * distance.curvature(u))[:, None] * x)
        step = np.linalg.pinv(metric, rcond=GINV_TOLERANCE) @ gap
        descent, size = float(gap @ step), 1.0
        for _ in range(HALVINGS):
            trial = lam + size * step
            u = x @ trial
            value = float(d @ distance.integral(u) - t @ trial)
            if value <= objective - ARMIJO * size * descent + 1e-12 * abs(objective):
                break
            size /= 2
        lam, objective = trial, value
        gap = t - x.T @ (d * distance.g(u))
    low, high = bounds
    if np.isfinite(low) or np.isfinite(high):
        raise StatsError(
            ErrorCode.CALIBRATION_FAILED,
            N_(
                "calibration with g between %(low)s and %(high)s leaves a gap of %(gap)s of a "
                "total: widen the bounds"
            ),
            low=f"{low:g}",
            high=f"{high:g}",
            gap=f"{float((np.abs(gap) / (1 + np.abs(t))).max()):.2%}",
        )
    raise StatsError(
        ErrorCode.CALIBRATION_FAILED,
        N_("calibration did not reach the totals: check that they are consistent"),
    )


class _Distance:
    """F clipped to [low, high], its integral Ψ and the slope of the unclipped F."""

    def __init__(self, calfun: str, low: float, high: float) -> None:
        self.linear = calfun == "linear"
        self.low, self.high = low, high
        if self.linear:
            self.start, self.end = low - 1, high - 1
        else:
            self.start = np.log(low) if low > 0 else -np.inf
            self.end = np.log(high) if high > 0 else -np.inf

    def g(self, u: np.ndarray) -> np.ndarray:
        if self.linear:
            return np.clip(1 + u, self.low, self.high)
        with np.errstate(over="ignore"):  # only without an upper bound: g is then infinite
            return np.clip(np.exp(np.clip(u, self.start, self.end)), self.low, self.high)

    def curvature(self, u: np.ndarray) -> np.ndarray:
        """The slope of clip(F), but a small one (DAMPING × F′ at the bound) where g is
        clipped, so a category whose g are all clipped can still move."""
        inside = (u > self.start) & (u < self.end)
        g = self.g(u)
        return np.where(inside, 1.0, DAMPING) * (1.0 if self.linear else g)

    def integral(self, u: np.ndarray) -> np.ndarray:
        """Ψ(u), Ψ′ = g: F's integral inside the bounds, straight lines of slope L or U
        beyond them."""
        c = np.clip(u, self.start, self.end)
        with np.errstate(over="ignore", invalid="ignore"):
            inner = c + c * c / 2 if self.linear else np.exp(c)
            below = np.where(u < self.start, self.low * (u - self.start), 0.0)
            above = np.where(u > self.end, self.high * (u - self.end), 0.0)
        return inner + below + above
