"""Properties every design must have: fixed size, certainty, reproducibility, weights."""

import numpy as np
import pandas as pd
import pytest

from sampling.designs import DESIGNS, draw, select
from sampling.errors import SamplingError
from sampling.inclusion import inclusion_probabilities

UNEQUAL = [d for d in DESIGNS if d != "srs"]


def _coords(n, seed=3):
    rng = np.random.default_rng(seed)
    return rng.random((n, 3)), rng.random((n, 2))


@pytest.mark.parametrize("design", UNEQUAL)
def test_fixed_size_designs_return_exactly_n(design):
    rng = np.random.default_rng(1)
    sphere, points = _coords(200)
    raw = rng.gamma(0.7, size=200)
    for n in (1, 13, 50, 137):
        pi = inclusion_probabilities(raw, n)
        for _ in range(20):
            chosen = select(design, pi, rng, sphere=sphere, points=points)
            assert chosen.size == n
            assert np.unique(chosen).size == n


@pytest.mark.parametrize("design", UNEQUAL)
def test_certain_units_always_drawn_and_zero_units_never(design):
    rng = np.random.default_rng(2)
    sphere, points = _coords(30)
    pi = np.full(30, 0.4)
    pi[[0, 7, 29]] = 1.0
    pi[[3, 4, 5, 20]] = 0.0
    pi[1] = 0.2  # Σπ = 3 + 22 × 0.4 + 0.2 = 12
    for _ in range(300):
        chosen = set(select(design, pi, rng, sphere=sphere, points=points).tolist())
        assert {0, 7, 29} <= chosen
        assert not chosen & {3, 4, 5, 20}


def test_srs_returns_exactly_n_distinct_units():
    rng = np.random.default_rng(0)
    for n in (0, 1, 10, 100):
        chosen = select("srs", np.full(100, n / 100), rng)
        assert chosen.size == n and np.unique(chosen).size == n


@pytest.mark.parametrize("design", DESIGNS)
def test_same_seed_same_sample_and_different_seed_different_sample(design):
    frame = _frame(400)
    a = draw(frame, 40, design, strata="region", latitude="lat", longitude="lon", random=7)
    b = draw(frame, 40, design, strata="region", latitude="lat", longitude="lon", random=7)
    c = draw(frame, 40, design, strata="region", latitude="lat", longitude="lon", random=8)
    assert a.sample["id"].tolist() == b.sample["id"].tolist()
    assert a.sample["id"].tolist() != c.sample["id"].tolist()


@pytest.mark.parametrize("design", DESIGNS)
def test_stratified_draw_meets_the_allocation_and_weights_are_inverse_pi(design):
    frame = _frame(600)
    result = draw(frame, 60, design, strata="region", latitude="lat", longitude="lon", random=1)
    counts = result.sample["region"].value_counts().sort_index()
    assert counts.to_dict() == result.allocation.to_dict()
    assert result.allocation.sum() == 60
    np.testing.assert_allclose(result.sample["weight"], 1 / result.sample["pi"])
    # equal probability within each stratum: π = n_h / N_h
    expected = result.allocation / result.population
    np.testing.assert_allclose(result.sample["pi"], expected[result.sample["region"]].to_numpy())


def test_pps_draw_uses_size_and_caps_certainty_units():
    frame = _frame(100)
    frame["households"] = 1.0
    frame.loc[0, "households"] = 1000.0
    result = draw(frame, 10, "systematic", size="households", random=3)
    assert 0 in result.sample.index
    assert result.sample.loc[0, "pi"] == 1.0
    np.testing.assert_allclose(result.sample.drop(index=0)["pi"], 9 / 99)


def test_a_generator_can_be_passed_instead_of_a_seed():
    frame = _frame(100)
    a = draw(frame, 10, "random_pivotal", random=np.random.default_rng(5))
    b = draw(frame, 10, "random_pivotal", random=np.random.default_rng(5))
    assert a.sample.index.tolist() == b.sample.index.tolist()


def test_spatial_design_without_coordinates_is_refused():
    with pytest.raises(SamplingError, match="latitude/longitude"):
        draw(_frame(50).drop(columns=["lat", "lon"]), 5, "lpm2")


def _frame(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(n)
    return pd.DataFrame(
        {
            "id": [f"u{i}" for i in range(n)],
            "region": rng.choice(["A", "B", "C"], size=n, p=[0.5, 0.3, 0.2]),
            "lat": rng.uniform(36, 43, n),
            "lon": rng.uniform(-9, 3, n),
        }
    )


@pytest.mark.parametrize("design", ["ordered_pivotal", "random_pivotal", "lpm2"])
def test_fractional_total_gives_random_size_with_exact_pi(design):
    """Σπ = 2.5: size is 2 or 3, and each unit's frequency over 20,000 draws matches π."""
    from scipy import stats

    pi = np.array([0.1, 0.3, 0.5, 0.6, 0.2, 0.8])
    rng = np.random.default_rng(31)
    coords = rng.random((6, 2))
    hits = np.zeros(6)
    sizes = set()
    for _ in range(20_000):
        chosen = select(design, pi, rng, sphere=coords, points=coords)
        sizes.add(chosen.size)
        hits[chosen] += 1
    assert sizes == {2, 3}
    z = (hits / 20_000 - pi) / np.sqrt(pi * (1 - pi) / 20_000)
    assert np.max(np.abs(z)) < stats.norm.ppf(1 - 0.001 / 12)
