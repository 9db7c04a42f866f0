"""Sampling designs: each draws row positions and reports their inclusion probabilities π.

Low-level functions take the vector π (summing to the sample size) and a Generator and
return the selected positions; `draw` applies one of them to a frame, stratum by stratum,
and returns the selected rows with π and the design weight 1/π.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cati.problems import N_
from sampling.allocation import allocate
from sampling.choices import DESIGNS
from sampling.cube import cube
from sampling.errors import ErrorCode, SamplingError, missing_columns
from sampling.frames import Frame
from sampling.geometry import plane, unit_vectors
from sampling.inclusion import inclusion_probabilities
from sampling.local_pivotal import lpm2
from sampling.pivotal import EPS, ordered_pivotal, random_pivotal
from sampling.randomness import RandomState, as_generator
from sampling.spacefilling import random_curve_order

SPATIAL = frozenset({"lpm2", "spread"})
PI = "pi"
WEIGHT = "weight"


def srs(population: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """Simple random sampling without replacement: every unit has π = n/N."""
    if not 0 <= n <= population:
        raise SamplingError.one(
            ErrorCode.DESIGN_INPUT,
            N_("invalid design input: n = %(n)s with N = %(population)s"),
            n=n,
            population=population,
        )
    return np.sort(rng.choice(population, size=n, replace=False))


def systematic(pi: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Systematic πps in list order: one random start u, unit k taken when [C_{k-1}, C_k)
    contains u + m for an integer m (C the cumulated π). Certainty units are always in."""
    pi = np.asarray(pi, dtype=float)
    certain = pi >= 1.0 - EPS
    rest = np.flatnonzero(~certain & (pi > EPS))
    cum = np.concatenate(([0.0], np.cumsum(pi[rest])))
    u = rng.random()
    hits = np.ceil(cum[1:] - u) - np.ceil(cum[:-1] - u)
    return np.sort(np.concatenate((np.flatnonzero(certain), rest[hits >= 1])))


