"""The project's pipeline over time, for the supervisor's charts: per day of fieldwork and per
hour of today.

Everything comes from a few aggregate queries grouped by quarter hour (UTC), bucketed into
local days and hours in Python: every time zone's offset is a whole number of quarter hours,
so the local buckets are exact on SQLite and PostgreSQL alike, across daylight-saving changes.

Cases by state and the cumulative AAPOR rates at the end of each day replay three streams of
events: a release puts a case in 3.11 (not yet called), each call moves it from its previous
call's disposition to this call's, and finalization moves it from its last call's to its final
disposition. At the end of today this is the monitor's interim disposition, except for a case
a supervisor reopened with a non-final outcome, which counts by its last call.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from cati.fieldwork.monitor import NOT_ATTEMPTED, REFUSALS, day_start
from cati.fieldwork.presence import WORKING
from cati.models import CallAttempt, Case, Outcome, Project, ProjectMember, StatusSpell, User
from cati.stats.aapor import CATEGORIES, DispositionCounts, category_of, outcome_rates

QUARTER = 900  # seconds
# (quarter hour, from, to, number of cases): "to" is a call's outcome code, or "=" and the
# final AAPOR code when a case is finalized; "from" is the outcome of the case's call
# before (None: not called yet).
Move = tuple[int, str | None, str, int]
Spell = tuple[datetime, datetime]
DAYS = 28  # the day charts show at most the last four weeks
HOURS_SHOWN = 8  # the hour charts show at least the last eight hours of today


@dataclass(frozen=True)
class Bucket:
    """Calls ended and hours worked in one day or one hour (local time)."""

    start: datetime
    attempts: int = 0
    completes: int = 0
    refusals: int = 0
    contacts: int = 0
    hours: float = 0.0

    @property
    def completes_per_hour(self) -> float | None:
        return self.completes / self.hours if self.hours >= 0.05 else None


@dataclass(frozen=True)
class Standing:
    """Where the sample stood at the end of one day."""

    day: date
    unreleased: int
    in_play: int
    finished: int
    rates: dict[str, float]


@dataclass(frozen=True)
class Pipeline:
    days: list[Bucket]
    hours: list[Bucket]  # today to now, from the first busy hour or the last 8 if later
    standing: list[Standing]


@dataclass(frozen=True)
class Marker:
    """What changes whenever a chart would: cheap to compute, the charts' ETag."""

    etag: str
    calls: int
    cases: int
    released: int


def _quarter(session: Session, column: ColumnElement) -> ColumnElement:
    """Quarter hours since the epoch (UTC): the one bucket both engines compute alike."""
    if session.get_bind().dialect.name == "postgresql":
        seconds = func.floor(func.extract("epoch", column))
    else:
        seconds = func.strftime("%s", column)
    return cast(seconds, Integer) // QUARTER


