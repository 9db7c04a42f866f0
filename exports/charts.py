"""Charts as SVG from matplotlib, text kept as text (``svg.fonttype = 'none'``).

Each chart is returned as a ``data:`` URI for an ``<img>``: WeasyPrint draws it as an
image, so nothing in a label can act as HTML. Labels are plain text to matplotlib too
(``text.parse_math`` off: a "$" in an answer is a dollar, not TeX).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from exports.i18n import fixed

NAVY = "#1f3a5f"
ORANGE = "#e07a1f"
GREY = "#9aa7b4"
SCALE = ["#c0392b", "#e5a08c", "#d9dee3", "#8fb3d9", "#1f3a5f"]


@dataclass(frozen=True)
class Palette:
    """The colours of a report's charts: bars and the top of a scale in ``primary`` (the
    point below it in ``light``), highlights (the NPS score, a trend line) in ``accent``."""

    primary: str = NAVY
    light: str = SCALE[3]
    accent: str = ORANGE

    @property
    def scale(self) -> list[str]:
        return [*SCALE[:3], self.light, self.primary]


HOUSE = Palette()


class Brand(Protocol):
    primary: str
    accent: str

    @property
    def primary_light(self) -> str: ...


def palette_of(brand: Brand) -> Palette:
    """The brand's colours; the house palette when the brand keeps the house colours."""
    if (brand.primary, brand.accent) == (NAVY, ORANGE):
        return HOUSE
    return Palette(brand.primary, brand.primary_light, brand.accent)


STYLE = {
    "svg.fonttype": "none",
    "text.parse_math": False,
    "font.family": ["Liberation Sans", "DejaVu Sans"],
    "font.size": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#b7c3cf",
    "axes.labelcolor": "#1d2733",
    "xtick.color": "#5b6b7a",
    "ytick.color": "#1d2733",
}
WIDTH = 6.6  # inches: the text width of an A4 page with the report's margins


def _short(label: str, limit: int = 48) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def to_svg(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def to_data_uri(figure: Figure) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(to_svg(figure)).decode("ascii")


def bars(labels: Sequence[str], percents: Sequence[float], palette: Palette = HOUSE) -> str:
    """Horizontal bars of percentages, first answer on top."""
    with plt.rc_context(STYLE):
        height = 0.5 + 0.28 * len(labels)
        figure, ax = plt.subplots(figsize=(WIDTH, height))
        positions = range(len(labels))[::-1]
        values = [0 if p != p else p for p in percents]
        ax.barh(list(positions), values, color=palette.primary, height=0.65)
        ax.set_yticks(list(positions), [_short(x) for x in labels])
        ax.set_xlim(0, max([*values, 1]) * 1.15)
        for y, value in zip(positions, values, strict=True):
            ax.text(value, y, f" {value:.0f}%", va="center", color=palette.primary, fontsize=7.5)
        ax.xaxis.set_visible(False)
        ax.spines["bottom"].set_visible(False)
        ax.tick_params(axis="y", length=0)
        return to_data_uri(figure)


def stacked(
    items: Sequence[str],
    categories: Sequence[str],
    rows: Sequence[Sequence[float]],
    palette: Palette = HOUSE,
) -> str:
    """One 100% bar per item (grid rows), categories from the low end of the scale."""
    with plt.rc_context(STYLE):
        figure, ax = plt.subplots(figsize=(WIDTH, 0.9 + 0.34 * len(items)))
        colours = _scale_colours(len(categories), palette)
        positions = list(range(len(items)))[::-1]
        left = [0.0] * len(items)
        for k, category in enumerate(categories):
            values = [0 if r[k] != r[k] else r[k] for r in rows]
            ax.barh(positions, values, left=left, color=colours[k], height=0.62, label=category)
            for y, x0, v in zip(positions, left, values, strict=True):
                if v >= 6:
                    dark = colours[k] in (palette.primary, SCALE[0])
                    ax.text(
                        x0 + v / 2,
                        y,
                        f"{v:.0f}",
                        ha="center",
                        va="center",
                        fontsize=7,
                        color="white" if dark else "#1d2733",
                    )
            left = [a + b for a, b in zip(left, values, strict=True)]
        ax.set_yticks(positions, [_short(x, 36) for x in items])
        ax.set_xlim(0, 100)
        ax.xaxis.set_visible(False)
        ax.spines["bottom"].set_visible(False)
        ax.tick_params(axis="y", length=0)
        ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.02),
            ncol=min(len(categories), 6),
            frameon=False,
            fontsize=7,
        )
        return to_data_uri(figure)


def _scale_colours(n: int, palette: Palette) -> list[str]:
    scale = palette.scale
    if n <= len(scale):
        picks = [round(i * (len(scale) - 1) / max(n - 1, 1)) for i in range(n)]
        return [scale[i] for i in picks]
    cmap = matplotlib.colormaps["RdBu"]
    return [matplotlib.colors.to_hex(cmap(0.1 + 0.8 * i / (n - 1))) for i in range(n)]


def nps(
    detractors: float, passives: float, promoters: float, score: float, palette: Palette = HOUSE
) -> str:
    """The three NPS groups as one stacked bar, with the score beside it."""
    with plt.rc_context(STYLE):
        figure, (ax, box) = plt.subplots(
            1, 2, figsize=(WIDTH, 1.1), gridspec_kw={"width_ratios": [5, 1]}
        )
        left = 0.0
        for value, colour in (
            (detractors, SCALE[0]),
            (passives, GREY),
            (promoters, palette.primary),
        ):
            ax.barh([0], [value], left=left, color=colour, height=0.6)
            if value >= 5:
                ax.text(
                    left + value / 2,
                    0,
                    f"{value:.0f}%",
                    ha="center",
                    va="center",
                    color="white",
                    fontsize=8,
                    fontweight="bold",
                )
            left += value
        ax.set_xlim(0, 100)
        ax.axis("off")
        box.axis("off")
        box.text(
            0.5,
            0.62,
            fixed(score, 0, sign=True),
            ha="center",
            va="center",
            fontsize=20,
            fontweight="bold",
            color=palette.accent,
        )
        box.text(0.5, 0.1, "NPS", ha="center", va="center", fontsize=8, color="#5b6b7a")
        return to_data_uri(figure)