def spread(pi: np.ndarray, points: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Fast spatially spread design: ordered pivotal along a randomised Hilbert curve."""
    return ordered_pivotal(pi, rng, order=random_curve_order(points, rng))


def select(
    design: str,
    pi: np.ndarray,
    rng: np.random.Generator,
    *,
    sphere: np.ndarray | None = None,
    points: np.ndarray | None = None,
    balance: np.ndarray | None = None,
    progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Positions selected by `design` given π; spatial designs need coordinates:
    `sphere` (N, q) for LPM2's distances and `points` (N, 2) for the curve order; the cube
    method balances on the columns of `balance` (N, q) when given."""
    if design not in DESIGNS:
        raise _unknown_design(design)
    if design in SPATIAL and (sphere is None or points is None):
        raise SamplingError.one(
            ErrorCode.DESIGN_INPUT,
            N_("invalid design input: %(design)s needs coordinates"),
            design=design,
        )
    if design == "srs":
        n = round(float(np.sum(pi)))
        if not np.allclose(pi, pi[0] if pi.size else 0.0):
            raise SamplingError.one(
                ErrorCode.DESIGN_INPUT, N_("invalid design input: srs needs equal probabilities")
            )
        chosen = srs(pi.size, n, rng)
    elif design == "systematic":
        chosen = systematic(pi, rng)
    elif design == "ordered_pivotal":
        chosen = ordered_pivotal(pi, rng)
    elif design == "random_pivotal":
        chosen = random_pivotal(pi, rng)
    elif design == "lpm2":
        return lpm2(pi, sphere, rng, progress)
    elif design == "cube":
        chosen = cube(pi, balance, rng)
    else:
        chosen = spread(pi, points, rng)
    if progress is not None:
        progress(pi.size)
    return chosen


@dataclass(frozen=True)
class Plan:
    """A design fixed on a frame: π, strata and coordinates, ready to draw again and again
    (simulations draw thousands of samples from one plan without touching pandas)."""

    design: str
    pi: np.ndarray
    strata: tuple[np.ndarray, ...]
    allocation: pd.Series
    population: pd.Series
    sphere: np.ndarray | None = None
    points: np.ndarray | None = None
    balance: np.ndarray | None = None

    def positions(
        self, random: RandomState = None, progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        """Sorted frame positions of one sample drawn stratum by stratum."""
        rng = as_generator(random)
        chosen = [
            rows[
                select(
                    self.design,
                    self.pi[rows],
                    rng,
                    sphere=None if self.sphere is None else self.sphere[rows],
                    points=None if self.points is None else self.points[rows],
                    balance=None if self.balance is None else self.balance[rows],
                    progress=progress,
                )
            ]
            for rows in self.strata
        ]
        return np.sort(np.concatenate(chosen)) if chosen else np.array([], dtype=np.int64)


@dataclass(frozen=True)
class Draw:
    """The drawn sample (frame rows plus `pi` and `weight`) and the plan it came from."""

    sample: pd.DataFrame
    plan: Plan
    positions: np.ndarray  # frame row positions of the sample, ascending

    @property
    def allocation(self) -> pd.Series:
        return self.plan.allocation

    @property
    def population(self) -> pd.Series:
        return self.plan.population


def plan(
    data: Frame | pd.DataFrame,
    n: int,
    design: str = "srs",
    *,
    strata: str | list[str] | None = None,
    allocation: str = "proportional",
    sd: dict | None = None,
    cost: dict | None = None,
    minimum: int | dict = 0,
    maximum: int | dict | None = None,
    size: str | None = None,
    balance: list[str] | None = None,
    latitude: str | None = None,
    longitude: str | None = None,
    x: str | None = None,
    y: str | None = None,
) -> Plan:
    """Fix `design` with total size `n` on a frame, stratified when `strata` is given.

    π is n_h/N_h in each stratum, or proportional to the `size` column (certainty units
    capped at 1). Coordinates come from the Frame's spec unless named here; `balance`
    names the numeric columns the cube method balances on.
    """
    if design not in DESIGNS:
        raise _unknown_design(design)
    table = data.data if isinstance(data, Frame) else data
    if isinstance(data, Frame):
        spec = data.spec
        latitude, longitude = latitude or spec.latitude, longitude or spec.longitude
        x, y = x or spec.x, y or spec.y
    sphere, points = _coordinates(table, design, latitude, longitude, x, y)
    keys = [strata] if isinstance(strata, str) else list(strata or [])
    label = _stratum_labels(table, keys)
    population = label.value_counts(sort=False).sort_index()
    sizes = allocate(population, n, allocation, sd=sd, cost=cost, minimum=minimum, maximum=maximum)
    pi = np.zeros(len(table))
    groups = pd.Series(np.arange(len(table))).groupby(label.to_numpy(), sort=True)
    rows_by_stratum = []
    for stratum, rows in groups:
        rows = rows.to_numpy()
        n_h = int(sizes[stratum])
        if size is None:
            pi[rows] = n_h / rows.size
        else:
            pi[rows] = inclusion_probabilities(table[size].to_numpy(float)[rows], n_h)
        rows_by_stratum.append(rows)
    balancing = None
    if design == "cube" and balance:
        missing = [c for c in balance if c not in table.columns]
        if missing:
            raise missing_columns(missing, table.columns)
        balancing = table[list(balance)].to_numpy(float)
        _require_finite(balancing, "cube")
    return Plan(design, pi, tuple(rows_by_stratum), sizes, population, sphere, points, balancing)


def draw(
    data: Frame | pd.DataFrame,
    n: int,
    design: str = "srs",
    *,
    random: RandomState = None,
    progress: Callable[[int], None] | None = None,
    **options,
) -> Draw:
    """Draw one sample; `options` are those of `plan`. `progress` is told how many frame
    units each piece of work has settled (for a progress bar)."""
    fixed = plan(data, n, design, **options)
    positions = fixed.positions(random, progress)
    table = data.data if isinstance(data, Frame) else data
    sample = table.iloc[positions].copy()
    sample[PI] = fixed.pi[positions]
    sample[WEIGHT] = 1.0 / fixed.pi[positions]
    return Draw(sample=sample, plan=fixed, positions=positions)


def _stratum_labels(table: pd.DataFrame, keys: list[str]) -> pd.Series:
    missing = [k for k in keys if k not in table.columns]
    if missing:
        raise missing_columns(missing, table.columns)
    if not keys:
        return pd.Series(["all"] * len(table), index=table.index)
    if len(keys) == 1:
        return table[keys[0]].astype(str)
    return table[keys].astype(str).agg(" / ".join, axis=1)


def _coordinates(
    table: pd.DataFrame,
    design: str,
    latitude: str | None,
    longitude: str | None,
    x: str | None,
    y: str | None,
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """3-D unit vectors and a 2-D plane for geographic frames; x/y as given when projected."""
    if design not in SPATIAL:
        return None, None
    if latitude and longitude:
        lat, lon = table[latitude].to_numpy(float), table[longitude].to_numpy(float)
        _require_finite(np.column_stack((lat, lon)), design)
        return unit_vectors(lat, lon), plane(lat, lon)
    if x and y:
        xy = table[[x, y]].to_numpy(float)
        _require_finite(xy, design)
        return xy, xy
    raise SamplingError.one(
        ErrorCode.DESIGN_INPUT,
        N_("invalid design input: %(design)s needs latitude/longitude or x/y"),
        design=design,
    )


def _require_finite(values: np.ndarray, design: str) -> None:
    if not np.all(np.isfinite(values)):
        raise SamplingError.one(
            ErrorCode.DESIGN_INPUT,
            N_("invalid design input: %(design)s needs every value filled in"),
            design=design,
        )


def _unknown_design(design: str) -> SamplingError:
    return SamplingError.one(
        ErrorCode.DESIGN_INPUT,
        N_("invalid design input: design %(design)r; use one of %(designs)s"),
        design=design,
        designs=DESIGNS,
    )
