"""IANA time zones from coordinates (timezonefinder's polygons) and checks on given names."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

import numpy as np
from timezonefinder import TimezoneFinder


@cache
def _finder() -> TimezoneFinder:
    # Loading the polygons costs a fraction of a second; do it once per process.
    return TimezoneFinder()


@cache
def known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def zones_at(latitude: np.ndarray, longitude: np.ndarray) -> list[str | None]:
    """The IANA zone of each point (None over the open sea)."""
    finder = _finder()
    return [
        finder.timezone_at(lng=lon, lat=lat)
        for lat, lon in zip(latitude.tolist(), longitude.tolist(), strict=True)
    ]
