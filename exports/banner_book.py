"""Banner book: the ``BannerTable`` of cati.stats as landscape tables, one question each.

The banner header (variable names over lettered columns) is a ``<thead>``, which WeasyPrint
repeats on every page a long table runs onto. A letter in a cell means the column is higher
than the lettered column (upper case at the high level, lower case at the low one): column
proportions for percentages, column means for means and the NPS. Statistic rows (mean,
median, standard deviation, NPS) show values, the others percentages; columns under the low
base are marked with an asterisk.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from markupsafe import Markup

from cati.stats.banner import STATISTICS, BannerTable
from exports.columns import without_placeholders
from exports.i18n import words
from exports.pdf import ENV, ReportInfo, Section, render_report


@dataclass(frozen=True)
class HeaderGroup:
    label: str
    span: int


def header_groups(table: BannerTable, variable_labels: dict[str, str]) -> list[HeaderGroup]:
    """The banner variables over their columns (the Total first, on its own)."""
    groups = [HeaderGroup("", 1)]
    for variable, columns in groupby(table.columns[1:], key=lambda c: c.variable):
        groups.append(
            HeaderGroup(variable_labels.get(variable or "", variable or ""), len(list(columns)))
        )
    return groups


def banner_sections(
    table: BannerTable, language: str, variable_labels: dict[str, str] | None = None
) -> list[Section]:
    template = ENV.get_template("banner.html")
    w = words(language)
    groups = header_groups(table, variable_labels or {})
    settings = table.settings
    legend = Markup(
        ENV.get_template("banner_legend.html").render(
            w=w,
            high=round(settings.high_level * 100),
            low=round(settings.low_level * 100) if settings.low_level else None,
            low_base=settings.low_base,
            min_base=settings.min_base,
            adjustment=settings.adjustment,
        )
    )
    sections = []
    for i, block in enumerate(table.blocks):
        html = template.render(
            block=block,
            columns=table.columns,
            groups=groups,
            w=w,
            anchor=f"b{i}",
            legend=legend if i == 0 else None,
            settings=settings,
            statistics=STATISTICS,
        )
        sections.append(
            Section(f"{block.question}. {without_placeholders(block.label)}", Markup(html), f"b{i}")
        )
    return sections


def write_banner_book(
    table: BannerTable,
    info: ReportInfo,
    path: Path,
    *,
    variable_labels: dict[str, str] | None = None,
    **options: object,
) -> int:
    sections = banner_sections(table, info.language, variable_labels)
    return render_report(info, "banner", sections, path, **options)  # type: ignore[arg-type]