def lines(
    days: Sequence[str],
    calls: Sequence[float],
    cumulative: Sequence[float],
    calls_label: str,
    cumulative_label: str,
    palette: Palette = HOUSE,
) -> str:
    """Calls per day (bars) and completes to date (line, right axis)."""
    with plt.rc_context(STYLE):
        figure, ax = plt.subplots(figsize=(WIDTH, 2.4))
        x = list(range(len(days)))
        ax.bar(x, calls, color="#c9d6e3", label=calls_label)
        ax.set_ylabel(calls_label)
        right = ax.twinx()
        right.plot(
            x, cumulative, color=palette.accent, marker="o", markersize=3, label=cumulative_label
        )
        right.set_ylabel(cumulative_label)
        right.spines["top"].set_visible(False)
        step = max(1, len(days) // 10)
        ax.set_xticks(x[::step], [d for d in days[::step]], rotation=0)
        return to_data_uri(figure)


def region_map(
    points: Sequence[tuple[float, float]],
    regions: Sequence[tuple[str, float, float, int]],
    palette: Palette = HOUSE,
) -> str:
    """A simple map: sampled points in grey, a bubble per region sized by its completes."""
    with plt.rc_context(STYLE):
        figure, ax = plt.subplots(figsize=(WIDTH, 4.4))
        if points:
            lon, lat = zip(*points, strict=True)
            ax.scatter(lon, lat, s=3, color="#c9d6e3", linewidths=0)
        most = max([r[3] for r in regions] + [1])
        for name, lon_c, lat_c, completes in regions:
            ax.scatter(
                [lon_c],
                [lat_c],
                s=(40 + 700 * completes / most) if completes else 8,
                color=palette.primary,
                alpha=0.75,
                linewidths=0,
            )
            if completes:
                ax.annotate(
                    str(completes),
                    (lon_c, lat_c),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white",
                    fontweight="bold",
                )
                ax.annotate(
                    _short(name, 24),
                    (lon_c, lat_c),
                    xytext=(0, -9),
                    textcoords="offset points",
                    ha="center",
                    va="top",
                    fontsize=6,
                    color="#1d2733",
                )
        ax.set_aspect("equal", adjustable="datalim")
        ax.axis("off")
        return to_data_uri(figure)


# A series over time: its name, one value per period (None: nothing to show) and its colour.
Series = tuple[str, Sequence[float | None], str]
RED = SCALE[0]
LIGHT = "#c9d6e3"


def _time_axis(figure: Figure, ax, periods: Sequence[str], series: Sequence[Series]) -> bytes:
    step = max(1, -(-len(periods) // 14))  # at most 14 labels
    ax.set_xticks(range(0, len(periods), step), list(periods)[::step])
    ax.set_xlim(-0.6, len(periods) - 0.4)
    ax.tick_params(axis="x", length=0)
    ax.set_ylim(top=ax.get_ylim()[1] * 1.08)  # room above the tallest column
    ax.grid(axis="y", color="#e3e8ee", linewidth=0.6)
    ax.set_axisbelow(True)
    if len(series) > 1:
        ax.legend(loc="upper left", bbox_to_anchor=(0, 1.18), ncol=len(series), frameon=False)
    return to_svg(figure)


def columns(periods: Sequence[str], series: Sequence[Series], height: float = 2.0) -> bytes:
    """Side-by-side columns per period (days or hours), one colour per series."""
    with plt.rc_context(STYLE):
        figure, ax = plt.subplots(figsize=(WIDTH, height))
        width = (0.8 if len(series) > 1 else 0.6) / len(series)
        for k, (name, values, colour) in enumerate(series):
            x = [i - 0.4 + width * (k + 0.5) for i in range(len(periods))]
            ax.bar(x, [v or 0 for v in values], width=width, color=colour, label=name)
        ax.yaxis.get_major_locator().set_params(integer=True)
        return _time_axis(figure, ax, periods, series)


def stacked_columns(periods: Sequence[str], series: Sequence[Series]) -> bytes:
    """One column per period split into the series, bottom first."""
    with plt.rc_context(STYLE):
        figure, ax = plt.subplots(figsize=(WIDTH, 2.0))
        bottom = [0.0] * len(periods)
        for name, values, colour in series:
            heights = [v or 0 for v in values]
            ax.bar(range(len(periods)), heights, bottom=bottom, color=colour, label=name)
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        ax.yaxis.get_major_locator().set_params(integer=True)
        return _time_axis(figure, ax, periods, series)


def percent_lines(periods: Sequence[str], series: Sequence[Series]) -> bytes:
    """Rates as lines in percent (0 to 1 in, 0 % to 100 % out); gaps where a value is None."""
    with plt.rc_context(STYLE):
        figure, ax = plt.subplots(figsize=(WIDTH, 2.0))
        top = 0.0
        for name, values, colour in series:
            points = [float("nan") if v is None else 100 * v for v in values]
            ax.plot(range(len(periods)), points, color=colour, marker="o", markersize=3, label=name)
            top = max([top, *(p for p in points if p == p)])
        ax.set_ylim(0, min(100, max(10, top * 1.2)))
        ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
        return _time_axis(figure, ax, periods, series)
