"""A project's sample design and weighting options, and the design its reports estimate on.

The researcher names the sample's design columns once (``Project.design``): a stratum, the
PSU of each stage (with their fpc) and a prefix of replicate-weight columns with their type
(:class:`DesignSettings`); the sample files are checked for them at import. The weighting
options (``Project.weighting_options``, :class:`WeightingOptions`) choose raking (optionally
bounded) or post-stratification to the project's targets and a trimming of the result, as
R survey's ``trimWeights``. :func:`report_design` turns a data set into the design toplines,
banner books and ``cati estimate`` use: the design weights, strata, PSUs or replicates and,
when weighted, the calibration, so every standard error is calibration-aware; the design
states its variance method in the report's language (:func:`variance_method`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any, get_args

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from cati import audit, weighting_targets
from cati.errors import CatiError, CatiErrors, ErrorCode
from cati.models import Project, User
from cati.problems import N_, Place, Problem
from cati.stats.calibration import calibrate, poststratify_design, rake_design
from cati.stats.design import LONELY_PSU
from cati.stats.errors import StatsError
from cati.stats.replicates import ReplicateDesign, ReplicateType
from cati.stats.specification import DesignSpec, build_design, replicate_columns
from cati.stats.variance import Design
from cati.stats.weighting import trim_weights_equally

DESIGN_WEIGHT = "design_weight"  # the sample's weight column, as the data set names it
REPLICATE_TYPES: tuple[str, ...] = get_args(ReplicateType)
METHODS = ("rake", "poststratify")
RAKE_EPSILON = 1e-10  # as a share of the total weight: rake to convergence
RAKE_ITERATIONS = 1000


class SettingsError(CatiErrors):
    """Settings with problems, each naming its field (``Place.column``); nothing is stored."""


@dataclass(frozen=True)
class DesignSettings:
    """Sample columns of the design; empty means simple random sampling (with the weights)."""

    strata: str = ""
    psu: tuple[str, ...] = ()  # one column per stage, PSU first
    fpc: tuple[str, ...] = ()  # population size (or fraction) per stage
    lonely_psu: str = "fail"
    replicates: str = ""  # prefix of the replicate-weight columns (repw → repw1, repw2 …)
    replicate_type: str = "JK1"
    rho: float | None = None  # Fay's factor
    scale: float | None = None  # overrides the type's scale

    def columns(self) -> list[str]:
        """The single columns the sample must have (replicate columns go by their prefix)."""
        return [c for c in (self.strata, *self.psu, *self.fpc) if c]

    def spec(self) -> DesignSpec:
        return DesignSpec(
            weights=DESIGN_WEIGHT,
            strata=self.strata or None,
            psu=self.psu,
            fpc=self.fpc,
            lonely_psu=self.lonely_psu,  # type: ignore[arg-type]
            replicate_prefix=self.replicates or None,
            replicate_type=self.replicate_type,  # type: ignore[arg-type]
            rho=self.rho,
            scale=self.scale,
        )


@dataclass(frozen=True)
class WeightingOptions:
    """How the design weights are weighted to the targets, then trimmed.

    ``bounds`` keep each raked/starting weight ratio inside (low, high): bounded raking as
    R's ``calibrate(calfun="raking", bounds=)``;
    ``trim`` are absolute weight bounds, the excess shared equally over the other weights
    until none is outside (R ``trimWeights(strict=TRUE)``).
    """

    method: str = "rake"
    bounds: tuple[float, float] | None = None
    trim: tuple[float, float] | None = None


def _problem(field: str, template: str, **params: Any) -> Problem:
    return Problem(ErrorCode.DESIGN_INVALID, template, params, Place(column=field))


def _names(text: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in text.replace(",", " ").split() if n.strip())


def _number(form: Mapping[str, str], field: str, problems: list[Problem]) -> float | None:
    text = (form.get(field) or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        problems.append(_problem(field, N_("%(value)r is not a number above 0"), value=text))
        return None
    return value


def parse_design(form: Mapping[str, str], known: Iterable[str] = ()) -> DesignSettings:
    """Settings from a form's text fields; ``known`` are the sample's columns (when a sample
    is imported, a column outside them is refused). Raises :class:`SettingsError`."""
    known = set(known)
    problems: list[Problem] = []
    strata = (form.get("strata") or "").strip()
    psu, fpc = _names(form.get("psu") or ""), _names(form.get("fpc") or "")
    if known:
        for field, names in (("strata", (strata,) if strata else ()), ("psu", psu), ("fpc", fpc)):
            for name in names:
                if name not in known:
                    template = N_("%(column)r is not a column of the sample (%(columns)s)")
                    columns = ", ".join(sorted(known))
                    problems.append(_problem(field, template, column=name, columns=columns))
    if len(fpc) > max(len(psu), 1):
        problems.append(_problem("fpc", N_("give at most one fpc column per stage")))
    lonely = form.get("lonely_psu") or "fail"
    if lonely not in LONELY_PSU:
        problems.append(_problem("lonely_psu", N_("choose one of the options")))
    prefix = (form.get("replicates") or "").strip()
    kind = form.get("replicate_type") or "JK1"
    if kind not in REPLICATE_TYPES:
        problems.append(_problem("replicate_type", N_("choose one of the options")))
    if prefix and known and not any(replicate_columns(pd.DataFrame(columns=list(known)), prefix)):
        problems.append(
            _problem(
                "replicates",
                N_("the sample has no columns %(prefix)s1, %(prefix)s2…"),
                prefix=prefix,
            )
        )
    if prefix and (strata or psu or fpc):
        template = N_("replicate weights carry the design: leave strata, PSU and fpc empty")
        problems.append(_problem("replicates", template))
    rho, scale = _number(form, "rho", problems), _number(form, "scale", problems)
    if rho is not None and not rho < 1:
        problems.append(_problem("rho", N_("Fay's factor is below 1")))
    if rho is not None and kind != "Fay":
        problems.append(_problem("rho", N_("Fay's factor is for the Fay type only")))
    if rho is None and kind == "Fay" and prefix:
        problems.append(_problem("rho", N_("give Fay's factor, e.g. 0.5")))
    if problems:
        raise SettingsError(problems)
    return DesignSettings(strata, psu, fpc, lonely, prefix, kind, rho, scale)


def _pair(
    form: Mapping[str, str], low: str, high: str, problems: list[Problem]
) -> tuple[float, float] | None:
    a, b = _number(form, low, problems), _number(form, high, problems)
    if a is None and b is None:
        return None
    return (a or 0.0, b or math.inf)


def parse_options(form: Mapping[str, str]) -> WeightingOptions:
    """Weighting options from a form's fields; raises :class:`SettingsError`."""
    problems: list[Problem] = []
    method = form.get("method") or "rake"
    if method not in METHODS:
        problems.append(_problem("method", N_("choose one of the options")))
    bounds = _pair(form, "bound_low", "bound_high", problems)
    if bounds is not None and not bounds[0] < 1 < bounds[1]:
        template = N_("the lower bound is below 1 and the upper bound above 1")
        problems.append(_problem("bound_low" if bounds[0] >= 1 else "bound_high", template))
    if bounds is not None and method == "poststratify":
        template = N_("bounds are for raking; post-stratification meets its cells exactly")
        problems.append(_problem("bound_low", template))
    trim = _pair(form, "trim_low", "trim_high", problems)
    if trim is not None and not trim[0] < trim[1]:
        problems.append(_problem("trim_high", N_("the upper limit is above the lower limit")))
    if problems:
        raise SettingsError(problems)
    return WeightingOptions(method, bounds, trim)


