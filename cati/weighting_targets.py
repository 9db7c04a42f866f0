"""A project's population targets for raking, their check against the sample, and the weight.

Targets are stored on the project as ``{variable: {category: target}}``. A variable is a
column of the data set: a single-choice question (categories are its codes) or a sample
variable (categories are its values as text). Each variable's targets are shares (summing to
1 or 100) or counts; counts of several variables must describe the same population. The
raked weight starts from the design weights, so the sample design is kept and the margins
are corrected (``cati.stats.weighting.rake``).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cati import audit, dataset
from cati.errors import CatiError, CatiErrors, ErrorCode, problem
from cati.models import Case, Project, QuestionnaireVersion, User
from cati.problems import N_, Place, Problem
from cati.questionnaire_store import questionnaire_of
from cati.stats.weighting import (
    SHARE_TOLERANCE,
    kish_effective_base,
    weighting_efficiency,
)
from questionnaires.variables import variables

WEIGHT = "weight"
CSV_COLUMNS = ("variable", "category", "target")
MAX_CATEGORY_CHARS = 100
# Sample variables are read from this many cases; a file gives every case the same columns.
SAMPLE_KEYS_FROM = 200
MAX_CATEGORIES_OFFERED = 60


class TargetsError(CatiErrors):
    """Targets with problems; ``problems`` lists each one with its place. Nothing is stored."""


@dataclass(frozen=True)
class WeightingVariable:
    name: str  # the data set's column name
    label: str
    source: str  # "question" or "sample"
    categories: tuple[tuple[str, str], ...] = ()  # (category, label) of a question's codes


@dataclass(frozen=True)
class TargetRow:
    """One target as typed or read: ``place`` is where it came from (a file's row, a form's)."""

    variable: str
    category: str
    target: str
    place: Place
    index: int = 0


def category_key(value: Any) -> str | None:
    """A data value as the text of a category: 2.0 and 2 are "2"; missing is None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _sample_keys(session: Session, project: Project) -> list[str]:
    keys: dict[str, None] = {}
    for (values,) in session.execute(
        select(Case.sample_vars)
        .where(Case.project_id == project.id)
        .order_by(Case.id)
        .limit(SAMPLE_KEYS_FROM)
    ):
        keys.update(dict.fromkeys(values or {}))
    return list(keys)


def weighting_variables(session: Session, project: Project) -> dict[str, WeightingVariable]:
    """The variables targets may be set for: single-choice questions, then sample variables."""
    found: dict[str, WeightingVariable] = {}
    if project.questionnaire_version_id is not None:
        questionnaire = questionnaire_of(
            session.get(QuestionnaireVersion, project.questionnaire_version_id)
        )
        for v in variables(questionnaire):
            question = questionnaire.plan.questions[v.question_id].question
            if question.type == "single":
                codes = tuple((str(code), label) for code, label in v.value_labels.items())
                found[v.name] = WeightingVariable(v.name, v.label, "question", codes)
    # The data set renames a sample variable that clashes with a question variable.
    for key in _sample_keys(session, project):
        name = f"sample_{key}" if key in found else key
        found[name] = WeightingVariable(name, key, "sample")
    return found


def sample_categories(session: Session, project: Project, variable: WeightingVariable) -> list[str]:
    """The values a sample variable takes among the project's cases, most frequent first."""
    key = variable.label
    value = Case.sample_vars[key].as_string()
    rows = session.execute(
        select(value, func.count())
        .where(Case.project_id == project.id, value.is_not(None))
        .group_by(value)
        .order_by(func.count().desc(), value)
        .limit(MAX_CATEGORIES_OFFERED)
    )
    return [str(v) for v, _ in rows]


def target_problem(
    place: Place, column: str | None, template: str, index: int = 0, **params: Any
) -> Problem:
    """A problem with a target at `place`, in `column` (variable, category or target);
    `index` is the form's row, where the web shows it."""
    where = replace(place, column=column)
    return Problem(ErrorCode.TARGET_INVALID, template, {**params, "index": index}, where)


def _sums_to_a_share(total: float) -> bool:
    return any(abs(total - scale) <= SHARE_TOLERANCE * scale for scale in (1.0, 100.0))


