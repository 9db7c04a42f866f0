"""Replicates: a sample split into k random parts released to fieldwork one after another.

Each replicate must be a miniature of the whole sample so that stopping after any number
of replicates still leaves a sample balanced by stratum and, for spread samples, in space.
Units are listed stratum by stratum, in a randomised Hilbert-curve order within each
stratum when coordinates are given (random order otherwise), and dealt out like cards:
position t goes to replicate order[(start + t) mod k], with a random start and a random
order of the k labels. Every unit is equally likely to land in each replicate, each
replicate's count in every stratum differs from the others' by at most one, and each
replicate takes every k-th unit along the curve, so it is spread as the sample is.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cati.problems import N_
from sampling.errors import ErrorCode, SamplingError
from sampling.randomness import RandomState, as_generator
from sampling.spacefilling import random_curve_order

REPLICATE = "replicate"


def assign_replicates(
    sample: pd.DataFrame,
    k: int,
    *,
    strata: str | list[str] | None = None,
    points: np.ndarray | None = None,
    random: RandomState = None,
) -> pd.DataFrame:
    """The sample with a `replicate` column 1..k; replicates are released in that order."""
    if not 1 <= k <= max(len(sample), 1):
        raise SamplingError.one(
            ErrorCode.DESIGN_INPUT,
            N_("invalid design input: %(k)s replicates for %(units)s units"),
            k=k,
            units=len(sample),
        )
    rng = as_generator(random)
    keys = [strata] if isinstance(strata, str) else list(strata or [])
    labels = (
        sample[keys].astype(str).agg(" / ".join, axis=1).to_numpy()
        if keys
        else np.zeros(len(sample), dtype=int)
    )
    listing = []
    for stratum in np.unique(labels):
        rows = np.flatnonzero(labels == stratum)
        if points is not None and rows.size > 1:
            rows = rows[random_curve_order(np.asarray(points)[rows], rng)]
        else:
            rows = rng.permutation(rows)
        listing.append(rows)
    order = np.concatenate(listing) if listing else np.array([], dtype=int)
    deal = rng.permutation(k) + 1
    replicate = np.empty(len(sample), dtype=int)
    replicate[order] = deal[(rng.integers(k) + np.arange(order.size)) % k]
    out = sample.copy()
    out[REPLICATE] = replicate
    return out


def release_plan(sample: pd.DataFrame, strata: str | None = None) -> pd.DataFrame:
    """Release order with the size of each replicate (and its strata counts when asked)."""
    if strata is None:
        table = sample.groupby(REPLICATE).size().to_frame("units")
    else:
        table = pd.crosstab(sample[REPLICATE], sample[strata])
        table.insert(0, "units", table.sum(axis=1))
    table.index.name = "release_order"
    return table
