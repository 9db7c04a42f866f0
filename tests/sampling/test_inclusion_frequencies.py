"""Over many seeded draws each design hits its π and its Horvitz–Thompson total is unbiased.

20,000 draws per design on a 12-unit frame (the R BalancedSampling check's π plus one
certainty unit and one zero unit). For each undecided unit z = (f − π)/√(π(1−π)/R); the
family of units is tested at α = 0.001 with a Bonferroni bound on max |z|.
"""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sampling.designs import DESIGNS, plan, select

# Monte Carlo: thousands of draws per design, so a minute or more in all.
pytestmark = pytest.mark.slow

DRAWS = 20_000
ALPHA = 0.001
PI = np.array([0.2, 0.25, 0.35, 0.4, 0.5, 0.5, 0.55, 0.65, 0.7, 0.9, 1.0, 0.0])
Y = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, 5.0, 8.0])


def _membership(design: str, pi: np.ndarray, seed: int) -> np.ndarray:
    """(DRAWS, N) 0/1 matrix of which units each seeded draw selected."""
    rng = np.random.default_rng(seed)
    points = np.random.default_rng(12345).random((pi.size, 2))
    balance = np.column_stack((Y[: pi.size], points[:, 0]))  # for the cube method
    hits = np.zeros((DRAWS, pi.size), dtype=np.int8)
    for r in range(DRAWS):
        hits[r, select(design, pi, rng, sphere=points, points=points, balance=balance)] = 1
    return hits


def _pi_for(design: str) -> np.ndarray:
    return np.full(10, 0.4) if design == "srs" else PI


@pytest.fixture(scope="module", params=DESIGNS)
def design_draws(request):
    pi = _pi_for(request.param)
    return request.param, pi, _membership(request.param, pi, seed=2024)


def test_first_order_frequencies_match_pi_within_bonferroni_bound(design_draws):
    design, pi, hits = design_draws
    freq = hits.mean(axis=0)
    certain, never = pi == 1.0, pi == 0.0
    assert np.all(freq[certain] == 1.0) and np.all(freq[never] == 0.0)
    open_ = ~certain & ~never
    z = (freq[open_] - pi[open_]) / np.sqrt(pi[open_] * (1 - pi[open_]) / DRAWS)
    bound = stats.norm.ppf(1 - ALPHA / (2 * open_.sum()))
    assert np.max(np.abs(z)) < bound, f"{design}: z = {np.round(z, 2)}, bound {bound:.2f}"


def test_every_draw_has_the_fixed_size(design_draws):
    _, pi, hits = design_draws
    assert np.all(hits.sum(axis=1) == round(pi.sum()))


def test_horvitz_thompson_total_is_unbiased(design_draws):
    """One-sample t-test of the 20,000 HT totals against the true total (α = 0.001)."""
    design, pi, hits = design_draws
    y = Y[: pi.size]
    weights = np.divide(y, pi, out=np.zeros_like(y), where=pi > 0)
    totals = hits @ weights
    truth = y[pi > 0].sum()  # a π = 0 unit cannot be estimated; it is outside the design
    result = stats.ttest_1samp(totals, truth)
    assert result.pvalue > ALPHA, f"{design}: mean {totals.mean():.4f} vs {truth}"


@pytest.mark.parametrize("design", ["lpm2", "spread"])
def test_stratified_pps_spread_designs_hit_pi_in_every_stratum(design):
    """Through `plan`: two strata, π ∝ size within each, one certainty unit."""
    rng = np.random.default_rng(7)
    frame = pd.DataFrame(
        {
            "region": ["A"] * 6 + ["B"] * 8,
            "size": [1, 2, 3, 4, 5, 40, 1, 1, 2, 2, 3, 3, 4, 4],
            "x": rng.random(14),
            "y": rng.random(14),
        }
    )
    fixed = plan(frame, 7, design, strata="region", size="size", x="x", y="y")
    hits = np.zeros(14)
    draws = np.random.default_rng(99)
    for _ in range(DRAWS):
        positions = fixed.positions(draws)
        assert positions.size == 7
        hits[positions] += 1
    freq, pi = hits / DRAWS, fixed.pi
    assert pi[5] == 1.0 and freq[5] == 1.0
    open_ = (pi > 0) & (pi < 1)
    z = (freq[open_] - pi[open_]) / np.sqrt(pi[open_] * (1 - pi[open_]) / DRAWS)
    assert np.max(np.abs(z)) < stats.norm.ppf(1 - ALPHA / (2 * open_.sum()))