def sample_columns(session: Session, project: Project) -> list[str]:
    """The sample variables imported so far, as the data set names them."""
    known = weighting_targets.weighting_variables(session, project).values()
    return [v.name for v in known if v.source == "sample"]


def describe(settings: DesignSettings, options: WeightingOptions) -> list[tuple[str, str]]:
    """(setting, value) pairs for a listing; unset ones are left out."""
    pairs = [(k, v) for k, v in asdict(settings).items() if v not in ("", (), None)]
    pairs += [(k, v) for k, v in asdict(options).items() if v is not None]
    return [(k, " ".join(map(str, v)) if isinstance(v, tuple) else str(v)) for k, v in pairs]


def design_of(project: Project) -> DesignSettings:
    stored = dict(project.design or {})
    for key in ("psu", "fpc"):
        stored[key] = tuple(stored.get(key) or ())
    return DesignSettings(**stored)


def options_of(project: Project) -> WeightingOptions:
    stored = dict(project.weighting_options or {})
    for key in ("bounds", "trim"):
        if stored.get(key) is not None:
            stored[key] = tuple(math.inf if v is None else v for v in stored[key])
    return WeightingOptions(**stored)


def _stored(value: Any) -> Any:
    """JSON has no infinity: an open upper limit is stored as null."""
    if isinstance(value, tuple):
        return [None if isinstance(v, float) and math.isinf(v) else v for v in value]
    return value


