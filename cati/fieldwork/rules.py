"""Calling rules and the calendar arithmetic on them, in the respondent's local time.

Pure functions of (rules, zone, instant): no database. Windows are judged on the local wall
clock, so a 09:00-21:00 window means 09:00-21:00 in Madrid for a Madrid case and in Las
Palmas for a Canary case, whatever daylight saving does to the offsets.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LOOKAHEAD_DAYS = 60


def _clock_time(value: object) -> object:
    # YAML 1.1 reads an unquoted 21:00 as the number 1260 (base 60): refuse it rather than
    # take it as 1,260 seconds past midnight.
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError('write clock times in quotes, e.g. "21:00"')
    return value


class Window(BaseModel):
    model_config = ConfigDict(frozen=True)

    start: time
    end: time

    _times = field_validator("start", "end", mode="before")(_clock_time)

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.end <= self.start:
            raise ValueError(f"window ends ({self.end}) before it starts ({self.start})")
        return self


class Slot(BaseModel):
    """A part of the week over which attempts are spread (morning, evening, weekend…)."""

    model_config = ConfigDict(frozen=True)

    name: str
    days: tuple[str, ...]
    start: time
    end: time
    weight: float = Field(default=1.0, gt=0)

    _times = field_validator("start", "end", mode="before")(_clock_time)

    @field_validator("days")
    @classmethod
    def _known_days(cls, days: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [d for d in days if d not in WEEKDAYS]
        if unknown:
            raise ValueError(f"unknown weekday {unknown[0]!r}; use {', '.join(WEEKDAYS)}")
        return days


def _weekday_windows(start: str, end: str) -> list[Window]:
    return [Window(start=time.fromisoformat(start), end=time.fromisoformat(end))]


class CallingRules(BaseModel):
    """A project's calling rules. Stored as JSON on the project; edited by researchers."""

    model_config = ConfigDict(frozen=True)

    windows: dict[str, list[Window]] = Field(
        default_factory=lambda: {
            **{d: _weekday_windows("09:00", "21:00") for d in WEEKDAYS[:5]},
            "sat": _weekday_windows("10:00", "14:00"),
            "sun": [],
        }
    )
    holidays: list[date] = Field(default_factory=list)
    field_start: datetime | None = None
    field_end: datetime | None = None
    max_attempts_case: int = Field(default=10, ge=1, le=100)
    max_attempts_phone: int = Field(default=6, ge=1, le=100)
    slots: list[Slot] = Field(
        default_factory=lambda: [
            Slot(name="morning", days=WEEKDAYS[:5], start=time(9), end=time(14)),
            Slot(name="afternoon", days=WEEKDAYS[:5], start=time(14), end=time(18)),
            Slot(name="evening", days=WEEKDAYS[:5], start=time(18), end=time(21), weight=1.5),
            Slot(name="weekend", days=("sat", "sun"), start=time(10), end=time(14)),
        ]
    )
    claim_minutes: int = Field(default=20, ge=1, le=24 * 60)
    appointment_grace_minutes: int = Field(default=15, ge=0, le=24 * 60)
    missed_appointment_minutes: int = Field(default=60, ge=1, le=7 * 24 * 60)
    auto_release_share: float | None = Field(default=None, gt=0, le=1)
    frequency_cap_calls: int = Field(default=3, ge=1)
    frequency_cap_days: int = Field(default=7, ge=1)

    @field_validator("windows")
    @classmethod
    def _known_window_days(cls, windows: dict[str, list[Window]]) -> dict[str, list[Window]]:
        unknown = [d for d in windows if d not in WEEKDAYS]
        if unknown:
            raise ValueError(f"unknown weekday {unknown[0]!r}; use {', '.join(WEEKDAYS)}")
        return windows

    @field_validator("field_start", "field_end")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("give a time zone, e.g. 2026-12-01T00:00:00+01:00")
        return value


