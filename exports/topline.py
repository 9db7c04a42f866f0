"""Topline report: per question a chart and its frequency table (weighted %, 95% CI, base).

Built from the data frame, the column descriptions and the questionnaire, so it needs
nothing from the database. Single choices and ratings get bars (an NPS question its NPS
chart), multiple choices bars of the share choosing each option, grids one stacked 100%
bar per item, numbers their mean, open questions a few verbatims.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd
from markupsafe import Markup

from cati.stats.design import SurveyDesign
from cati.stats.estimates import Estimate, net_promoter, survey_mean, survey_shares
from cati.stats.variance import Design
from cati.stats.weighting import kish_effective_base
from exports import charts
from exports.columns import ColumnLike, without_placeholders
from exports.i18n import words
from exports.pdf import ENV, ReportInfo, Section, render_report
from questionnaires.answers import data_codes
from questionnaires.model import AnyQuestion, Grid, Questionnaire, Rating, text_in
from questionnaires.variables import special_labels_in

VERBATIMS = 12
HISTOGRAM_BINS = 10


@dataclass
class Row:
    label: str
    count: int
    percent: float
    low: float
    high: float


@dataclass
class Base:
    unweighted: int
    weighted: float
    effective: float


@dataclass
class ToplineQuestion:
    """One question's table and chart, ready for the template."""

    id: str
    title: str
    kind: str  # bars, stacked, nps, mean, verbatim
    base: Base
    rows: list[Row] = field(default_factory=list)
    chart: str | None = None
    items: list[str] = field(default_factory=list)  # grid items
    categories: list[str] = field(default_factory=list)  # grid scale
    matrix: list[list[float]] = field(default_factory=list)  # item × category %
    estimate: Estimate | None = None  # NPS or mean
    verbatims: list[str] = field(default_factory=list)


def _base(valid: np.ndarray, w: np.ndarray) -> Base:
    return Base(int(valid.sum()), float(w[valid].sum()), kish_effective_base(w[valid]))


def _share_rows(
    labels: Sequence[str], hits: np.ndarray, valid: np.ndarray, design: Design
) -> tuple[list[Row], Base]:
    """Rows of weighted shares; ``hits`` is respondents × rows of 0/1. Each interval is R's
    ``svyciprop(method="logit")`` on the design: the design-based SE, a t quantile on the
    design's degrees of freedom (on a replicate design the logit refitted per replicate)."""
    w = design.weights
    base = _base(valid, w)
    rows = []
    if not labels or base.weighted <= 0:
        return [Row(label, 0, np.nan, np.nan, np.nan) for label in labels], base
    shares = pd.DataFrame(np.where(valid[:, None], hits, np.nan).astype(float))
    estimates = survey_shares(design, shares, df=design.degrees_of_freedom)
    for k, label in enumerate(labels):
        p, low, high = (float(estimates[c].iloc[k]) for c in ("mean", "low", "high"))
        rows.append(Row(label, int((hits[:, k] & valid).sum()), 100 * p, 100 * low, 100 * high))
    return rows, base


def special_labels(
    questionnaire: Questionnaire, language: str, question: AnyQuestion
) -> dict[int, str]:
    """The question's special codes (Don't know, Refused, Timed out) → their labels in
    ``language``: the same codes the data files write."""
    built_in = special_labels_in(language)
    return {code: built_in[kind] for kind, code in data_codes(questionnaire, question).items()}


