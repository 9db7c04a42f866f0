"""First-order inclusion probabilities proportional to size, with certainty units.

π_k = n·a_k / Σa. Units whose π would exceed 1 are taken with certainty (π = 1) and the
remaining sample size is spread over the others in proportion to size, repeated until no
π exceeds 1 (Tillé 2006, *Sampling Algorithms*, §2.10; the rule R `sampling`'s
`inclusionprobabilities` documents).
"""

from __future__ import annotations

import numpy as np

from cati.problems import N_
from sampling.errors import ErrorCode, SamplingError


def inclusion_probabilities(size: np.ndarray, n: float) -> np.ndarray:
    """π proportional to `size` summing to `n`, capped at 1; zero size gives π = 0."""
    a = np.asarray(size, dtype=float)
    if a.ndim != 1 or np.any(~np.isfinite(a)) or np.any(a < 0):
        raise SamplingError.one(
            ErrorCode.DESIGN_INPUT,
            N_("invalid design input: sizes must be finite and non-negative"),
        )
    positive = int(np.count_nonzero(a))
    if not 0 <= n <= positive:
        raise SamplingError.one(
            ErrorCode.DESIGN_INPUT,
            N_("invalid design input: n = %(n)s but only %(positive)s unit(s) have positive size"),
            n=n,
            positive=positive,
        )
    pi = np.zeros_like(a)
    certain = np.zeros(a.size, dtype=bool)
    while True:
        remaining = n - certain.sum()
        rest = ~certain & (a > 0)
        total = a[rest].sum()
        pi[rest] = remaining * a[rest] / total if total > 0 else 0.0
        # `>= 1` (not `> 1`) so a unit landing exactly on 1 is fixed rather than re-spread.
        newly = rest & (pi >= 1.0)
        if not newly.any():
            break
        certain |= newly
        pi[certain] = 1.0
    return pi