def _local_intervals(
    rules: CallingRules, zone: ZoneInfo, day: date
) -> list[tuple[datetime, datetime]]:
    """The calling windows of one local day, as aware UTC intervals."""
    if day in rules.holidays:
        return []
    out = []
    for w in rules.windows.get(WEEKDAYS[day.weekday()], []):
        start = datetime.combine(day, w.start, tzinfo=zone).astimezone(UTC)
        end = datetime.combine(day, w.end, tzinfo=zone).astimezone(UTC)
        out.append((start, end))
    return out


def _slot_intervals(slot: Slot, zone: ZoneInfo, day: date) -> list[tuple[datetime, datetime]]:
    if WEEKDAYS[day.weekday()] not in slot.days:
        return []
    start = datetime.combine(day, slot.start, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day, slot.end, tzinfo=zone).astimezone(UTC)
    return [(start, end)]


def _intersect(
    a: list[tuple[datetime, datetime]], b: list[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    out = []
    for s1, e1 in a:
        for s2, e2 in b:
            s, e = max(s1, s2), min(e1, e2)
            if s < e:
                out.append((s, e))
    return sorted(out)


def _days_from(instant: datetime, zone: ZoneInfo) -> Iterator[date]:
    first = instant.astimezone(zone).date()
    for offset in range(LOOKAHEAD_DAYS + 1):
        yield first + timedelta(days=offset)


def in_window(rules: CallingRules, zone_name: str, at: datetime) -> bool:
    """May this respondent be called at ``at``? (windows, holidays and field period)."""
    if rules.field_start and at < rules.field_start:
        return False
    if rules.field_end and at >= rules.field_end:
        return False
    zone = ZoneInfo(zone_name)
    day = at.astimezone(zone).date()
    return any(s <= at < e for s, e in _local_intervals(rules, zone, day))


def slot_of(rules: CallingRules, zone_name: str, at: datetime) -> str:
    """The name of the slot ``at`` falls in, or "" when none."""
    zone = ZoneInfo(zone_name)
    day = at.astimezone(zone).date()
    for slot in rules.slots:
        if any(s <= at < e for s, e in _slot_intervals(slot, zone, day)):
            return slot.name
    return ""


def next_opening(
    rules: CallingRules,
    zone_name: str,
    after: datetime,
    slot: Slot | None = None,
) -> datetime | None:
    """The first instant at or after ``after`` inside a window (and ``slot``, if given).

    None when there is none before the field period ends or within LOOKAHEAD_DAYS.
    """
    zone = ZoneInfo(zone_name)
    if rules.field_start and after < rules.field_start:
        after = rules.field_start
    for day in _days_from(after, zone):
        intervals = _local_intervals(rules, zone, day)
        if slot is not None:
            intervals = _intersect(intervals, _slot_intervals(slot, zone, day))
        for start, end in intervals:
            if end > after:
                candidate = max(start, after)
                if rules.field_end and candidate >= rules.field_end:
                    return None
                return candidate
    return None


def schedule_after(
    rules: CallingRules, zone_name: str, earliest: datetime, slot_attempts: dict[str, int]
) -> datetime | None:
    """When to call next: the least-used slot (by attempts per weight) that has an opening.

    A case that failed twice in the morning and never in the evening is next tried in the
    evening, even if a morning opening comes sooner; ties go to the sooner opening.
    """
    candidates = []
    for slot in rules.slots:
        opening = next_opening(rules, zone_name, earliest, slot)
        if opening is not None:
            load = (slot_attempts.get(slot.name, 0) + 1) / slot.weight
            candidates.append((load, opening))
    if candidates:
        return min(candidates)[1]
    return next_opening(rules, zone_name, earliest)


class HasRules(Protocol):
    rules: dict[str, Any]


def rules_of(project: HasRules) -> CallingRules:
    """A project's calling rules, from the document its ``rules`` column keeps."""
    return CallingRules.model_validate(project.rules)