class _Builder:
    def __init__(
        self,
        frame: pd.DataFrame,
        questionnaire: Questionnaire,
        design: Design,
        lang: str,
        palette: charts.Palette,
    ) -> None:
        self.frame = frame
        self.palette = palette
        self.q = questionnaire
        self.lang = lang
        self.design = design
        self.w = design.weights

    def text(self, value: object) -> str:
        """A questionnaire text in the report's language, its piping placeholders as
        stand-ins (``{nps}`` reads ``[NPS answer]``)."""
        text = " ".join(text_in(value, self.lang, self.q.language).split())
        return without_placeholders(text, self.q)

    def special(self, question: AnyQuestion) -> dict[int, str]:
        return special_labels(self.q, self.lang, question)

    def numbers(self, name: str) -> np.ndarray:
        return pd.to_numeric(self.frame[name], errors="coerce").to_numpy(dtype=float)

    def categories(self, question: AnyQuestion, values: np.ndarray) -> list[tuple[float, str]]:
        options = getattr(question, "options", None) or getattr(question, "scale", None)
        if options:
            cats = [(float(o.code), self.text(o.label)) for o in options]
        elif isinstance(question, Rating):
            cats = []
            for point in range(question.min, question.max + 1):
                label = str(point)
                if point == question.min and question.min_label:
                    label = f"{point} {self.text(question.min_label)}"
                if point == question.max and question.max_label:
                    label = f"{point} {self.text(question.max_label)}"
                cats.append((float(point), label))
        else:
            cats = [(v, f"{v:g}") for v in sorted(set(values[~np.isnan(values)]))]
        known = {c for c, _ in cats}
        present = set(values[~np.isnan(values)])
        cats += [
            (float(c), lb)
            for c, lb in self.special(question).items()
            if c in present and c not in known
        ]
        return cats

    def single(self, qid: str, title: str, question: object, column: str) -> ToplineQuestion:
        values = self.numbers(column)
        cats = self.categories(question, values)
        valid = ~np.isnan(values)
        hits = (
            np.column_stack([values == c for c, _ in cats])
            if cats
            else np.zeros((len(values), 0), bool)
        )
        rows, base = _share_rows([lb for _, lb in cats], hits, valid, self.design)
        if isinstance(question, Rating) and question.nps:
            scores = np.where(valid, values, np.nan)
            df = self.design.degrees_of_freedom
            estimate = net_promoter(self.design, scores, df=df) if base.unweighted > 1 else None
            on_scale = valid & (values >= 0) & (values <= 10)
            total = self.w[on_scale].sum()
            share = [
                100 * self.w[on_scale & m].sum() / total if total else 0.0
                for m in (values <= 6, (values >= 7) & (values <= 8), values >= 9)
            ]
            score = estimate.value if estimate else share[2] - share[0]
            chart = charts.nps(share[0], share[1], share[2], score, self.palette)
            return ToplineQuestion(qid, title, "nps", base, rows, chart, estimate=estimate)
        chart = charts.bars([r.label for r in rows], [r.percent for r in rows], self.palette)
        return ToplineQuestion(qid, title, "bars", base, rows, chart)

    def multiple(
        self, qid: str, title: str, question: object, columns: list[str]
    ) -> ToplineQuestion:
        data = np.column_stack([self.numbers(c) for c in columns])
        valid = ~np.isnan(data).all(axis=1)
        labels = [self.text(o.label) for o in question.options][: len(columns)]  # type: ignore[attr-defined]
        rows, base = _share_rows(labels, np.nan_to_num(data) == 1, valid, self.design)
        chart = charts.bars([r.label for r in rows], [r.percent for r in rows], self.palette)
        return ToplineQuestion(qid, title, "bars", base, rows, chart)

    def grid(self, qid: str, title: str, question: Grid, columns: list[str]) -> ToplineQuestion:
        blocks = [self.numbers(c) for c in columns]
        cats = self.categories(question, np.concatenate(blocks))
        items = [self.text(i.label) for i in question.items][: len(columns)]
        matrix, bases = [], []
        for values in blocks:
            valid = ~np.isnan(values)
            hits = np.column_stack([values == c for c, _ in cats])
            rows, base = _share_rows([lb for _, lb in cats], hits, valid, self.design)
            matrix.append([r.percent for r in rows])
            bases.append(base)
        scale = [lb for _, lb in cats]
        special = self.special(question)
        on_scale = [k for k, (c, _) in enumerate(cats) if c not in special]
        chart = charts.stacked(
            items,
            [scale[k] for k in on_scale],
            [[row[k] for k in on_scale] for row in matrix],
            self.palette,
        )
        first = bases[0] if bases else Base(0, 0.0, 0.0)
        return ToplineQuestion(
            qid, title, "stacked", first, chart=chart, items=items, categories=scale, matrix=matrix
        )

    def numeric(self, qid: str, title: str, question: AnyQuestion, column: str) -> ToplineQuestion:
        values = self.numbers(column)
        special = np.isin(values, list(self.special(question)))
        valid = ~np.isnan(values) & ~special
        base = _base(valid, self.w)
        estimate, chart = None, None
        if base.unweighted > 1:
            df = self.design.degrees_of_freedom
            estimate = survey_mean(self.design, np.where(valid, values, np.nan), df=df)
            # The weighted distribution in at most ten equal bins.
            bins = min(HISTOGRAM_BINS, len(np.unique(values[valid])))
            counts, edges = np.histogram(values[valid], bins=bins, weights=self.w[valid])
            labels = [f"{a:.4g}–{b:.4g}" for a, b in pairwise(edges)]
            chart = charts.bars(labels, list(100 * counts / counts.sum()), self.palette)
        return ToplineQuestion(qid, title, "mean", base, chart=chart, estimate=estimate)

    def verbatim(self, qid: str, title: str, column: str) -> ToplineQuestion:
        series = self.frame[column]
        answered = series.notna() & (series.astype(str).str.strip() != "")
        texts = [str(v) for v in series[answered].head(VERBATIMS)]
        return ToplineQuestion(
            qid, title, "verbatim", _base(answered.to_numpy(), self.w), verbatims=texts
        )


