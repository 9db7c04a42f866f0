"""Spatial balance: the Voronoi SB measure and the spread designs' advantage over SRS."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sampling.designs import select
from sampling.geometry import unit_vectors
from sampling.quality import spatial_balance

REPEATS = 200


def test_sb_is_zero_when_every_voronoi_cell_holds_exactly_pi_one():
    """Five tight pairs far apart, π = 0.5 each, one unit of each pair drawn: v_i = 1."""
    coords = np.array([[10.0 * k + d, 0.0] for k in range(5) for d in (0.0, 0.1)])
    pi = np.full(10, 0.5)
    assert spatial_balance(coords, pi, [0, 3, 4, 7, 8]) == 0.0
    # both units of the first two pairs and one of the third: that one holds the last six
    # units, so v = 0.5, 0.5, 0.5, 0.5, 3.0 and SB = (4 × 0.25 + 4) / 5 = 1
    assert spatial_balance(coords, pi, [0, 1, 2, 3, 4]) == pytest.approx(1.0)


def test_sb_is_large_when_the_sample_clumps():
    coords = np.random.default_rng(0).random((400, 2))
    pi = np.full(400, 0.1)
    clumped = np.argsort(coords[:, 0])[:40]  # the 40 westernmost units
    spread_out = np.argsort(coords[:, 0])[::10]
    assert spatial_balance(coords, pi, clumped) > 10 * spatial_balance(coords, pi, spread_out)


@pytest.mark.parametrize("design", ["lpm2", "spread"])
def test_mean_sb_of_spread_designs_is_significantly_below_srs(design):
    """Welch t-test over 200 draws each, one-sided at α = 0.001, on 500 points in Spain."""
    rng = np.random.default_rng(42)
    lat, lon = rng.uniform(36.0, 43.5, 500), rng.uniform(-9.0, 3.0, 500)
    sphere = unit_vectors(lat, lon)
    points = np.column_stack((lon, lat))
    pi = np.full(500, 0.1)
    srs_sb = [spatial_balance(sphere, pi, select("srs", pi, rng)) for _ in range(REPEATS)]
    spread_sb = [
        spatial_balance(sphere, pi, select(design, pi, rng, sphere=sphere, points=points))
        for _ in range(REPEATS)
    ]
    result = stats.ttest_ind(spread_sb, srs_sb, equal_var=False, alternative="less")
    assert result.pvalue < 0.001
    assert np.mean(spread_sb) < 0.6 * np.mean(srs_sb)


def test_shares_beside_frame_weights_the_sample_by_its_design_weights():
    """Frame 6 a + 4 b; a sample of 2 a (w = 3) and 2 b (w = 2, as with n_h = 2 of N_h = 4
    and 6): unweighted 50/50, weighted back to the frame's 60/40 — the Hájek estimate."""
    from sampling.quality import shares_beside_frame

    frame = pd.Series(list("aaaaaabbbb"))
    sample = pd.Series(list("aabb"))
    table = shares_beside_frame(frame, sample, [3.0, 3.0, 2.0, 2.0])
    assert table.loc["a"].tolist() == pytest.approx([0.6, 0.5, 0.6])
    assert table.loc["b"].tolist() == pytest.approx([0.4, 0.5, 0.4])
    missing = shares_beside_frame(frame, pd.Series(["a"]), [1.0])
    assert missing.loc["b"].tolist() == [0.4, 0.0, 0.0]
