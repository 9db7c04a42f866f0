"""LPM2 in batches (sampling.local_pivotal) beside R's BalancedSampling, and its parts.

`reference/lpm2_grid.json` holds what `reference/lpm2_grid.R` got from BalancedSampling's
lpm2 in 4,000 draws of n = 90 from a 30 × 30 grid (README there): the Voronoi spatial
balance (its `sb`, where a unit equidistant from several sample units is shared among
them) and the number of sampled pairs side by side across and down. On a grid every
inner unit has four equidistant nearest neighbours, so ties must be broken at random.
"""

import json
from pathlib import Path

import numpy as np
import pytest
from scipy import stats
from scipy.spatial import cKDTree

from sampling import local_pivotal, neighbour_lists
from sampling.inclusion import inclusion_probabilities
from sampling.local_pivotal import lpm2
from sampling.neighbour_lists import NeighbourLists

REFERENCE = json.loads((Path(__file__).parent / "reference" / "lpm2_grid.json").read_text())
SIDE, N_GRID = REFERENCE["side"], REFERENCE["n"]
DRAWS = 400


def _grid() -> np.ndarray:
    col, row = np.meshgrid(np.arange(1, SIDE + 1), np.arange(1, SIDE + 1))
    return np.column_stack((col.ravel(), row.ravel())).astype(float)  # R's expand.grid order


def _shared_voronoi_balance(points: np.ndarray, pi: np.ndarray, sample: np.ndarray) -> float:
    """BalancedSampling's `sb`: each unit's π goes to its nearest sample units, in equal
    parts when several are equally near."""
    tree = cKDTree(points[sample])
    nearest, _ = tree.query(points, k=1)
    v = np.zeros(sample.size)
    for unit, near in enumerate(tree.query_ball_point(points, nearest + 1e-9)):
        v[near] += pi[unit] / len(near)
    return float(np.mean((v - 1.0) ** 2))


def _side_by_side(points: np.ndarray, sample: np.ndarray, dx: int, dy: int) -> int:
    taken = {(x, y) for x, y in points[sample].astype(int).tolist()}
    return sum((x + dx, y + dy) in taken for x, y in taken)


@pytest.fixture(scope="module")
def grid_draws() -> np.ndarray:
    """(DRAWS, 3): sb, pairs across, pairs down, for cati's LPM2 on the reference grid."""
    points = _grid()
    pi = np.full(points.shape[0], N_GRID / points.shape[0])
    rng = np.random.default_rng(20260102)
    rows = []
    for _ in range(DRAWS):
        sample = lpm2(pi, points, rng)
        assert sample.size == N_GRID
        rows.append(
            (
                _shared_voronoi_balance(points, pi, sample),
                _side_by_side(points, sample, 1, 0),
                _side_by_side(points, sample, 0, 1),
            )
        )
    return np.array(rows)


def _z_against_reference(values: np.ndarray, key: str) -> float:
    se = np.sqrt(values.var(ddof=1) / values.size + REFERENCE["sd"][key] ** 2 / REFERENCE["draws"])
    return (values.mean() - REFERENCE["mean"][key]) / se


def test_spatial_balance_on_a_grid_is_balanced_samplings(grid_draws):
    """Mean sb within 5 % of BalancedSampling's and not significantly worse (z < 3)."""
    sb = grid_draws[:, 0]
    assert abs(sb.mean() / REFERENCE["mean"]["sb"] - 1) < 0.05
    assert _z_against_reference(sb, "sb") < 3


def test_neighbouring_units_are_taken_together_no_more_often_than_by_balanced_sampling(
    grid_draws,
):
    """The batches keep neighbours apart at least as well as the sequential algorithm: the
    mean count of sampled pairs side by side is not significantly above the C++'s (z < 3),
    and near it (within 0.5 of its 0.7 a draw; an SRS has about 8.6)."""
    for column, key in ((1, "across"), (2, "down")):
        assert _z_against_reference(grid_draws[:, column], key) < 3
        assert abs(grid_draws[:, column].mean() - REFERENCE["mean"][key]) < 0.5


def test_ties_on_a_grid_favour_no_direction(grid_draws):
    """Broken at random, ties pair units across as often as down (Welch test, α = 0.001)."""
    result = stats.ttest_ind(grid_draws[:, 1], grid_draws[:, 2], equal_var=False)
    assert result.pvalue > 0.001