def build_topline(
    frame: pd.DataFrame,
    columns: Sequence[ColumnLike],
    questionnaire: Questionnaire,
    *,
    design: Design | None = None,
    language: str = "en",
    palette: charts.Palette = charts.HOUSE,
) -> list[ToplineQuestion]:
    """One entry per question of ``questionnaire`` with data, in questionnaire order (the
    columns of questions only an older version asked stay in the data files). Estimates are
    on ``design`` (its weights, strata, PSUs or replicates, calibration); without one, on a
    simple random sample of the rows. Charts are in ``palette`` (``charts.palette_of`` a
    brand)."""
    design = design if design is not None else SurveyDesign.from_weights(np.ones(len(frame)))
    builder = _Builder(frame, questionnaire, design, language, palette)
    by_question: dict[str, list[str]] = {}
    asked = questionnaire.plan.questions
    for c in columns:
        if c.source == "question" and c.question_id in asked and c.name in frame.columns:
            by_question.setdefault(c.question_id, []).append(c.name)
    out = []
    for qid, names in by_question.items():
        question = questionnaire.plan.questions[qid].question
        title = builder.text(question.text)
        if question.type == "multiple":
            out.append(builder.multiple(qid, title, question, names))
        elif isinstance(question, Grid):
            out.append(builder.grid(qid, title, question, names))
        elif question.type in ("single", "rating"):
            out.extend(builder.single(qid, title, question, name) for name in names)
        elif question.type == "numeric":
            out.extend(builder.numeric(qid, title, question, name) for name in names)
        else:
            out.extend(builder.verbatim(qid, title, name) for name in names)
    return out


def topline_sections(questions: Sequence[ToplineQuestion], language: str) -> list[Section]:
    template = ENV.get_template("topline.html")
    w = words(language)
    return [
        Section(
            f"{q.id}. {q.title}",
            Markup(template.render(q=q, w=w, anchor=f"s{i}")),
            f"s{i}",
        )
        for i, q in enumerate(questions)
    ]


def write_topline(
    questions: Sequence[ToplineQuestion], info: ReportInfo, path: Path, **options: object
) -> int:
    return render_report(
        info, "topline", topline_sections(questions, info.language), path, **options
    )  # type: ignore[arg-type]
