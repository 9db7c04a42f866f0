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