@lru_cache(maxsize=65536)  # a few thousand quarter hours recur across outcomes and cases
def _local(quarter: int, zone: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(quarter * QUARTER, UTC).astimezone(zone)


def marker(session: Session, project: Project, now: datetime) -> Marker:
    """One pass over the project's cases: calls made (each call counts on its case), releases
    and finalizations, and the local hour (today's chart moves on with it)."""
    facts = session.execute(
        select(
            func.count(Case.id),
            func.coalesce(func.sum(Case.attempts), 0),
            func.count(Case.released_at),
            func.count(Case.finalized_at),
            func.max(Case.released_at),
            func.max(Case.finalized_at),
        ).where(Case.project_id == project.id)
    ).one()
    cases, calls, released = facts[0], int(facts[1]), facts[2]
    hour = now.astimezone(ZoneInfo(project.time_zone)).strftime("%Y-%m-%d %H")
    etag = hashlib.sha1(repr((*facts, hour)).encode()).hexdigest()[:16]
    return Marker(etag=etag, calls=calls, cases=cases, released=released)


def pipeline(session: Session, project: Project, now: datetime) -> Pipeline:
    """Calls and hours per day and per hour of today, and the standing at each day's end."""
    zone = ZoneInfo(project.time_zone)
    outcomes = {
        code: (aapor, contact)
        for code, aapor, contact in session.execute(
            select(Outcome.code, Outcome.aapor, Outcome.contact).where(
                Outcome.project_id == project.id
            )
        )
    }

    def aapor(code: str | None) -> str:
        return outcomes[code][0] if code in outcomes else NOT_ATTEMPTED

    calls = _calls(session, project)
    moves: list[Move] = [(q, previous, outcome, n) for q, outcome, previous, n in calls]
    moves += _finalizations(session, project)
    releases = _releases(session, project)
    total = session.scalar(select(func.count()).where(Case.project_id == project.id))
    events = sorted({q for q, *_ in moves} | set(releases))
    if not events:
        return Pipeline(days=[], hours=[], standing=[])

    today = day_start(project, now)
    first_day = max(_local(events[0], zone).date(), today.date() - timedelta(days=DAYS - 1))
    day_starts = [
        datetime.combine(first_day + timedelta(days=i), datetime.min.time(), tzinfo=zone)
        for i in range((today.date() - first_day).days + 1)
    ]
    day_of = {d.date(): i for i, d in enumerate(day_starts)}

    # Calls per day and per hour of today.
    per_day: list[Counter[str]] = [Counter() for _ in day_starts]
    per_hour: dict[int, Counter[str]] = {}
    for q, outcome, _previous, n in calls:
        when = _local(q, zone)
        index = day_of.get(when.date())
        if index is None:
            continue
        code, contact = outcomes.get(outcome, ("", False))
        tally = Counter(
            attempts=n,
            completes=n * (code == "1.1"),
            refusals=n * code.startswith(REFUSALS),
            contacts=n * bool(contact),
        )
        per_day[index].update(tally)
        if when >= today:
            per_hour.setdefault(when.hour, Counter()).update(tally)

    spells = _working_spells(session, project, day_starts[0], now)
    day_hours = _hours_in(day_starts, now, spells)
    hour_starts = [today.replace(hour=h) for h in range(now.astimezone(zone).hour + 1)]
    hour_hours = _hours_in(hour_starts, now, spells)
    busy = [i for i, h in enumerate(hour_starts) if h.hour in per_hour or hour_hours[i]]
    # From the first busy hour, but at least the last HOURS_SHOWN hours for context.
    first_hour = min([*busy[:1], max(len(hour_starts) - HOURS_SHOWN, 0)])

    days = [Bucket(start=d, hours=day_hours[i], **per_day[i]) for i, d in enumerate(day_starts)]
    hours = [
        Bucket(start=h, hours=hour_hours[i], **per_hour.get(h.hour, Counter()))
        for i, h in enumerate(hour_starts)
        if i >= first_hour
    ]
    return Pipeline(
        days=days,
        hours=hours,
        standing=_standing(total, day_starts, moves, releases, aapor, zone),
    )


def _calls(session: Session, project: Project) -> list[tuple[int, str, str | None, int]]:
    """(quarter, outcome, the case's previous call's outcome, number of calls)."""
    inner = (
        select(
            _quarter(session, CallAttempt.ended_at).label("q"),
            CallAttempt.outcome,
            func.lag(CallAttempt.outcome)
            .over(
                partition_by=CallAttempt.case_id,
                order_by=(CallAttempt.ended_at, CallAttempt.id),
            )
            .label("previous"),
        )
        .join(Case, Case.id == CallAttempt.case_id)
        .where(Case.project_id == project.id)
        .subquery()
    )
    return [
        tuple(row)
        for row in session.execute(
            select(inner.c.q, inner.c.outcome, inner.c.previous, func.count()).group_by(
                inner.c.q, inner.c.outcome, inner.c.previous
            )
        )
    ]


def _finalizations(session: Session, project: Project) -> list[Move]:
    """(quarter, the last call's outcome, "=" + the final AAPOR code, number of cases)."""
    last_call = (
        select(CallAttempt.outcome)
        .where(CallAttempt.case_id == Case.id)
        .order_by(CallAttempt.ended_at.desc(), CallAttempt.id.desc())
        .limit(1)
        .correlate(Case)
        .scalar_subquery()
    )
    inner = (
        select(
            _quarter(session, Case.finalized_at).label("q"),
            Case.final_aapor,
            last_call.label("last_call"),
        )
        .where(Case.project_id == project.id, Case.finalized_at.is_not(None))
        .subquery()
    )
    rows = session.execute(
        select(inner.c.q, inner.c.last_call, inner.c.final_aapor, func.count()).group_by(
            inner.c.q, inner.c.last_call, inner.c.final_aapor
        )
    )
    # "=" marks a disposition code, where calls carry outcome codes.
    return [(q, last, f"={final or NOT_ATTEMPTED}", n) for q, last, final, n in rows]


def _releases(session: Session, project: Project) -> dict[int, int]:
    inner = (
        select(_quarter(session, Case.released_at).label("q"))
        .where(Case.project_id == project.id, Case.released_at.is_not(None))
        .subquery()
    )
    return dict(session.execute(select(inner.c.q, func.count()).group_by(inner.c.q)).all())


def _standing(
    total: int,
    day_starts: list[datetime],
    moves: list[Move],
    releases: dict[int, int],
    aapor: Callable[[str | None], str],
    zone: ZoneInfo,
) -> list[Standing]:
    """Cases by state and cumulative rates at each day's end; earlier events count on the
    first day shown."""

    def category(code: str | None) -> str:
        if code is not None and code.startswith("="):
            return category_of(code[1:])
        return category_of(aapor(code))

    ends = [d.date() for d in day_starts]

    def day_index(q: int) -> int:
        return max(bisect_right(ends, _local(q, zone).date()) - 1, 0)

    deltas: list[Counter[str]] = [Counter() for _ in ends]
    finished = [0] * len(ends)
    released = [0] * len(ends)
    for q, source, target, n in moves:
        i = day_index(q)
        deltas[i][category(target)] += n
        deltas[i][category(source)] -= n
        finished[i] += n if target.startswith("=") else 0
    for q, n in releases.items():
        i = day_index(q)
        deltas[i][category_of(NOT_ATTEMPTED)] += n
        released[i] += n
    counts = dict.fromkeys(CATEGORIES, 0)
    standing = []
    for i, day in enumerate(ends):
        for name, change in deltas[i].items():
            counts[name] += change
        done, out = sum(finished[: i + 1]), sum(released[: i + 1])
        standing.append(
            Standing(
                day=day,
                unreleased=total - out,
                in_play=out - done,
                finished=done,
                rates=outcome_rates(DispositionCounts(**counts)) if out else {},
            )
        )
    return standing


def _working_spells(
    session: Session, project: Project, since: datetime, now: datetime
) -> list[Spell]:
    """Working spells of the project's interviewers overlapping [since, now]."""
    members = (
        select(User.id)
        .join(ProjectMember, ProjectMember.user_id == User.id)
        .where(ProjectMember.project_id == project.id, User.role == "interviewer")
    )
    return [
        (started, ended or now)
        for started, ended in session.execute(
            select(StatusSpell.started_at, StatusSpell.ended_at).where(
                StatusSpell.user_id.in_(members),
                StatusSpell.status.in_(WORKING),
                (StatusSpell.ended_at.is_(None)) | (StatusSpell.ended_at > since),
                StatusSpell.started_at < now,
            )
        )
    ]


def _hours_in(starts: list[datetime], end: datetime, spells: list[Spell]) -> list[float]:
    """Hours of the spells falling in each bucket [starts[i], starts[i + 1]), the last one
    ending at ``end``."""
    bounds = [*starts, end]
    hours = [0.0] * len(starts)
    for started, ended in spells:
        first = max(bisect_right(bounds, started) - 1, 0)
        for i in range(first, len(starts)):
            if bounds[i] >= ended:
                break
            low, high = max(started, bounds[i]), min(ended, bounds[i + 1])
            if high > low:
                hours[i] += (high - low).total_seconds() / 3600
    return hours
