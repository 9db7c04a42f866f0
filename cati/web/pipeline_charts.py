"""The supervisor's charts over time: which pipeline figures each chart draws, and how."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

from flask import current_app
from flask_babel import format_date, gettext
from sqlalchemy.orm import Session

from cati.fieldwork import pipeline
from cati.fieldwork.pipeline import Bucket, Marker, Pipeline
from cati.models import Project
from exports import charts

_computing = threading.Lock()


def pipeline_for(session: Session, project: Project, now: datetime, marker: Marker) -> Pipeline:
    """The project's pipeline at this marker, computed once for the six images the page asks
    for together: the latest one per project is kept (per process, on the app)."""
    latest: dict[int, tuple[str, Pipeline]] = current_app.extensions.setdefault(
        "cati.pipelines", {}
    )
    with _computing:
        etag, found = latest.get(project.id, ("", None))
        if found is None or etag != marker.etag:
            found = pipeline.pipeline(session, project, now)
            latest[project.id] = (marker.etag, found)
        return found


def _days(p: Pipeline) -> list[str]:
    return [format_date(b.start.date(), "d MMM") for b in p.days]


def _hours(p: Pipeline) -> list[str]:
    return [f"{b.start.hour}h" for b in p.hours]


def _calls(periods: list[str], buckets: list[Bucket]) -> bytes:
    return charts.columns(
        periods,
        [
            (gettext("Calls"), [b.attempts for b in buckets], charts.LIGHT),
            (gettext("Completes"), [b.completes for b in buckets], charts.NAVY),
            (gettext("Refusals"), [b.refusals for b in buckets], charts.RED),
        ],
    )


def _productivity(periods: list[str], buckets: list[Bucket]) -> bytes:
    per_hour = [b.completes_per_hour for b in buckets]
    return charts.columns(periods, [(gettext("Completes per hour"), per_hour, charts.NAVY)])


def _rates(p: Pipeline) -> bytes:
    return charts.percent_lines(
        _days(p),
        [
            (gettext("Response rate RR3"), [s.rates.get("RR3") for s in p.standing], charts.NAVY),
            (
                gettext("Contact rate CON2"),
                [s.rates.get("CON2") for s in p.standing],
                charts.ORANGE,
            ),
        ],
    )


def _states(p: Pipeline) -> bytes:
    return charts.stacked_columns(
        _days(p),
        [
            (gettext("finished"), [s.finished for s in p.standing], charts.NAVY),
            (gettext("in play"), [s.in_play for s in p.standing], charts.ORANGE),
            (gettext("not released"), [s.unreleased for s in p.standing], charts.LIGHT),
        ],
    )


# chart name in the URL: what it draws
CHARTS: dict[str, Callable[[Pipeline], bytes]] = {
    "calls-day": lambda p: _calls(_days(p), p.days),
    "calls-hour": lambda p: _calls(_hours(p), p.hours),
    "productivity-day": lambda p: _productivity(_days(p), p.days),
    "productivity-hour": lambda p: _productivity(_hours(p), p.hours),
    "rates-day": _rates,
    "states-day": _states,
}