def check_rows(
    rows: Iterable[TargetRow], known: Mapping[str, WeightingVariable]
) -> dict[str, dict[str, float]]:
    """Targets from rows, every problem found named by its place; raises :class:`TargetsError`."""
    problems: list[Problem] = []
    targets: dict[str, dict[str, float]] = {}
    first_place: dict[str, Place] = {}
    for row in rows:
        variable = known.get(row.variable.strip())
        category = row.category.strip()
        if variable is None:
            template = (
                N_("%(variable)r is not one of %(choices)s")
                if known
                else N_("%(variable)r: no variable yet (pin a questionnaire or import a sample)")
            )
            problems.append(
                target_problem(
                    row.place,
                    "variable",
                    template,
                    row.index,
                    variable=row.variable,
                    choices=", ".join(known),
                )
            )
            continue
        codes = dict(variable.categories)
        if not category:
            problems.append(target_problem(row.place, "category", N_("give a category"), row.index))
            continue
        if len(category) > MAX_CATEGORY_CHARS:
            template = N_("at most %(most)s characters")
            problems.append(
                target_problem(row.place, "category", template, row.index, most=MAX_CATEGORY_CHARS)
            )
            continue
        if codes and category not in codes:
            problems.append(
                target_problem(
                    row.place,
                    "category",
                    N_("%(category)r is not a code of %(variable)s (%(codes)s)"),
                    row.index,
                    category=category,
                    variable=variable.name,
                    codes=", ".join(codes),
                )
            )
            continue
        try:
            target = float(row.target.strip().replace(",", "."))
        except ValueError:
            target = math.nan
        if not math.isfinite(target) or target < 0:
            template = N_("%(target)r is not a number of 0 or more")
            problems.append(
                target_problem(row.place, "target", template, row.index, target=row.target)
            )
            continue
        cells = targets.setdefault(variable.name, {})
        first_place.setdefault(variable.name, row.place)
        if category in cells:
            problems.append(
                target_problem(
                    row.place,
                    "category",
                    N_("%(variable)s %(category)s is given twice"),
                    row.index,
                    variable=variable.name,
                    category=category,
                )
            )
            continue
        cells[category] = target
    counts: dict[str, float] = {}
    for name, cells in targets.items():
        total = sum(cells.values())
        if total <= 0:
            template = N_("the targets of %(variable)s sum to 0")
            problems.append(target_problem(first_place[name], "target", template, variable=name))
        elif not _sums_to_a_share(total):
            counts[name] = total
    first, first_total = next(iter(counts.items()), ("", 0.0))
    unequal = [(n, t) for n, t in counts.items() if not math.isclose(t, first_total, rel_tol=1e-6)]
    if unequal:
        name, total = unequal[0]
        template = N_(
            "the counts of %(variable)s sum to %(total)s but those of %(first)s to "
            "%(first_total)s; counts must describe the same population (or give shares)"
        )
        problems.append(
            target_problem(
                first_place[name],
                "target",
                template,
                variable=name,
                total=f"{total:g}",
                first=first,
                first_total=f"{first_total:g}",
            )
        )
    if problems:
        raise TargetsError(problems)
    return targets


def read_csv(content: bytes, file_name: str) -> list[TargetRow]:
    """Rows of a targets file (columns variable, category, target); row 1 is the header."""
    not_utf8 = TargetsError(
        [
            target_problem(
                Place(file=file_name), None, N_("the file is not UTF-8 text (save it as CSV UTF-8)")
            )
        ]
    )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise not_utf8 from None
    if "\x00" in text:  # UTF-16 (Excel's "Unicode text") decodes as UTF-8 with NULs between
        raise not_utf8
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    try:
        return _rows(csv.reader(io.StringIO(text), delimiter=delimiter), file_name)
    except csv.Error as exc:  # a line break inside an unquoted field, and the like
        raise TargetsError(
            [
                target_problem(
                    Place(file=file_name),
                    None,
                    N_("the file cannot be read as CSV: %(reason)s"),
                    reason=str(exc),
                )
            ]
        ) from None


def _rows(reader: Iterator[list[str]], file_name: str) -> list[TargetRow]:
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise TargetsError(
            [
                problem(ErrorCode.TARGET_COLUMN_MISSING, Place(file=file_name), column=c)
                for c in missing
            ]
        )
    where = {c: header.index(c) for c in CSV_COLUMNS}
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        values = {c: cells[i] if i < len(cells) else "" for c, i in where.items()}
        rows.append(TargetRow(**values, place=Place(file=file_name, row=number), index=number))
    if not rows:
        raise TargetsError(
            [target_problem(Place(file=file_name), None, N_("the file has no targets"))]
        )
    return rows


def set_targets(
    session: Session,
    project: Project,
    targets: Mapping[str, Mapping[str, float]],
    *,
    replace_all: bool,
    by: User | None = None,
) -> None:
    """Store checked targets: all of them (a file) or those of the variables given (a form)."""
    kept = {} if replace_all else dict(project.weighting_targets or {})
    kept.update({name: dict(cells) for name, cells in targets.items()})
    project.weighting_targets = kept
    audit.record(
        session,
        "weighting.targets",
        user=by,
        object_type="project",
        object_id=project.id,
        variables=sorted(targets),
        replace_all=replace_all,
    )
    session.commit()


