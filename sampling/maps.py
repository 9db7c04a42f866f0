"""A map of frame and sample for the researcher: frame in grey, sample in red (SVG or PNG)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

# Huge frames are thinned for the picture only; 100,000 grey dots already read as density.
MAX_FRAME_POINTS = 100_000


def plot_sample(
    frame_lon: np.ndarray,
    frame_lat: np.ndarray,
    sample_lon: np.ndarray,
    sample_lat: np.ndarray,
    path: str | Path,
    *,
    title: str = "",
    seed: int = 0,
    geographic: bool = True,
) -> Path:
    """Write the map to `path`; the suffix (.svg or .png) picks the format. Coordinates are
    longitude/latitude, or projected x/y (metres alike on both axes) when not `geographic`."""
    import matplotlib

    matplotlib.use("Agg")  # no display on servers; must precede pyplot
    import matplotlib.pyplot as plt

    path = Path(path)
    frame_lon, frame_lat = np.asarray(frame_lon), np.asarray(frame_lat)
    if frame_lon.size > MAX_FRAME_POINTS:
        keep = np.random.default_rng(seed).choice(frame_lon.size, MAX_FRAME_POINTS, replace=False)
        frame_lon, frame_lat = frame_lon[keep], frame_lat[keep]
    with plt.rc_context({"svg.fonttype": "none"}):
        fig, ax = plt.subplots(figsize=(8, 6))
        ax.scatter(frame_lon, frame_lat, s=1, c="0.75", linewidths=0, label="frame")
        ax.scatter(sample_lon, sample_lat, s=3, c="#c0392b", linewidths=0, label="sample")
        if geographic:
            mean_lat = float(np.nanmean(frame_lat)) if frame_lat.size else 0.0
            ax.set_aspect(1 / max(np.cos(np.radians(mean_lat)), 0.1))  # undistorted shapes
            ax.set_xlabel("longitude")
            ax.set_ylabel("latitude")
        else:
            ax.set_aspect(1)
            ax.set_xlabel("x")
            ax.set_ylabel("y")
        ax.legend(loc="lower right", markerscale=4)
        if title:
            ax.set_title(title)
        fig.tight_layout()
        fig.savefig(path)
        plt.close(fig)
    return path