def set_design(
    session: Session, project: Project, settings: DesignSettings, *, by: User | None = None
) -> None:
    project.design = {k: _stored(v) for k, v in asdict(settings).items()}
    audit.record(session, "design.settings", user=by, object_type="project", object_id=project.id)
    session.commit()


def set_options(
    session: Session, project: Project, options: WeightingOptions, *, by: User | None = None
) -> None:
    project.weighting_options = {k: _stored(v) for k, v in asdict(options).items()}
    audit.record(session, "weighting.options", user=by, object_type="project", object_id=project.id)
    session.commit()


# --- the design of the estimates -----------------------------------------------------------


def trim_design(design: Design, trim: tuple[float, float]) -> Design:
    """R's ``trimWeights(strict=TRUE)``: new weights (every replicate's too); a Taylor design
    keeps its calibrations for the variance, as R keeps them."""
    low, high = trim

    def trimmed(w: np.ndarray) -> np.ndarray:
        return trim_weights_equally(w, lower=low, upper=high, strict=True)

    if isinstance(design, ReplicateDesign):
        reps = np.column_stack([trimmed(c) for c in design.replicate_weights.T])
        return replace(design, weights=trimmed(design.weights), replicate_weights=reps)
    return replace(design, weights=trimmed(design.weights))


def report_design(
    project: Project, frame: pd.DataFrame, *, weighted: bool, spec: DesignSpec | None = None
) -> Design:
    """The design of the project's estimates on ``frame`` (the data set's rows): the
    project's design settings (or ``spec``), weighted to the targets with the project's
    options when ``weighted``. Problems are CatiErrors."""
    frame = frame.assign(**{DESIGN_WEIGHT: weighting_targets.design_start(frame)})
    settings = design_of(project)
    if spec is None:  # without settings and targets a report is unweighted, as it always was
        spec = settings.spec() if weighted or settings != DesignSettings() else DesignSpec()
    try:
        design = build_design(frame, spec)
    except StatsError as exc:
        raise CatiError(ErrorCode.ESTIMATE_FAILED, reason=exc.problem.message) from None
    if not weighted:
        return design
    try:
        return _weigh(design, frame, project)
    except StatsError as exc:
        raise CatiError(ErrorCode.WEIGHTING_FAILED, reason=exc.problem.message) from None


def check_targets(
    session: Session, project: Project, known: Mapping[str, weighting_targets.WeightingVariable]
) -> weighting_targets.TargetCheck | None:
    """The weighting page's check: the completes against the targets, and the efficiency of
    the weights the project's option (raking, bounded raking, post-stratification, trimming)
    gives them."""

    def weigh(frame: pd.DataFrame) -> np.ndarray:
        spec = DesignSpec(weights=DESIGN_WEIGHT)  # the weights alone: no design columns needed
        return report_design(project, frame, weighted=True, spec=spec).weights

    return weighting_targets.check(session, project, known, weigh)


def _weigh(design: Design, frame: pd.DataFrame, project: Project) -> Design:
    targets = project.weighting_targets or {}
    if not targets:
        raise CatiError(ErrorCode.WEIGHTING_FAILED, reason="the project has no weighting targets")
    options = options_of(project)
    margins = weighting_targets.margins(frame, targets)
    counts = weighting_targets.as_counts(targets, float(design.weights.sum()))
    if options.method == "poststratify":
        if len(targets) > 1:
            reason = "post-stratification uses the targets of one variable: rake for several"
            raise CatiError(ErrorCode.WEIGHTING_FAILED, reason=reason)
        ((name, cells),) = counts.items()
        design = poststratify_design(design, margins, name, cells)
    elif options.bounds is not None:  # R's calibrate(calfun="raking", bounds=)
        design = calibrate(design, margins, counts, calfun="raking", bounds=options.bounds)
    else:
        design = rake_design(
            design, margins, counts, epsilon=RAKE_EPSILON, max_iterations=RAKE_ITERATIONS
        )
    if options.trim is not None:
        design = trim_design(design, options.trim)
    return design


# --- what a report says of it --------------------------------------------------------------

