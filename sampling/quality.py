"""How good a drawn sample is: spatial balance and stratum composition.

Spatial balance (Stevens & Olsen 2004, JASA 99:262-278): give every frame unit to its
nearest sample unit (the sample's Voronoi cells on the frame) and add up the π of the
units in each cell, v_i. A perfectly spread sample has every v_i = 1;
SB = (1/n) Σ (v_i − 1)² is 0 for perfect balance and grows as the sample clumps.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from sampling.designs import plan
from sampling.geometry import unit_vectors


def spatial_balance(coords: np.ndarray, pi: np.ndarray, selected: np.ndarray) -> float:
    """Voronoi SB of the sample `selected` (positions) from a frame with coordinates/π."""
    coords = np.asarray(coords, dtype=float)
    selected = np.asarray(selected)
    _, nearest = cKDTree(coords[selected]).query(coords, k=1)
    v = np.bincount(nearest, weights=np.asarray(pi, dtype=float), minlength=selected.size)
    return float(np.mean((v - 1.0) ** 2))


def composition(population: pd.Series, allocation: pd.Series) -> pd.DataFrame:
    """Per stratum: frame count and share, sample count and share, and the sampling fraction."""
    table = pd.DataFrame({"frame": population, "sample": allocation}).fillna(0)
    table["frame_share"] = table["frame"] / table["frame"].sum()
    total = table["sample"].sum()
    table["sample_share"] = table["sample"] / total if total else 0.0
    table["fraction"] = table["sample"] / table["frame"]
    return table


def empty_strata(table: pd.DataFrame) -> list[str]:
    """The strata of a `composition` table allotted no unit (a small stratum rounded to 0,
    as Ceuta and Melilla in a proportional allocation of Spain): estimates cannot cover them."""
    return [str(stratum) for stratum in table.index[table["sample"] == 0]]


def shares_beside_frame(
    frame_values: pd.Series, sample_values: pd.Series, weights: pd.Series
) -> pd.DataFrame:
    """Per category of one column: its share of the frame, of the sample, and of the sample
    weighted by 1/π (the Hájek estimate of the frame share, near it when the draw is sound)."""
    weights = pd.Series(np.asarray(weights, dtype=float), index=sample_values.index)
    table = pd.DataFrame(
        {
            "frame_share": frame_values.value_counts(normalize=True),
            "sample_share": sample_values.value_counts(normalize=True),
            "weighted_share": weights.groupby(sample_values).sum() / weights.sum(),
        }
    )
    return table.fillna(0.0).sort_index()


def balance_beside_reference(
    frame, result, settings: dict, rng: np.random.Generator
) -> tuple[float, float, str]:
    """SB of a drawn sample and of a reference draw (SRS, or systematic πps) with the same
    allocation, from the same frame: (SB, reference SB, reference design)."""
    spec = frame.spec
    data = frame.data
    coords = (
        unit_vectors(data[spec.latitude], data[spec.longitude])
        if spec.latitude
        else data[[spec.x, spec.y]].to_numpy(float)
    )
    fixed = result.plan
    sb = spatial_balance(coords, fixed.pi, result.positions)
    reference = "systematic" if settings.get("size") else "srs"
    reference_plan = plan(frame, int(fixed.allocation.sum()), reference, **settings)
    reference_sb = spatial_balance(coords, reference_plan.pi, reference_plan.positions(rng))
    return sb, reference_sb, reference
