"""A design named by columns of the data, as a researcher supplies them with the sample.

Sample files may carry any extra column (``cati/fieldwork/sample_import.py`` keeps them as
sample variables and the data set has them as columns): a PSU, a stratum, an fpc, or the
replicate weights a panel provider delivers (``repw1`` … ``repw80``). :class:`DesignSpec` names
them and :func:`build_design` turns a data set's frame into the matching design. Values read
from a file may be text: they are converted to numbers, and a cell that is not one is an error
naming the column.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cati.problems import N_, Place
from cati.stats.design import LonelyPsu, SurveyDesign
from cati.stats.errors import ErrorCode, StatsError, require_columns
from cati.stats.replicates import ReplicateDesign, ReplicateType
from cati.stats.variance import Design


@dataclass(frozen=True)
class DesignSpec:
    """Column names of a design; ``replicate_prefix`` selects replicate-weight columns."""

    weights: str | None = None
    strata: str | None = None
    psu: tuple[str, ...] = ()
    fpc: tuple[str, ...] = ()
    lonely_psu: LonelyPsu = "fail"
    replicate_prefix: str | None = None
    replicate_type: ReplicateType = "JK1"
    rho: float | None = None
    scale: float | None = None


def replicate_columns(frame: pd.DataFrame, prefix: str) -> list[str]:
    """Columns named prefix + a number, in the number's order (repw2 before repw10)."""
    found = [
        (int(c[len(prefix) :]), c)
        for c in map(str, frame.columns)
        if c.startswith(prefix) and c[len(prefix) :].isdigit()
    ]
    return [c for _, c in sorted(found)]


def _numeric(frame: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    out = frame.copy()
    for name in names:
        converted = pd.to_numeric(out[name], errors="coerce")
        bad = converted.isna() & out[name].notna()
        if bad.any():
            raise StatsError(
                ErrorCode.DESIGN_COLUMN,
                N_("value %(value)r is not a number"),
                Place(column=name),
                value=out[name][bad].iloc[0],
            )
        out[name] = converted
    return out


def build_design(frame: pd.DataFrame, spec: DesignSpec) -> Design:
    """The Taylor design, or the replicate design when ``replicate_prefix`` is given."""
    if spec.replicate_prefix is not None:
        names = replicate_columns(frame, spec.replicate_prefix)
        if not names or spec.weights is None:
            raise StatsError(
                ErrorCode.REPLICATE_WEIGHTS,
                N_(
                    "a replicate design needs a weight column and columns %(prefix)s1, %(prefix)s2…"
                ),
                prefix=spec.replicate_prefix,
            )
        numbers = _numeric(frame, [spec.weights, *names])
        return ReplicateDesign.from_frame(
            numbers,
            weights=spec.weights,
            replicate_weights=names,
            type=spec.replicate_type,
            rho=spec.rho,
            scale=spec.scale,
        )
    numeric = [c for c in (spec.weights, *spec.fpc) if c is not None]
    require_columns(frame.columns, numeric)
    return SurveyDesign.from_frame(
        _numeric(frame, numeric),
        weights=spec.weights,
        strata=spec.strata,
        ids=list(spec.psu) or None,
        fpc=list(spec.fpc) or None,
        lonely_psu=spec.lonely_psu,
    )
