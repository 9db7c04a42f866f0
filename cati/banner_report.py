"""The banner book of a project: each question of the data set as the rows its type needs.

Choices become one row per answer; a rating or grid scale lists every point, empty ones
too, then top-2 and bottom-2 boxes and the mean of the scale points (Don't know and
Refused are no score), and a 0–10 rating adds the Net Promoter Score. A number becomes its
mean, median and standard deviation, with optional bands (``parse_bands``). Open texts
and dates are not tabulated.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from cati import dataset
from cati.stats.banner import Band, BannerVariable, Net, Question, banner_table
from cati.stats.significance import TestSettings
from cati.stats.variance import Design
from exports.banner_book import write_banner_book
from exports.i18n import words
from exports.pdf import ReportInfo
from exports.topline import special_labels
from questionnaires.model import Grid, Numeric, Rating
from questionnaires.variables import is_dichotomy

Bands = Mapping[str, tuple[Band, ...]]

_NUMBER = r"-?\d+(?:\.\d+)?"
_BAND = re.compile(rf"^({_NUMBER})?-({_NUMBER})?$")


def parse_bands(text: str) -> dict[str, tuple[Band, ...]]:
    """``"age=18-34,35-54,55-; spend=-99.99,100-"`` → bands per numeric variable.

    ``low-high`` counts both ends; an empty end is open.
    """
    bands: dict[str, tuple[Band, ...]] = {}
    for spec in filter(None, (s.strip() for s in text.split(";"))):
        name, _, ranges = spec.partition("=")
        parsed = []
        for part in filter(None, (r.strip() for r in ranges.split(","))):
            match = _BAND.match(part)
            if not match or match.groups() == (None, None):
                raise ValueError(f"band {part!r} of {name.strip()!r} is not low-high")
            low, high = (float(g) if g is not None else None for g in match.groups())
            label = f"{low:g}–{high:g}" if low is not None and high is not None else ""
            label = label or (f"{low:g}+" if low is not None else f"≤ {high:g}")
            parsed.append(Band(label, low, high))
        if not name.strip() or not parsed:
            raise ValueError(f"bands {spec!r} are not variable=low-high,…")
        bands[name.strip()] = tuple(parsed)
    return bands


def column_tests(levels: str = "95/90", adjustment: str = "none") -> TestSettings:
    """``"95/90"`` and ``"fdr"`` (one of ``cati.reporting.BANNER_LEVELS`` and
    ``BANNER_ADJUSTMENTS``) → the settings of the column tests."""
    high, _, low = levels.partition("/")
    return TestSettings(
        high_level=int(high) / 100,
        low_level=int(low) / 100 if low else None,
        adjustment=adjustment,  # type: ignore[arg-type]
    )


def _scale_question(
    c: dataset.ColumnMeta, points: list[int], special: dict[int, str], w: dict[str, str], nps: bool
) -> Question:
    labels = {p: f"{p} ({c.value_labels[p]})" if p in c.value_labels else str(p) for p in points}
    categories = tuple((float(k), v) for k, v in [*labels.items(), *sorted(special.items())])
    nets: tuple[Net, ...] = ()
    if len(points) >= 4:  # two boxes of two points that do not overlap
        top, bottom = points[-2:], points[:2]
        nets = (
            Net(w["top_box"].format(points=f"{top[0]}–{top[1]}"), tuple(map(float, top))),
            Net(
                w["bottom_box"].format(points=f"{bottom[0]}–{bottom[1]}"), tuple(map(float, bottom))
            ),
        )
    scale = tuple(map(float, points))
    return Question(
        c.name, c.label, "single", categories, nets=nets, mean=True, scale=scale, nps=nps
    )


def banner_questions(
    data: dataset.Dataset, language: str = "en", bands: Bands | None = None
) -> list[Question]:
    """Every closed question as banner-book rows (see the module), in questionnaire order."""
    asked = data.questionnaire.plan.questions
    w = words(language)
    questions: list[Question] = []
    multi: dict[str, list[Any]] = {}
    for c in data.columns:
        if c.source != "question" or c.kind != "numeric":
            continue
        question = asked[c.question_id].question if c.question_id in asked else None
        special = special_labels(data.questionnaire, language, question) if question else {}
        if is_dichotomy(c.value_labels):
            multi.setdefault(c.question_id or c.name, []).append(c)
        elif isinstance(question, Numeric) or (question is None and not c.value_labels):
            questions.append(
                Question(c.name, c.label, "numeric", bands=(bands or {}).get(c.name, ()))
            )
        elif isinstance(question, Rating):
            points = list(range(question.min, question.max + 1))
            nps = question.nps or (question.min, question.max) == (0, 10)
            questions.append(_scale_question(c, points, special, w, nps))
        elif isinstance(question, Grid) and not question.multiple:
            points = sorted(k for k in c.value_labels if k not in special)
            questions.append(_scale_question(c, points, special, w, False))
        else:
            # codes of another questionnaire version may lack a label: their value names them
            observed = pd.to_numeric(data.frame[c.name], errors="coerce").dropna().unique()
            codes = {float(v): f"{v:g}" for v in observed if v not in special}
            codes |= {float(k): v for k, v in c.value_labels.items() if k not in special}
            ordered = sorted(codes.items())
            ordered += [(float(k), v) for k, v in sorted(special.items()) if k in c.value_labels]
            categories = tuple(ordered)
            questions.append(Question(c.name, c.label, "single", categories))
    for qid, members in multi.items():
        label = members[0].label.split(": ", 1)[0]
        options = tuple((m.name, m.label.split(": ", 1)[-1]) for m in members)
        questions.append(Question(qid, label, "multi", options=options))
    order: dict[str, int] = {}
    for i, c in enumerate(data.columns):
        order.setdefault(c.name, i)
        order.setdefault(c.question_id or c.name, i)
    return sorted(
        questions, key=lambda q: order.get(q.name, order.get(q.name.rsplit("_", 1)[0], 0))
    )


def write_project_banner(
    data: dataset.Dataset,
    frame: pd.DataFrame,
    info: ReportInfo,
    out: Path,
    *,
    banner: Sequence[str],
    design: Design | None = None,
    bands: Bands | None = None,
    settings: TestSettings | None = None,
    **options: Any,
) -> int:
    """Tabulate ``frame`` (the data set's numbers as numbers) against ``banner`` on the
    report's ``design`` (its weights; unweighted without); returns the number of pages."""
    frame = frame.copy()
    known = {c.name for c in data.columns}
    for name in [*banner, *(bands or {})]:
        if name not in known:
            raise ValueError(f"banner variable {name!r} is not in the data")
    variables = []
    for name in banner:
        meta = data.meta(name)
        categories = tuple(
            (float(k), v) for k, v in meta.value_labels.items() if k not in meta.missing
        )
        variables.append(BannerVariable(name, meta.label, categories))
        if meta.missing:  # Don't know and Refused are no banner column
            frame[name] = frame[name].where(~frame[name].isin(meta.missing))
    questions = banner_questions(data, info.language, bands)
    for q in questions:
        if q.kind == "numeric":  # Don't know and Refused are codes outside the answers
            frame[q.name] = frame[q.name].where(~frame[q.name].isin(data.meta(q.name).missing))
    table = banner_table(frame, questions, variables, design=design, settings=settings)
    names = {v.name: v.label for v in variables}
    return write_banner_book(table, info, out, variable_labels=names, **options)