def test_a_list_holds_a_whole_ring_of_equidistant_neighbours_in_random_order():
    """Inner grid unit 5 has four neighbours at distance 1: each comes first equally often."""
    points = np.array([(x, y) for y in range(3) for x in range(3)], dtype=float)
    first = []
    for seed in range(800):
        lists = NeighbourLists(points, np.random.default_rng(seed))
        lists.list_share(np.arange(9), np.ones(9, dtype=bool), 1.0)
        assert set(lists.listed[4].tolist()) == {1, 3, 5, 7}
        first.append(lists.listed[4, 0])
    counts = np.bincount(first, minlength=9)[[1, 3, 5, 7]]
    assert stats.chisquare(counts).pvalue > 0.001


def test_duplicate_points_beyond_a_list_are_drawn_at_random():
    """Ten units at one point: each list holds four of the other nine, all nine alike."""
    points = np.vstack((np.zeros((10, 2)), [[5.0, 5.0], [6.0, 5.0]]))
    held = np.zeros(10)
    for seed in range(600):
        lists = NeighbourLists(points, np.random.default_rng(seed))
        lists.list_share(np.arange(12), np.ones(12, dtype=bool), 1.0)
        row = lists.listed[0]
        assert 0 not in row and set(row.tolist()) <= set(range(1, 10))
        held[row] += 1
    assert stats.chisquare(held[1:]).pvalue > 0.001


def test_lists_skip_decided_units_and_look_farther_when_the_nearest_are_decided():
    points = np.arange(20, dtype=float)[:, None]
    open_ = np.ones(20, dtype=bool)
    open_[[9, 11, 8, 12, 7, 13]] = False  # unit 10's six nearest
    lists = NeighbourLists(points, np.random.default_rng(1))
    lists.list_share(np.array([10]), open_, 1.0)
    assert sorted(lists.listed[10].tolist()) == [5, 6, 14, 15]


@pytest.mark.slow
@pytest.mark.parametrize("duplicates", [False, True])
def test_every_path_keeps_pi_and_the_size(monkeypatch, duplicates):
    """8,000 draws of 12 from 60 units with unequal π (two certainty units), with the
    thresholds lowered so that a small frame takes every path: listing a share, batches
    cut to a random part, new trees, and (with duplicate points) draws among ties. The
    units' frequencies match π (Bonferroni, α = 0.001) and every draw has 12 units."""
    monkeypatch.setattr(neighbour_lists, "FEW", 4)
    monkeypatch.setattr(neighbour_lists, "QUERY_CHUNK", 8)
    monkeypatch.setattr(local_pivotal, "BATCH", 6)
    monkeypatch.setattr(local_pivotal, "RELIST_BELOW", 0.3)
    rng = np.random.default_rng(8)
    size = rng.gamma(2.0, size=60)
    size[:2] = 80.0
    pi = inclusion_probabilities(size, 12)
    points = rng.random((60, 2))
    if duplicates:
        points = points[rng.integers(0, 15, 60)]
    hits = np.zeros(60)
    draws = 8_000
    for _ in range(draws):
        chosen = lpm2(pi, points, rng)
        assert chosen.size == 12
        hits[chosen] += 1
    assert hits[0] == hits[1] == draws
    open_ = (pi > 0) & (pi < 1)
    z = (hits[open_] / draws - pi[open_]) / np.sqrt(pi[open_] * (1 - pi[open_]) / draws)
    assert np.max(np.abs(z)) < stats.norm.ppf(1 - 0.001 / (2 * open_.sum()))


def test_progress_counts_every_unit_once():
    rng = np.random.default_rng(4)
    pi = np.full(5000, 0.02)
    pi[:3], pi[3:6], pi[6:] = 1.0, 0.0, 100 / 4994
    told = []
    chosen = lpm2(pi, rng.random((5000, 3)), rng, progress=told.append)
    assert sum(told) == 5000
    assert chosen.size == round(pi.sum()) and {0, 1, 2} <= set(chosen.tolist())


def test_the_same_seed_draws_the_same_sample():
    points = np.random.default_rng(2).random((30_000, 3))
    pi = np.full(30_000, 0.01)
    first = lpm2(pi, points, np.random.default_rng(9))
    again = lpm2(pi, points, np.random.default_rng(9))
    np.testing.assert_array_equal(first, again)
    assert first.size == 300
