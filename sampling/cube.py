"""Balanced sampling by the cube method (Deville & Tillé 2004, *Biometrika* 91(4):893-912).

A sample is balanced on auxiliary variables x when its Horvitz–Thompson totals
Σ_s x_k/π_k equal the frame totals Σ x_k. Writing the sample as a vertex of the unit cube,
the flight phase moves the vector π inside the cube along directions u with A'u = 0
(A_k = x_k/π_k), so the balancing equations keep holding exactly, until it reaches a face;
at each move it goes +λ₁u with probability λ₂/(λ₁+λ₂) or −λ₂u otherwise, which keeps E[π]
unchanged. Each move settles at least one unit at 0 or 1.

The flight uses only the first q + 1 undecided units of a random order at a time (the fast
flight phase of Chauvet & Tillé 2006), where q is the number of balancing variables:
q + 1 units always leave a direction in the null space. When fewer undecided units remain
than that, exact balance is no longer possible and the landing phase drops the balancing
variables one at a time from the last, keeping π itself to the end, so the sample still
has exactly n units and the first-order inclusion probabilities are still exact.
"""

from __future__ import annotations

import numpy as np

from sampling.pivotal import EPS, last_unit_selected


def cube(pi: np.ndarray, balance: np.ndarray | None, rng: np.random.Generator) -> np.ndarray:
    """Positions of a sample balanced on the columns of `balance` (N, q), fixed size."""
    p = np.asarray(pi, dtype=float).copy()
    p[p < EPS], p[p > 1 - EPS] = 0.0, 1.0
    total = float(p.sum())
    live = np.flatnonzero((p > 0) & (p < 1))
    extra = np.empty((p.size, 0)) if balance is None else np.asarray(balance, dtype=float)
    if extra.ndim == 1:
        extra = extra[:, None]
    # First column is π itself: A'u = 0 on it means Σu = 0, i.e. the sample size is fixed.
    x = np.column_stack((p, extra))
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(p[:, None] > 0, x / p[:, None], 0.0)
    a /= np.maximum(np.abs(a[live]).max(axis=0), 1e-300) if live.size else 1.0

    order = live[rng.permutation(live.size)].tolist()
    constraints = a.shape[1]
    window: list[int] = []
    while order or window:
        while order and len(window) < constraints + 1:
            window.append(order.pop())
        units = np.array(window)
        u = _null_direction(a[units, :constraints].T)
        if u is None:
            constraints -= 1  # landing: give up the last balancing variable
            if constraints == 0:
                break
            continue
        p[units] = _move(p[units], u, rng)
        window = [k for k in window if EPS < p[k] < 1 - EPS]
        p[units] = np.where(p[units] < EPS, 0.0, np.where(p[units] > 1 - EPS, 1.0, p[units]))
    # The landing leaves at most one unit, as the pivotal methods do.
    for k in window:
        p[k] = float(last_unit_selected(float(p[k]), total, rng))
    return np.flatnonzero(p == 1.0)


def _null_direction(b: np.ndarray) -> np.ndarray | None:
    """A unit vector u with b·u = 0, or None when b has full column rank."""
    _, s, vt = np.linalg.svd(b, full_matrices=True)
    rank = int(np.sum(s > 1e-10 * max(s.max(initial=0.0), 1.0)))
    return vt[-1] if rank < b.shape[1] else None


def _move(p: np.ndarray, u: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Go +λ₁u or −λ₂u to the cube's faces, with the probabilities that keep E[p] = p."""
    up, down = u > 1e-12, u < -1e-12
    with np.errstate(divide="ignore"):
        lam1 = min(
            np.min((1 - p[up]) / u[up], initial=np.inf), np.min(p[down] / -u[down], initial=np.inf)
        )
        lam2 = min(
            np.min(p[up] / u[up], initial=np.inf), np.min((1 - p[down]) / -u[down], initial=np.inf)
        )
    if rng.random() < lam2 / (lam1 + lam2):
        return p + lam1 * u
    return p - lam2 * u
