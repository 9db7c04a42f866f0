"""Codebook: every exported variable with its label, type, value labels (with counts) and
missing values, as a standalone HTML file or as a PDF report. Labels are whole (Stata's
cut at 80 characters is in the .dta only), with piping placeholders as readable stand-ins."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from exports.columns import ColumnLike, without_placeholders
from exports.i18n import words
from exports.pdf import ENV, ReportInfo, Section, render_report

VARIABLES_PER_SECTION = 25


@dataclass(frozen=True)
class CodebookEntry:
    name: str
    label: str
    kind: str
    source: str
    values: list[tuple[int, str, str, int]]  # code, XLSForm name (or ""), label, respondents
    missing: str
    answered: int


def codebook_entries(frame: pd.DataFrame, columns: Sequence[ColumnLike]) -> list[CodebookEntry]:
    entries = []
    for c in columns:
        series = frame[c.name]
        counts = pd.to_numeric(series, errors="coerce").value_counts() if c.value_labels else None
        values = [
            (
                code,
                c.value_names.get(code, ""),
                without_placeholders(label),
                int(counts.get(float(code), 0)) if counts is not None else 0,
            )
            for code, label in c.value_labels.items()
        ]
        entries.append(
            CodebookEntry(
                c.name,
                without_placeholders(c.label),
                c.kind,
                c.source,
                values,
                ", ".join(str(m) for m in c.missing),
                int(series.notna().sum()),
            )
        )
    return entries


def codebook_html(entries: Sequence[CodebookEntry], info: ReportInfo) -> str:
    return ENV.get_template("codebook_page.html").render(
        entries=entries, info=info, w=words(info.language)
    )


def codebook_sections(entries: Sequence[CodebookEntry], language: str) -> list[Section]:
    template = ENV.get_template("codebook.html")
    w = words(language)
    sections = []
    for i in range(0, len(entries), VARIABLES_PER_SECTION):
        part = entries[i : i + VARIABLES_PER_SECTION]
        title = f"{part[0].name} – {part[-1].name}"
        html = template.render(entries=part, w=w, anchor=f"v{i}", title=title)
        sections.append(Section(title, Markup(html), f"v{i}"))
    return sections


def write_codebook_html(entries: Sequence[CodebookEntry], info: ReportInfo, path: Path) -> None:
    path.write_text(codebook_html(entries, info), encoding="utf-8")


def write_codebook_pdf(
    entries: Sequence[CodebookEntry], info: ReportInfo, path: Path, **options: object
) -> int:
    sections = codebook_sections(entries, info.language)
    return render_report(info, "codebook", sections, path, **options)  # type: ignore[arg-type]