def remove_variable(
    session: Session, project: Project, name: str, *, by: User | None = None
) -> None:
    project.weighting_targets = {
        k: v for k, v in (project.weighting_targets or {}).items() if k != name
    }
    audit.record(
        session,
        "weighting.remove",
        user=by,
        object_type="project",
        object_id=project.id,
        variable=name,
    )
    session.commit()


def margins(frame: pd.DataFrame, targets: Mapping[str, Mapping[str, float]]) -> pd.DataFrame:
    """The targets' variables of ``frame`` as category texts (:func:`category_key`)."""
    missing = [name for name in targets if name not in frame.columns]
    if missing:
        raise CatiError(
            ErrorCode.WEIGHTING_FAILED, reason=f"{missing[0]} is not a variable of the data"
        )
    return pd.DataFrame({name: frame[name].map(category_key) for name in targets})


def population(targets: Mapping[str, Mapping[str, float]]) -> float | None:
    """The population the counts describe; None when every variable is given as shares."""
    totals = (sum(cells.values()) for cells in targets.values())
    return next((t for t in totals if not _sums_to_a_share(t)), None)


def as_counts(targets: Mapping[str, Mapping[str, float]], total: float) -> dict:
    """Every margin as population counts: shares scaled to the population the counts
    describe, else to ``total`` (the design weights' sum)."""
    scale = population(targets) or total
    return {
        name: {k: v / sum(cells.values()) * scale for k, v in cells.items()}
        if _sums_to_a_share(sum(cells.values()))
        else dict(cells)
        for name, cells in targets.items()
    }


def design_start(frame: pd.DataFrame) -> np.ndarray:
    """The design weights to start from; a case imported without one counts 1."""
    return pd.to_numeric(frame["design_weight"], errors="coerce").fillna(1.0).to_numpy()


def with_weight(
    data: dataset.Dataset, weights: np.ndarray, targets: Mapping[str, Mapping[str, float]]
) -> dataset.Dataset:
    """The data set with ``weights`` (fitted to ``targets``) as the column ``weight``."""
    frame = data.frame.copy()
    frame[WEIGHT] = weights
    label = "Weight: design weight raked to " + ", ".join(targets)
    columns = [*data.columns, dataset.ColumnMeta(WEIGHT, label[:250], "numeric", source="paradata")]
    return replace(data, frame=frame, columns=columns)


@dataclass(frozen=True)
class CategoryCheck:
    category: str
    label: str
    completes: int
    sample_share: float  # unweighted share of the completes
    target_share: float


@dataclass(frozen=True)
class WeightsSummary:
    """What weighting does to the completes: Kish's effective base, its share of the
    completes and the smallest and largest final/design weight ratio."""

    effective_base: float
    efficiency: float
    weight_ratio_range: tuple[float, float]


@dataclass(frozen=True)
class TargetCheck:
    completes: int
    variables: dict[str, list[CategoryCheck]]
    report: WeightsSummary | None  # None when the targets cannot be met
    problem: str = ""


def check(
    session: Session,
    project: Project,
    known: Mapping[str, WeightingVariable],
    weigh: Callable[[pd.DataFrame], np.ndarray],
) -> TargetCheck | None:
    """Achieved sample against targets and the efficiency of the weights ``weigh`` gives the
    completes (the project's weighting option, ``cati.project_design.check_targets``); None
    without completes."""
    targets = project.weighting_targets or {}
    if not targets or project.questionnaire_version_id is None:
        return None
    data = dataset.build(session, project, only=set(targets))
    if data.frame.empty:
        return None
    per_variable: dict[str, list[CategoryCheck]] = {}
    n = len(data.frame)
    for name, cells in targets.items():
        keys = (
            data.frame[name].map(category_key)
            if name in data.frame.columns
            else pd.Series([None] * n)
        )
        counts = keys.value_counts()
        total = sum(cells.values())
        labels = dict(known[name].categories) if name in known else {}
        per_variable[name] = [
            CategoryCheck(
                category,
                labels.get(category, category),
                int(counts.get(category, 0)),
                int(counts.get(category, 0)) / n,
                target / total,
            )
            for category, target in cells.items()
        ]
    try:
        weights = weigh(data.frame)
    except CatiError as exc:
        return TargetCheck(n, per_variable, None, str(exc.params["reason"]))
    start = design_start(data.frame)
    ratio = weights[start > 0] / start[start > 0]
    summary = WeightsSummary(
        kish_effective_base(weights),
        weighting_efficiency(weights),
        (float(ratio.min()), float(ratio.max())),
    )
    return TargetCheck(n, per_variable, summary)
