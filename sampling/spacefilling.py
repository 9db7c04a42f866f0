"""A randomised Hilbert-curve order of points in the plane, for the fast spread design.

Points close along a Hilbert curve are close in the plane, so ordered pivotal sampling
along it behaves like a local pivotal method at the cost of a sort. As in GRTS (Stevens &
Olsen 2004) the order is randomised so that no unit pair is always split by a cell edge:
the grid is shifted at random, one of the 8 symmetries of the square is applied, and units
sharing a cell are put in random order.
"""

from __future__ import annotations

import numpy as np

LEVELS = 16  # at most a 65,536 × 65,536 grid: cells of ~15 m across Spain


def hilbert_index(x: np.ndarray, y: np.ndarray, levels: int = LEVELS) -> np.ndarray:
    """Distance along the Hilbert curve of integer cells (x, y) in [0, 2**levels)².

    The classic quadrant recursion: at each scale s the quadrant adds s²·((3·rx) ^ ry) and
    the coordinates are rotated/reflected so the sub-curve starts where the parent expects.
    """
    x = np.asarray(x, dtype=np.int64).copy()
    y = np.asarray(y, dtype=np.int64).copy()
    d = np.zeros(x.size, dtype=np.int64)
    side = np.int64(1) << levels
    s = side >> 1
    while s > 0:
        rx = (x & s) > 0
        ry = (y & s) > 0
        d += s * s * ((3 * rx.astype(np.int64)) ^ ry.astype(np.int64))
        flip = ~ry & rx
        x = np.where(flip, side - 1 - x, x)
        y = np.where(flip, side - 1 - y, y)
        swap = ~ry
        x, y = np.where(swap, y, x), np.where(swap, x, y)
        s >>= 1
    return d


def random_curve_order(points: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A permutation of the rows of `points` (N, 2) along a randomised Hilbert curve."""
    pts = np.asarray(points, dtype=float)
    lo = pts.min(axis=0)
    extent = float(np.max(pts.max(axis=0) - lo)) or 1.0
    # The data fill half the grid's side, placed at a random offset inside it.
    scaled = (pts - lo) / (2.0 * extent) + rng.uniform(0.0, 0.5, size=2)
    # About 64 grid cells per point is detail enough, and small frames then skip most levels.
    levels = int(min(LEVELS, max(4, np.ceil(np.log2(max(pts.shape[0], 1)) / 2) + 3)))
    top = (1 << levels) - 1
    cells = np.minimum((scaled * (1 << levels)).astype(np.int64), top)
    x, y = cells[:, 0], cells[:, 1]
    if rng.random() < 0.5:
        x, y = y, x
    if rng.random() < 0.5:
        x = top - x
    if rng.random() < 0.5:
        y = top - y
    return np.lexsort((rng.random(pts.shape[0]), hilbert_index(x, y, levels)))