WORDS = {
    "en": {
        "srs": "Simple random sample (no design)",
        "taylor": "Taylor linearisation",
        "weights": "design weights (with-replacement approximation)",
        "stratified": "stratified",
        "clustered": "clustered ({psus} PSUs)",
        "stages": "{stages} stages",
        "fpc": "finite population correction",
        "raked": "raked (calibration-aware)",
        "raked with bounds": "raked with bounds (calibration-aware)",
        "post-stratified": "post-stratified (calibration-aware)",
        "replicates": "{type} replicate weights ({r} replicates)",
        "recalibrated": "{how}, every replicate reweighted",
        "rake": "raked",
        "poststratify": "post-stratified",
        "trimmed": "weights trimmed to {low:g}–{high:g}",
    },
    "es": {
        "srs": "Muestreo aleatorio simple (sin diseño)",
        "taylor": "Linealización de Taylor",
        "weights": "pesos de diseño (aproximación con reemplazo)",
        "stratified": "estratificado",
        "clustered": "por conglomerados ({psus} UPM)",
        "stages": "{stages} etapas",
        "fpc": "corrección por población finita",
        "raked": "raking (varianza con la calibración)",
        "raked with bounds": "raking con límites (varianza con la calibración)",
        "post-stratified": "postestratificado (varianza con la calibración)",
        "replicates": "Pesos replicados {type} ({r} réplicas)",
        "recalibrated": "{how}, cada réplica reponderada",
        "rake": "raking",
        "poststratify": "postestratificado",
        "trimmed": "pesos recortados a {low:g}–{high:g}",
    },
}


def _varies(weights: np.ndarray) -> bool:
    return bool(weights.size) and bool(weights.max() > weights.min())


def is_simple(design: Design, options: WeightingOptions | None) -> bool:
    """A simple random sample: one stage of elements, no strata, weights or correction."""
    if isinstance(design, ReplicateDesign):
        return False
    first = design.stages[0]
    single = first.elements and not first.has_fpc and len(design.stratum_labels) == 1
    return single and options is None and not _varies(design.weights)


def variance_method(design: Design, options: WeightingOptions | None, language: str) -> str:
    """How the report's standard errors were estimated, in ``language`` (en or es).

    ``options`` are the weighting options when the design is weighted to targets."""
    w = WORDS["es" if language == "es" else "en"]
    parts: list[str] = []
    if isinstance(design, ReplicateDesign):
        parts.append(w["replicates"].format(type=design.type, r=design.replicate_weights.shape[1]))
        if options is not None:
            how = w["rake"] if options.method == "rake" else w["poststratify"]
            parts.append(w["recalibrated"].format(how=how))
    else:
        first = design.stages[0]
        if is_simple(design, options):
            return w["srs"]
        parts.append(w["taylor"])
        if len(design.stratum_labels) > 1:
            parts.append(w["stratified"])
        if not first.elements:
            parts.append(w["clustered"].format(psus=design.psu_count))
        if len(design.stages) > 1 and design.stages[1].has_fpc:
            parts.append(w["stages"].format(stages=len(design.stages)))
        if first.has_fpc:
            parts.append(w["fpc"])
        if not design.calibrations and _varies(design.weights):
            parts.append(w["weights"])
        parts += [w[c.method] for c in design.calibrations if c.method in w]
    if options is not None and options.trim is not None:
        parts.append(w["trimmed"].format(low=options.trim[0], high=options.trim[1]))
    return ", ".join(parts)


# --- the sample file -------------------------------------------------------------------------


def check_sample(
    settings: DesignSettings, rows: list[tuple[int, Mapping[str, Any]]], file_name: str
) -> list[Problem]:
    """Problems of a sample's rows (row number, sample variables) with the design columns:
    a column missing, a value of an fpc or replicate weight that is not a number ≥ 0."""
    present = set().union(*(values for _, values in rows)) if rows else set()
    problems = [
        Problem(
            ErrorCode.SAMPLE_COLUMN_MISSING,
            N_("column %(column)s of the project's design is missing"),
            {"column": name},
            Place(file=file_name, column=name),
        )
        for name in settings.columns()
        if name not in present
    ]
    replicates = (
        replicate_columns(pd.DataFrame(columns=sorted(present)), settings.replicates)
        if settings.replicates
        else []
    )
    if settings.replicates and not replicates:
        problems.append(
            Problem(
                ErrorCode.SAMPLE_COLUMN_MISSING,
                N_(
                    "columns %(prefix)s1, %(prefix)s2… (the design's replicate weights) are missing"
                ),
                {"prefix": settings.replicates},
                Place(file=file_name),
            )
        )
    numeric = [c for c in (*settings.fpc, *replicates) if c in present]
    for row, values in rows:
        for name in numeric:
            value = values.get(name)
            try:
                number = float(str(value).strip().replace(",", "."))
            except ValueError:
                number = math.nan
            if not (math.isfinite(number) and number >= 0):
                problems.append(
                    Problem(
                        ErrorCode.SAMPLE_ROW_INVALID,
                        N_("%(value)r is not a number of 0 or more, as the design needs"),
                        {"value": value},
                        Place(file=file_name, row=row, column=name),
                    )
                )
    return problems
