"""Draw a sample from a frame table in one call: the wiring `cati sample draw` and the
researcher's browser both use, so the same frame, settings and seed give the same sample
(and the same replicates) from either.

Randomness comes from one Generator seeded once and consumed in a fixed order: the draw,
then the replicates, then the reference draw for the spatial balance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cati.problems import N_
from sampling.designs import Draw, draw
from sampling.errors import ErrorCode, SamplingError
from sampling.frames import Frame, FrameSpec
from sampling.quality import balance_beside_reference, composition
from sampling.replicates import assign_replicates
from sampling.tables import columns_for


@dataclass(frozen=True)
class DrawSettings:
    """What the researcher chose, beside the frame: the design and how big, how split."""

    n: int
    design: str = "lpm2"
    allocation: str = "proportional"
    sd_from: str | None = None  # numeric column whose S_h drives Neyman allocation
    minimum: int = 0
    maximum: int | None = None
    size: str | None = None
    balance: tuple[str, ...] = ()
    seed: int | None = None
    replicates: int | None = None

    @property
    def numeric_columns(self) -> tuple[str, ...]:
        """Columns the frame must read as numbers for these settings."""
        return tuple(c for c in (self.size, self.sd_from, *self.balance) if c)


@dataclass
class DrawnSample:
    """The drawn sample (with `replicate` when asked) and what the researcher judges it by."""

    frame: Frame
    result: Draw
    sample: pd.DataFrame
    settings: DrawSettings
    design_options: dict = field(repr=False)
    rng: np.random.Generator = field(repr=False)

    @property
    def has_coordinates(self) -> bool:
        return self.frame.spec.latitude is not None or self.frame.spec.x is not None

    def composition(self) -> pd.DataFrame:
        return composition(self.result.population, self.result.allocation)

    def balance(self) -> tuple[float, float, str]:
        """SB of the sample beside that of an SRS (or systematic πps) with the same
        allocation: (SB, reference SB, reference design); lower is better spread."""
        return balance_beside_reference(self.frame, self.result, self.design_options, self.rng)

    def frame_points(self) -> np.ndarray:
        return plane_points(self.frame.data, self.frame.spec)

    def sample_points(self) -> np.ndarray:
        return plane_points(self.sample, self.frame.spec)


def coordinate_columns(
    columns, latitude: str | None = None, longitude: str | None = None
) -> tuple[str | None, str | None]:
    """The latitude/longitude columns as named, else found by their aliases (`lat`,
    `Latitud`, `lon`, `Longitud`…: sampling.tables.ALIASES) when the file has both."""
    if latitude or longitude:
        return latitude, longitude
    found = columns_for(columns, "latitude")[:1], columns_for(columns, "longitude")[:1]
    return (found[0][0], found[1][0]) if all(found) else (None, None)


def draw_sample(
    frame: Frame, settings: DrawSettings, progress: Callable[[int], None] | None = None
) -> DrawnSample:
    """Draw `settings.n` units from the validated frame, stratified by the spec's strata."""
    strata = list(frame.spec.strata) or None
    rng = np.random.default_rng(settings.seed)
    options = dict(
        strata=strata,
        allocation=settings.allocation,
        sd=_stratum_sd(frame, strata, settings.sd_from, settings.allocation),
        minimum=settings.minimum,
        maximum=settings.maximum,
        size=settings.size,
        balance=list(settings.balance),
    )
    result = draw(frame, settings.n, settings.design, random=rng, progress=progress, **options)
    sample = result.sample
    spec = frame.spec
    if settings.replicates:
        points = plane_points(sample, spec) if spec.latitude or spec.x else None
        sample = assign_replicates(
            sample, settings.replicates, strata=strata, points=points, random=rng
        )
    return DrawnSample(frame, result, sample, settings, options, rng)


def _stratum_sd(frame: Frame, strata, column: str | None, allocation: str) -> dict | None:
    """Per-stratum standard deviation of `column`, as Neyman allocation needs."""
    if allocation != "neyman":
        return None
    if not column or not strata:
        raise SamplingError.one(
            ErrorCode.DESIGN_INPUT,
            N_("invalid design input: Neyman allocation needs strata and a column for S_h"),
        )
    labels = frame.data[strata].astype(str).agg(" / ".join, axis=1)
    return frame.data[column].groupby(labels).std(ddof=1).fillna(0.0).to_dict()


def plane_points(table: pd.DataFrame, spec: FrameSpec) -> np.ndarray:
    """(lon, lat) or (x, y) of each row, as maps and the curve order want them."""
    if spec.latitude:
        return table[[spec.longitude, spec.latitude]].to_numpy(float)
    return table[[spec.x, spec.y]].to_numpy(float)
