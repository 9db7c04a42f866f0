"""Banner tables: questions down the side, a banner of several variables across the top.

Each question becomes a :class:`BannerBlock` with its bases (unweighted, weighted, Kish
effective) per column and one :class:`BannerRow` per category, net or statistic: a number
gets mean, median and standard deviation rows (and optional bands), a scale its mean and
with ``nps`` the Net Promoter Score (% promoters 9–10 minus % detractors 0–6). Columns of the
same banner variable are compared pairwise and the result is written as letters
(:mod:`cati.stats.significance`); the Total column is never tested. On weights alone the
tests use the Kish effective bases (the Dimensions/Quantum column tests); on a design with
strata, PSUs, an fpc, a calibration or replicates, the design-based SE of each cell (a
domain estimate, as ``svyby``) on the design's degrees of freedom. A Rao–Scott corrected
chi-square per banner variable tests the whole single-choice table.

Everything is computed with matrix products over a respondent × column membership matrix,
so a book of many questions costs a few small products per question.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from cati.problems import N_
from cati.stats.design import SurveyDesign
from cati.stats.errors import ErrorCode, StatsError, require_columns
from cati.stats.raoscott import RaoScottResult, rao_scott
from cati.stats.significance import (
    TestSettings,
    column_letter,
    design_letters,
    mean_letters,
    proportion_letters,
)
from cati.stats.variance import Design, ratio_covariance

Categories = tuple[tuple[Hashable, str], ...]


@dataclass(frozen=True)
class Net:
    """A row that counts respondents with any of ``members`` (codes, or option columns)."""

    label: str
    members: tuple[Hashable, ...]


@dataclass(frozen=True)
class Band:
    """A row of a numeric question: the respondents with ``low <= value <= high``."""

    label: str
    low: float | None = None  # None: open
    high: float | None = None


@dataclass(frozen=True)
class Question:
    """One block of rows.

    ``single``: one variable, one row per category (``categories`` as (code, label) pairs,
    or the sorted observed values), nets of codes, and with ``mean`` a mean-score row of
    the numeric codes (only the codes in ``scale`` when given: Don't know is no score).
    ``nps`` adds the Net Promoter Score of a 0–10 scale, tested like a mean.
    ``multi``: one 0/1 column per option (``options`` maps column to label); a respondent
    with all options missing was not asked. ``numeric``: ``bands`` rows, then mean, median
    and standard deviation rows.
    """

    name: str
    label: str = ""
    kind: Literal["single", "multi", "numeric"] = "single"
    categories: Categories = ()
    options: tuple[tuple[str, str], ...] = ()
    nets: tuple[Net, ...] = ()
    mean: bool = False
    scale: tuple[Hashable, ...] = ()
    nps: bool = False
    bands: tuple[Band, ...] = ()


def grid_questions(
    items: Mapping[str, str],
    categories: Categories,
    *,
    nets: tuple[Net, ...] = (),
    mean: bool = False,
) -> list[Question]:
    """One single-choice question per grid item (variable -> item label), same scale."""
    return [
        Question(variable, label, "single", categories, nets=nets, mean=mean)
        for variable, label in items.items()
    ]


@dataclass(frozen=True)
class BannerVariable:
    name: str
    label: str = ""
    categories: Categories = ()


@dataclass(frozen=True)
class BannerColumn:
    letter: str
    variable: str | None
    code: Hashable | None
    label: str


RowKind = Literal["category", "net", "mean", "median", "sd", "nps"]
STATISTICS = ("mean", "median", "sd", "nps")  # rows that show a value, not a percentage


@dataclass
class BannerRow:
    """A category or net (counts and percentages) or a statistic (``value`` per column;
    a mean row also has its ``sd``)."""

    label: str
    kind: RowKind
    unweighted: np.ndarray
    weighted: np.ndarray
    percent: np.ndarray
    letters: list[str]
    mean: np.ndarray | None = None
    sd: np.ndarray | None = None
    value: np.ndarray | None = None


@dataclass
class BannerBlock:
    question: str
    label: str
    kind: str
    unweighted_base: np.ndarray
    weighted_base: np.ndarray
    effective_base: np.ndarray
    untested: np.ndarray
    low_base: np.ndarray
    rows: list[BannerRow]
    chi_square: dict[str, RaoScottResult | None] = field(default_factory=dict)


@dataclass
class BannerTable:
    """A whole banner book, ready for an exporter: columns, blocks of rows, test settings."""

    columns: list[BannerColumn]
    blocks: list[BannerBlock]
    settings: TestSettings

    def to_frame(
        self, value: Literal["percent", "weighted", "unweighted"] = "percent"
    ) -> pd.DataFrame:
        """One row per (question, row label); statistic rows carry their value whatever
        ``value``."""
        records, index = [], []
        for block in self.blocks:
            for row in block.rows:
                index.append((block.question, row.label))
                records.append(row.value if row.kind in STATISTICS else getattr(row, value))
        labels = [c.label for c in self.columns]
        return pd.DataFrame(
            np.array(records, dtype=float).reshape(len(records), len(labels)),
            index=pd.MultiIndex.from_tuples(index, names=["question", "row"]),
            columns=labels,
        )

    def bases_frame(self) -> pd.DataFrame:
        """Unweighted, weighted and effective base of each question per column."""
        records, index = [], []
        for block in self.blocks:
            for name in ("unweighted_base", "weighted_base", "effective_base"):
                index.append((block.question, name))
                records.append(getattr(block, name))
        return pd.DataFrame(
            np.array(records, dtype=float).reshape(len(records), len(self.columns)),
            index=pd.MultiIndex.from_tuples(index, names=["question", "base"]),
            columns=[c.label for c in self.columns],
        )

    def letters_frame(self) -> pd.DataFrame:
        index = [(b.question, r.label) for b in self.blocks for r in b.rows]
        return pd.DataFrame(
            [r.letters for b in self.blocks for r in b.rows],
            index=pd.MultiIndex.from_tuples(index, names=["question", "row"]),
            columns=[c.label for c in self.columns],
        )


def _categories_of(series: pd.Series, declared: Categories, owner: str) -> Categories:
    observed = series.dropna().unique()
    if not declared:
        return tuple((v, str(v)) for v in sorted(observed))
    known = {code for code, _ in declared}
    for value in observed:
        if value not in known:
            raise StatsError(
                ErrorCode.CATEGORY_UNKNOWN,
                N_("%(variable)r has value %(value)r that is not among its categories"),
                variable=owner,
                value=value,
            )
    return declared


def _banner_columns(
    frame: pd.DataFrame, banner: Sequence[BannerVariable]
) -> tuple[list[BannerColumn], np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """Columns, the n × C membership matrix, column indices and codes per banner variable."""
    columns = [BannerColumn("", None, None, "Total")]
    membership = [np.ones(len(frame))]
    groups, codes_per_variable = [], []
    position = 0
    for variable in banner:
        series = frame[variable.name]
        cats = _categories_of(series, variable.categories, variable.name)
        codes = pd.Index([c for c, _ in cats]).get_indexer(series)
        indices = []
        for k, (code, label) in enumerate(cats):
            indices.append(len(columns))
            columns.append(BannerColumn(column_letter(position), variable.name, code, label))
            membership.append((codes == k).astype(float))
            position += 1
        groups.append(np.array(indices))
        codes_per_variable.append(codes)
    return columns, np.column_stack(membership), groups, codes_per_variable


@dataclass
class _Rows:
    valid: np.ndarray
    indicators: np.ndarray  # n × R, zero where not valid
    labels: list[tuple[str, Literal["category", "net"]]]
    values: np.ndarray | None  # numeric values for a mean row
    codes: np.ndarray | None  # category codes (−1 missing) for the chi-square
    distribution: bool = False  # a number: median and standard deviation rows too
    nps: np.ndarray | None = None  # +100 promoter, 0 passive, −100 detractor, NaN not rated


def _question_rows(frame: pd.DataFrame, q: Question) -> _Rows:
    if q.kind == "multi":
        names = [c for c, _ in q.options]
        require_columns(frame.columns, names)
        data = frame[names].to_numpy(dtype=float)
        valid = ~np.isnan(data).all(axis=1)
        chosen = np.nan_to_num(data) > 0
        option_index = {c: i for i, c in enumerate(names)}
        cols = [chosen[:, i] for i in range(len(names))]
        labels: list[tuple[str, Literal["category", "net"]]] = [
            (lb, "category") for _, lb in q.options
        ]
        for net in q.nets:
            unknown = [m for m in net.members if m not in option_index]
            if unknown:
                raise StatsError(
                    ErrorCode.NET_MEMBER_UNKNOWN,
                    N_("net %(net)r of %(variable)r names unknown option %(member)r"),
                    net=net.label,
                    variable=q.name,
                    member=unknown[0],
                )
            cols.append(chosen[:, [option_index[m] for m in net.members]].any(axis=1))
            labels.append((net.label, "net"))
        return _Rows(
            valid, np.column_stack(cols).astype(float) * valid[:, None], labels, None, None
        )
    require_columns(frame.columns, [q.name])
    series = frame[q.name]
    if q.kind == "numeric":
        values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
        valid = ~np.isnan(values)
        bands = [
            valid
            & (values >= (-np.inf if b.low is None else b.low))
            & (values <= (np.inf if b.high is None else b.high))
            for b in q.bands
        ]
        indicators = np.column_stack(bands).astype(float) if bands else np.zeros((len(frame), 0))
        band_labels: list[tuple[str, Literal["category", "net"]]] = [
            (b.label, "category") for b in q.bands
        ]
        return _Rows(valid, indicators, band_labels, values, None, distribution=True)
    cats = _categories_of(series, q.categories, q.name)
    code_list = [c for c, _ in cats]
    codes = pd.Index(code_list).get_indexer(series)
    valid = codes >= 0
    cols = [codes == k for k in range(len(cats))]
    labels = [(lb, "category") for _, lb in cats]
    for net in q.nets:
        members = pd.Index(code_list).get_indexer(list(net.members))
        if (members < 0).any():
            bad = net.members[int(np.flatnonzero(members < 0)[0])]
            raise StatsError(
                ErrorCode.NET_MEMBER_UNKNOWN,
                N_("net %(net)r of %(variable)r names unknown category %(member)r"),
                net=net.label,
                variable=q.name,
                member=bad,
            )
        cols.append(np.isin(codes, members))
        labels.append((net.label, "net"))
    numeric = np.array(pd.to_numeric(pd.Series(code_list), errors="coerce"), dtype=float)
    if q.scale:  # the scale points score; the other codes (Don't know, Refused) do not
        numeric[~pd.Series(code_list).isin(q.scale).to_numpy()] = np.nan
    score = np.where(valid, numeric[np.where(valid, codes, 0)], np.nan)
    nps = None
    if q.nps:
        nps = np.select([score >= 9, score >= 7, score >= 0], [100.0, 0.0, -100.0], np.nan)
    values = score if q.mean else None
    return _Rows(valid, np.column_stack(cols).astype(float), labels, values, codes, nps=nps)


def banner_table(
    frame: pd.DataFrame,
    questions: Sequence[Question],
    banner: Sequence[BannerVariable],
    *,
    weights: str | None = None,
    design: Design | None = None,
    settings: TestSettings | None = None,
    chi_square: bool = True,
) -> BannerTable:
    """Tabulate ``questions`` against ``banner`` (weights from a column or from ``design``).

    The Rao–Scott test uses ``design`` when given (strata and fpc count), else a
    weights-only design.
    """
    settings = settings or TestSettings()
    require_columns(frame.columns, [b.name for b in banner] + ([weights] if weights else []))
    if design is not None:
        w = design.weights
    elif weights is not None:
        w = frame[weights].to_numpy(dtype=float)
        design = SurveyDesign.from_weights(w)
    else:
        w = np.ones(len(frame))
        design = SurveyDesign.from_weights(w)
    if len(w) != len(frame):
        raise StatsError(
            ErrorCode.SIZE_MISMATCH,
            N_("the design has a different number of respondents than the data"),
        )
    columns, membership, groups, banner_codes = _banner_columns(frame, banner)
    context = _Context(w, membership, groups, banner, banner_codes, design, settings, chi_square)
    blocks = [_block(q, _question_rows(frame, q), context) for q in questions]
    return BannerTable(columns, blocks, settings)


@dataclass(frozen=True)
class _Context:
    """What every block of one banner book shares."""

    weights: np.ndarray
    membership: np.ndarray  # n × C, the Total first
    groups: list[np.ndarray]  # column indices of each banner variable
    banner: Sequence[BannerVariable]
    banner_codes: list[np.ndarray]
    design: Design
    settings: TestSettings
    chi_square: bool

    @property
    def design_based(self) -> bool:
        """Tests from the design's SEs, unless it is weights alone (one stage of
        respondents, one stratum, no fpc, no calibration)."""
        d = self.design
        return not (
            isinstance(d, SurveyDesign)
            and d.one_stage_elements
            and len(d.stratum_labels) == 1
            and not d.stages[0].has_fpc
        )

    def domain_se(self, y: np.ndarray, has_value: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per column: the mean of ``y`` among respondents with a value and its design SE."""
        m = self.membership
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio, cov = ratio_covariance(
                self.design, np.where(has_value, y, 0.0)[:, None] * m, has_value[:, None] * m
            )
        return ratio, np.sqrt(np.maximum(np.diag(cov), 0))


