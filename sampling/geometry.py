"""Coordinates for distance-based designs.

Latitude/longitude become points on the unit sphere, so Euclidean (chord) distance is a
monotone function of great-circle distance and nearest neighbours are the true ones, with
no seam at the antimeridian and no stretching near the poles.
"""

from __future__ import annotations

import numpy as np


def unit_vectors(latitude: np.ndarray, longitude: np.ndarray) -> np.ndarray:
    """(N, 3) array of points on the unit sphere."""
    lat = np.radians(np.asarray(latitude, dtype=float))
    lon = np.radians(np.asarray(longitude, dtype=float))
    cos_lat = np.cos(lat)
    return np.column_stack((cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)))


def plane(latitude: np.ndarray, longitude: np.ndarray) -> np.ndarray:
    """(N, 2) equirectangular projection about the mean latitude, for 2-D curve orders."""
    lat = np.asarray(latitude, dtype=float)
    lon = np.asarray(longitude, dtype=float)
    return np.column_stack((lon * np.cos(np.radians(lat.mean())), lat))
