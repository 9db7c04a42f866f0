"""Fieldwork report: outcomes, AAPOR rates, progress, completes by region, interviewer KPIs.

The figures arrive as plain data (``FieldworkFigures``), gathered from the database on the
cati side; this module only lays them out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from markupsafe import Markup

from cati.stats.aapor import RATE_NAMES, DispositionCounts, outcome_rates
from exports import charts
from exports.i18n import words
from exports.pdf import ENV, ReportInfo, Section, render_report

SHOWN_RATES = ("RR1", "RR3", "RR5", "COOP1", "REF1", "CON1")


@dataclass(frozen=True)
class OutcomeCount:
    code: str
    label: str
    aapor: str
    cases: int


@dataclass(frozen=True)
class DayProgress:
    day: date
    calls: int
    completes: int


@dataclass(frozen=True)
class RegionCompletes:
    name: str
    longitude: float
    latitude: float
    completes: int
    target: int | None = None


@dataclass(frozen=True)
class InterviewerKpi:
    name: str
    hours: float
    calls: int
    completes: int
    contacts: int
    refusals: int
    average_minutes: float | None

    @property
    def calls_per_hour(self) -> float | None:
        return self.calls / self.hours if self.hours > 0 else None

    @property
    def completes_per_hour(self) -> float | None:
        return self.completes / self.hours if self.hours > 0 else None

    @property
    def refusal_rate(self) -> float | None:
        return 100 * self.refusals / self.contacts if self.contacts else None


@dataclass(frozen=True)
class FieldworkFigures:
    outcomes: Sequence[OutcomeCount]
    days: Sequence[DayProgress]
    regions: Sequence[RegionCompletes] = ()
    points: Sequence[tuple[float, float]] = ()  # sampled (longitude, latitude), for the map
    interviewers: Sequence[InterviewerKpi] = ()
    e: float | None = None  # share of unknown-eligibility cases taken as eligible

    def aapor_rates(self) -> tuple[dict[str, float], float | None]:
        """The rates of the final dispositions and the e they used."""
        codes = [o.aapor for o in self.outcomes for _ in range(o.cases)]
        if not codes:
            return {}, None
        counts = DispositionCounts.from_codes(codes)
        e = counts.estimated_e if self.e is None else self.e
        return outcome_rates(counts, e), e


def fieldwork_sections(
    figures: FieldworkFigures, language: str, palette: charts.Palette = charts.HOUSE
) -> list[Section]:
    w = words(language)
    rates, e = figures.aapor_rates()
    cumulative, total = [], 0
    for d in figures.days:
        total += d.completes
        cumulative.append(total)
    progress_chart = (
        charts.lines(
            [d.day.strftime("%d/%m") for d in figures.days],
            [d.calls for d in figures.days],
            cumulative,
            w["calls_per_day"],
            w["completes_cumulative"],
            palette,
        )
        if figures.days
        else None
    )
    map_chart = (
        charts.region_map(
            list(figures.points),
            [(r.name, r.longitude, r.latitude, r.completes) for r in figures.regions],
            palette,
        )
        if figures.regions
        else None
    )
    parts = {
        "outcomes": dict(outcomes=figures.outcomes, total=sum(o.cases for o in figures.outcomes)),
        "rates": dict(
            rates=[(name, rates.get(name)) for name in RATE_NAMES if name in rates],
            shown=SHOWN_RATES,
            all_rates=rates,
            e=e,
        ),
        "progress": dict(days=figures.days, cumulative=cumulative, chart=progress_chart),
        "regions": dict(regions=figures.regions, chart=map_chart),
        "interviewers": dict(interviewers=figures.interviewers),
    }
    template = ENV.get_template("fieldwork.html")
    return [
        Section(
            w[part],
            Markup(template.render(part=part, w=w, anchor=f"f{i}", **values)),
            f"f{i}",
        )
        for i, (part, values) in enumerate(parts.items())
    ]


def write_fieldwork_report(
    figures: FieldworkFigures, info: ReportInfo, path: Path, **options: object
) -> int:
    sections = fieldwork_sections(figures, info.language, charts.palette_of(info.brand))
    return render_report(info, "fieldwork", sections, path, **options)  # type: ignore[arg-type]