def _block(q: Question, rows: _Rows, ctx: _Context) -> BannerBlock:
    w, membership, settings = ctx.weights, ctx.membership, ctx.settings
    wv = w * rows.valid
    unweighted_base = rows.valid.astype(float) @ membership
    weighted_base = wv @ membership
    sum_sq = (wv * w) @ membership
    effective = np.divide(weighted_base**2, sum_sq, out=np.zeros_like(sum_sq), where=sum_sq > 0)
    untested = unweighted_base < settings.min_base
    untested[0] = True  # the Total column is never tested
    block_rows: list[BannerRow] = []
    if rows.indicators.shape[1]:
        weighted = (rows.indicators * wv[:, None]).T @ membership
        unweighted = (rows.indicators * rows.valid[:, None]).T @ membership
        percent = 100 * np.divide(
            weighted, weighted_base, out=np.full_like(weighted, np.nan), where=weighted_base > 0
        )
        if ctx.design_based:
            se = np.vstack(
                [ctx.domain_se(rows.indicators[:, r], rows.valid)[1] for r in range(len(weighted))]
            )
            df = ctx.design.degrees_of_freedom
            letters = design_letters(percent / 100, se, df, ctx.groups, untested, settings)
        else:
            letters = proportion_letters(percent / 100, effective, ctx.groups, untested, settings)
        for r, (label, kind) in enumerate(rows.labels):
            block_rows.append(
                BannerRow(label, kind, unweighted[r], weighted[r], percent[r], letters[r])
            )
    if rows.values is not None:
        mean, sd, n_y, w_y, letters = _mean_row(rows.values, untested, ctx)
        block_rows.append(BannerRow("Mean", "mean", n_y, w_y, _no(w_y), letters, mean, sd, mean))
        if rows.distribution:
            median = _weighted_medians(rows.values, w, membership)
            blank = [""] * len(w_y)
            block_rows += [
                BannerRow("Median", "median", n_y, w_y, _no(w_y), blank, value=median),
                BannerRow("Standard deviation", "sd", n_y, w_y, _no(w_y), blank, value=sd),
            ]
    if rows.nps is not None:
        score, _, n_y, w_y, letters = _mean_row(rows.nps, untested, ctx)
        block_rows.append(BannerRow("NPS", "nps", n_y, w_y, _no(w_y), letters, value=score))
    tests: dict[str, RaoScottResult | None] = {}
    if ctx.chi_square and rows.codes is not None:
        for variable, codes in zip(ctx.banner, ctx.banner_codes, strict=True):
            both = (rows.codes >= 0) & (codes >= 0)
            testable = len(np.unique(rows.codes[both])) > 1 and len(np.unique(codes[both])) > 1
            tests[variable.name] = rao_scott(ctx.design, rows.codes, codes) if testable else None
    return BannerBlock(
        question=q.name,
        label=q.label or q.name,
        kind=q.kind,
        unweighted_base=unweighted_base,
        weighted_base=weighted_base,
        effective_base=effective,
        untested=untested,
        low_base=unweighted_base < settings.low_base,
        rows=block_rows,
        chi_square=tests,
    )


