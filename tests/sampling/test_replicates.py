"""Replicates are miniatures of the sample: by stratum, in space, and at random."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sampling.errors import SamplingError
from sampling.replicates import REPLICATE, assign_replicates, release_plan


def _sample(n=300, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "id": np.arange(n),
            "region": rng.choice(["A", "B", "C"], size=n, p=[0.6, 0.3, 0.1]),
            "x": rng.random(n),
            "y": rng.random(n),
        }
    )


def test_every_unit_gets_one_replicate_and_sizes_differ_by_at_most_one():
    out = assign_replicates(_sample(), 7, random=1)
    sizes = out[REPLICATE].value_counts()
    assert set(sizes.index) == set(range(1, 8))
    assert sizes.max() - sizes.min() <= 1


def test_each_replicate_has_each_stratum_in_proportion():
    sample = _sample()
    out = assign_replicates(
        sample, 5, strata="region", points=sample[["x", "y"]].to_numpy(), random=2
    )
    counts = pd.crosstab(out["region"], out[REPLICATE])
    assert ((counts.max(axis=1) - counts.min(axis=1)) <= 1).all()


def test_replicates_are_spread_when_points_are_given():
    """Mean distance to the nearest unit of the same replicate beats random replicates."""
    from scipy.spatial import cKDTree

    sample = _sample(400)
    xy = sample[["x", "y"]].to_numpy()

    def crowding(labels):
        total = 0.0
        for r in np.unique(labels):
            pts = xy[labels == r]
            d, _ = cKDTree(pts).query(pts, k=2)
            total += d[:, 1].mean()
        return total

    spread = [
        crowding(assign_replicates(sample, 4, points=xy, random=s)[REPLICATE].to_numpy())
        for s in range(30)
    ]
    plain = [
        crowding(assign_replicates(sample, 4, random=s)[REPLICATE].to_numpy()) for s in range(30)
    ]
    assert stats.ttest_ind(spread, plain, alternative="greater").pvalue < 0.001


def test_each_unit_is_equally_likely_in_each_replicate():
    """Chi-square over 1,000 seeded splits: unit 0's replicate is uniform on 1..4."""
    sample = _sample(40)
    xy = sample[["x", "y"]].to_numpy()
    seen = np.zeros(4)
    for seed in range(1000):
        out = assign_replicates(sample, 4, strata="region", points=xy, random=seed)
        seen[out[REPLICATE].iloc[0] - 1] += 1
    assert stats.chisquare(seen).pvalue > 0.001


def test_release_plan_lists_replicates_in_release_order_with_strata():
    out = assign_replicates(_sample(), 3, strata="region", random=3)
    plan = release_plan(out, strata="region")
    assert list(plan.index) == [1, 2, 3]
    assert plan["units"].sum() == 300


def test_more_replicates_than_units_is_refused():
    with pytest.raises(SamplingError):
        assign_replicates(_sample(5), 6)
