"""Design-based estimates of a project's data, with the design the sample file described.

The researcher names the design's columns (PSU, stratum, fpc, replicate weights: sample
variables imported with the sample, see ``cati.stats.specification``); with ``weighted`` the
design is raked to the project's weighting targets as a calibrated design, so the standard
errors know the raking (a raked variable's own shares have SE 0). Each result states the
variance method it used.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from cati import dataset, weighting_targets
from cati.errors import CatiError, ErrorCode
from cati.models import Project
from cati.stats.calibration import rake_design
from cati.stats.errors import StatsError
from cati.stats.estimates import survey_mean
from cati.stats.specification import DesignSpec, build_design
from cati.stats.variance import Design

RAKE_EPSILON = 1e-10  # as a share of the total weight: rake to convergence


@dataclass(frozen=True)
class Estimates:
    table: pd.DataFrame  # per estimate: mean, se, low, high, n
    variance_method: str
    degrees_of_freedom: int


def _counts(targets: Mapping[str, Mapping[str, float]], total: float) -> dict:
    """Every margin as population counts (shares scaled to the population, else to Σw)."""
    population = weighting_targets.population(targets) or total
    out = {}
    for name, cells in targets.items():
        s = sum(cells.values())
        share = any(abs(s - scale) <= 1e-6 * scale for scale in (1.0, 100.0))
        out[name] = {k: v / s * population if share else v for k, v in cells.items()}
    return out


def _column(frame: pd.DataFrame, request: str) -> np.ndarray:
    """``name`` is a numeric column's mean; ``name=value`` the share of that category."""
    name, _, value = request.partition("=")
    if name not in frame.columns:
        raise CatiError(ErrorCode.ESTIMATE_FAILED, reason=f"{name} is not a variable of the data")
    if not value:
        return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)
    keys = frame[name].map(weighting_targets.category_key)
    return np.where(keys.isna(), np.nan, (keys == value).astype(float))


def estimate(
    session: Session,
    project: Project,
    requests: Sequence[str],
    spec: DesignSpec,
    *,
    weighted: bool = False,
    level: float = 0.95,
) -> Estimates:
    """Means and shares of the completed interviews, with t intervals on the design's df."""
    data = dataset.build(session, project)
    frame = data.frame
    try:
        design: Design = build_design(frame, spec)
        if weighted:
            targets = project.weighting_targets or {}
            if not targets:
                raise CatiError(
                    ErrorCode.WEIGHTING_FAILED, reason="the project has no weighting targets"
                )
            margins = pd.DataFrame(
                {n: frame[n].map(weighting_targets.category_key) for n in targets}
            )
            counts = _counts(targets, float(design.weights.sum()))
            design = rake_design(design, margins, counts, epsilon=RAKE_EPSILON, max_iterations=1000)
        df = design.degrees_of_freedom
        rows = []
        for request in requests:
            est = survey_mean(design, _column(frame, request), level=level, df=df)
            rows.append((request, est.value, est.se, est.low, est.high, est.n))
    except StatsError as exc:
        raise CatiError(ErrorCode.ESTIMATE_FAILED, reason=exc.problem.message) from None
    table = pd.DataFrame(rows, columns=["estimate", "mean", "se", "low", "high", "n"])
    return Estimates(table.set_index("estimate"), design.variance_method, df)