def _no(like: np.ndarray) -> np.ndarray:
    return np.full_like(like, np.nan)


def _mean_row(
    values: np.ndarray, untested: np.ndarray, ctx: _Context
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Weighted means and standard deviations per column (NaN values left out), their
    unweighted and weighted bases, and the letters of the column means test."""
    w, membership, settings = ctx.weights, ctx.membership, ctx.settings
    has_value = ~np.isnan(values)
    y = np.where(has_value, values, 0.0)
    wy = w * has_value
    n_y = has_value.astype(float) @ membership
    w_y = wy @ membership
    e_y = np.divide(w_y**2, (wy * w) @ membership, out=np.zeros_like(w_y), where=w_y > 0)
    mean = np.divide((wy * y) @ membership, w_y, out=_no(w_y), where=w_y > 0)
    second = np.divide((wy * y * y) @ membership, w_y, out=_no(w_y), where=w_y > 0)
    variance = np.maximum(second - mean**2, 0) * np.divide(
        e_y, e_y - 1, out=_no(e_y), where=e_y > 1
    )
    skip = untested | (n_y < settings.min_base)
    if ctx.design_based:
        se = ctx.domain_se(y, has_value)[1][None, :]
        df = ctx.design.degrees_of_freedom
        letters = design_letters(mean[None, :], se, df, ctx.groups, skip, settings)[0]
    else:
        letters = mean_letters(mean, variance, e_y, ctx.groups, skip, settings)
    return mean, np.sqrt(variance), n_y, w_y, letters


def _weighted_medians(values: np.ndarray, w: np.ndarray, membership: np.ndarray) -> np.ndarray:
    """The weighted median per column: the value where the cumulative weight reaches half,
    the midpoint of two values when it lands exactly on half (so equal weights give the
    ordinary median)."""
    out = np.full(membership.shape[1], np.nan)
    for k in range(membership.shape[1]):
        keep = ~np.isnan(values) & (membership[:, k] > 0) & (w > 0)
        if not keep.any():
            continue
        order = np.argsort(values[keep], kind="stable")
        y, cum = values[keep][order], np.cumsum(w[keep][order])
        half = cum[-1] / 2
        i = int(np.searchsorted(cum, half - 1e-9 * cum[-1]))
        at_half = np.isclose(cum[i], half, rtol=1e-9) and i + 1 < len(y)
        out[k] = (y[i] + y[i + 1]) / 2 if at_half else y[i]
    return out
