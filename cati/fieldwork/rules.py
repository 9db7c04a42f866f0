"""Calling rules and the calendar arithmetic on them, in the respondent's local time.

Pure functions of (rules, zone, instant): no database. Windows are judged on the local wall
clock, so a 09:00-21:00 window means 09:00-21:00 in Madrid for a Madrid case and in Las
Palmas for a Canary case, whatever daylight saving does to the offsets.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LOOKAHEAD_DAYS = 60


def _clock_time(value: object) -> object:
    # YAML 1.1 reads an unquoted 21:00 as the number 1260 (base 60): refuse it rather than
    # take it as 1,260 seconds past midnight.
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise PydanticCustomError("clock_unquoted", 'write clock times in quotes, e.g. "21:00"')
    return value


def _ordered(start: time, end: time) -> None:
    if end <= start:
        raise PydanticCustomError(
            "span_order",
            "ends ({end}) before it starts ({start})",
            {"start": start.isoformat("minutes"), "end": end.isoformat("minutes")},
        )


def _known(days: object) -> None:
    unknown = [d for d in days if d not in WEEKDAYS]  # type: ignore[attr-defined]
    if unknown:
        raise PydanticCustomError(
            "weekday_unknown",
            "unknown weekday {day!r}; use {days}",
            {"day": unknown[0], "days": ", ".join(WEEKDAYS)},
        )


class Window(BaseModel):
    model_config = ConfigDict(frozen=True)

    start: time
    end: time

    _times = field_validator("start", "end", mode="before")(_clock_time)

    @model_validator(mode="after")
    def _in_order(self) -> Window:
        _ordered(self.start, self.end)
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
        _known(days)
        if not days:
            raise PydanticCustomError("days_missing", "give at least one weekday")
        return days

    @model_validator(mode="after")
    def _in_order(self) -> Slot:
        _ordered(self.start, self.end)
        return self


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
        _known(windows)
        return windows

    @field_validator("slots")
    @classmethod
    def _distinct_slots(cls, slots: list[Slot]) -> list[Slot]:
        names = [s.name for s in slots]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise PydanticCustomError(
                "slot_twice", "slot {name!r} is named twice", {"name": twice[0]}
            )
        return slots

    @field_validator("field_start", "field_end")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise PydanticCustomError(
                "zone_missing", "give a time zone, e.g. 2026-12-01T00:00:00+01:00"
            )
        return value

    @model_validator(mode="after")
    def _field_period(self) -> CallingRules:
        if self.field_start and self.field_end and self.field_end <= self.field_start:
            raise PydanticCustomError(
                "field_period_order", "the field period ends before it starts"
            )
        return self


@lru_cache(maxsize=4096)  # the same few days of the same few zones, for every case
def _offset_pieces(
    zone: ZoneInfo, day: date
) -> tuple[tuple[datetime | None, datetime | None], ...]:
    """The stretches of UTC around a local day over which the zone's offset is constant:
    one, or two split at the day's daylight-saving change (found to the second)."""

    def offset(second: int) -> timedelta | None:
        return datetime.fromtimestamp(second, zone).utcoffset()

    low = int(datetime.combine(day, time(), tzinfo=UTC).timestamp()) - 24 * 3600
    high = low + 3 * 24 * 3600
    if offset(low) == offset(high):
        return ((None, None),)
    while high - low > 1:  # on whole seconds: ``high`` ends as the change itself
        middle = (low + high) // 2
        if offset(middle) == offset(low):
            low = middle
        else:
            high = middle
    change = datetime.fromtimestamp(high, UTC)
    return ((None, change), (change, None))


def _wall_intervals(
    zone: ZoneInfo, day: date, spans: list[tuple[time, time]]
) -> list[tuple[datetime, datetime]]:
    """The UTC instants whose local wall clock reads inside one of ``spans`` on ``day``.

    Exact across daylight saving: a window starting in the skipped hour opens when the
    clocks jump, and one over the repeated hour holds both passes of it, not the gap
    between. Naive ``combine`` would shift such edges by the hour.
    """
    out = []
    for piece_start, piece_end in _offset_pieces(zone, day):
        probe = piece_start or piece_end or datetime.combine(day, time(12), tzinfo=UTC)
        offset = (probe if piece_start else probe - timedelta(seconds=1)).astimezone(zone)
        shift = offset.utcoffset() or timedelta()
        for first, last in spans:
            start = datetime.combine(day, first, tzinfo=UTC) - shift
            end = datetime.combine(day, last, tzinfo=UTC) - shift
            if piece_start is not None:
                start = max(start, piece_start)
            if piece_end is not None:
                end = min(end, piece_end)
            if start < end:
                out.append((start, end))
    return sorted(out)


def _local_intervals(
    rules: CallingRules, zone: ZoneInfo, day: date
) -> list[tuple[datetime, datetime]]:
    """The calling windows of one local day, as aware UTC intervals."""
    if day in rules.holidays:
        return []
    spans = [(w.start, w.end) for w in rules.windows.get(WEEKDAYS[day.weekday()], [])]
    return _wall_intervals(zone, day, spans)


def _slot_intervals(slot: Slot, zone: ZoneInfo, day: date) -> list[tuple[datetime, datetime]]:
    if WEEKDAYS[day.weekday()] not in slot.days:
        return []
    return _wall_intervals(zone, day, [(slot.start, slot.end)])


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
    """When to call next, ``earliest`` being the last call's end plus its outcome's delay.

    Inside an open window, ``earliest`` itself: a delay is honoured to the minute (busy at
    18:37 with 15 minutes is called at 18:52, not in a later slot). Outside, the case waits
    for an opening anyway, and takes the one of its least-used slot (attempts per weight;
    ties: the sooner opening): a case that rang out at 20:30 in the evening and was tried
    in the morning before is next called in the afternoon.
    """
    if in_window(rules, zone_name, earliest):
        return earliest
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


# Rules validated once per document: the copies of a project in one process share its
# document (cati.fieldwork.project_cache); a document read anew is validated anew.
_validated: dict[int, tuple[dict[str, Any], CallingRules]] = {}


def rules_of(project: HasRules) -> CallingRules:
    """A project's calling rules, from the document its ``rules`` column keeps."""
    document = project.rules
    known = _validated.get(id(document))
    if known is not None and known[0] is document:
        return known[1]
    rules = CallingRules.model_validate(document)
    if len(_validated) >= 256:
        _validated.clear()
    _validated[id(document)] = (document, rules)  # the document kept: its id stays its own
    return rules
