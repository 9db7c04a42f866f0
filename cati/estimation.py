"""Design-based estimates of a project's data, with the design the sample file described.

The design is the project's (``cati.project_design``: PSU, stratum, fpc, replicate weights,
sample variables imported with the sample) or one named on the command line
(``cati.stats.specification``); with ``weighted`` it is weighted to the project's targets
with the project's weighting options as a calibrated design, so the standard errors know
the calibration (a raked variable's own shares have SE 0). Each result states the variance
method it used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from cati import dataset, project_design, weighting_targets
from cati.errors import CatiError, ErrorCode
from cati.models import Project
from cati.stats.errors import StatsError
from cati.stats.estimates import survey_mean
from cati.stats.specification import DesignSpec


@dataclass(frozen=True)
class Estimates:
    table: pd.DataFrame  # per estimate: mean, se, low, high, n
    variance_method: str
    degrees_of_freedom: int


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
    spec: DesignSpec | None = None,
    *,
    weighted: bool = False,
    level: float = 0.95,
) -> Estimates:
    """Means and shares of the completed interviews, with t intervals on the design's df;
    ``spec`` None is the project's design."""
    frame = dataset.build(session, project).frame
    design = project_design.report_design(project, frame, weighted=weighted, spec=spec)
    df = design.degrees_of_freedom
    rows = []
    try:
        for request in requests:
            est = survey_mean(design, _column(frame, request), level=level, df=df)
            rows.append((request, est.value, est.se, est.low, est.high, est.n))
    except StatsError as exc:
        raise CatiError(ErrorCode.ESTIMATE_FAILED, reason=exc.problem.message) from None
    table = pd.DataFrame(rows, columns=["estimate", "mean", "se", "low", "high", "n"])
    options = project_design.options_of(project) if weighted else None
    method = project_design.variance_method(design, options, "en")
    return Estimates(table.set_index("estimate"), method, df)
