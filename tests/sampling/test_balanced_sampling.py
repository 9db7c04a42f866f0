"""The cube method: HT totals of the balancing variables land on the frame totals."""

import numpy as np
import pandas as pd

from sampling.cube import cube
from sampling.designs import draw, select
from sampling.inclusion import inclusion_probabilities


def _relative_errors(x, pi, samples):
    return np.array([(x[s] / pi[s, None]).sum(axis=0) / x.sum(axis=0) - 1 for s in samples])


def test_cube_balances_far_better_than_srs_and_keeps_the_size():
    """Relative HT error of two skewed totals: under 2% on average, several times below SRS."""
    rng = np.random.default_rng(11)
    x = rng.gamma(2.0, size=(1000, 2))
    pi = np.full(1000, 0.05)
    cubes = [cube(pi, x, rng) for _ in range(30)]
    srs = [select("srs", pi, rng) for _ in range(30)]
    assert all(s.size == 50 for s in cubes)
    cube_err = np.abs(_relative_errors(x, pi, cubes)).mean(axis=0)
    srs_err = np.abs(_relative_errors(x, pi, srs)).mean(axis=0)
    assert np.all(cube_err < 0.02)
    assert np.all(cube_err < srs_err / 3)


def test_cube_with_unequal_pi_keeps_certainty_units_and_balance():
    rng = np.random.default_rng(5)
    size = rng.gamma(1.0, size=400)
    size[:3] = 500.0
    pi = inclusion_probabilities(size, 40)
    x = np.column_stack((size, rng.random(400)))
    for _ in range(10):
        chosen = cube(pi, x, rng)
        assert chosen.size == 40 and {0, 1, 2} <= set(chosen.tolist())


def test_draw_balances_within_each_stratum_on_named_columns():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "region": np.repeat(["A", "B"], 300),
            "income": rng.lognormal(3, 0.5, 600),
            "age": rng.integers(18, 90, 600).astype(float),
        }
    )
    result = draw(frame, 60, "cube", strata="region", balance=["income", "age"], random=1)
    sample = result.sample
    for region, part in frame.groupby("region"):
        chosen = sample[sample["region"] == region]
        estimate = (chosen["income"] * chosen["weight"]).sum()
        assert abs(estimate / part["income"].sum() - 1) < 0.05
