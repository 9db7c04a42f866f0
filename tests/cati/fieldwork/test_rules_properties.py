"""Delays are honoured to the minute inside open windows, across days and DST changes.

Random rules (windows per weekday, holidays, field period, slots) and random times near the
2026 changes of Europe/Madrid and America/New_York are checked against an oracle that scans
minute by minute and reads each minute on the respondent's wall clock: it shares no code
with cati's interval arithmetic.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from cati.fieldwork.rules import WEEKDAYS, CallingRules, next_opening, schedule_after

HORIZON = timedelta(days=6)
CHANGES = {  # the 2026 daylight-saving changes, in UTC
    "Europe/Madrid": [datetime(2026, 3, 29, 1, tzinfo=UTC), datetime(2026, 10, 25, 1, tzinfo=UTC)],
    "America/New_York": [
        datetime(2026, 3, 8, 7, tzinfo=UTC),
        datetime(2026, 11, 1, 6, tzinfo=UTC),
    ],
}


def _clock(minute: int) -> time:
    return time(minute // 60, minute % 60)


@st.composite
def spans(draw) -> tuple[str, str]:
    """A start and end on the minute, weighted towards the small hours DST moves."""
    minute = st.one_of(st.integers(0, 23 * 60 + 58), st.integers(60, 4 * 60))
    start = draw(minute)
    end = draw(st.integers(start + 1, 23 * 60 + 59))
    return _clock(start).isoformat("minutes"), _clock(end).isoformat("minutes")


@st.composite
def cases(draw):
    zone = draw(st.sampled_from(sorted(CHANGES)))
    change = draw(st.sampled_from(CHANGES[zone]))
    now = change + timedelta(minutes=draw(st.integers(-4 * 24 * 60, 4 * 24 * 60)))
    windows = {
        day: [dict(zip(("start", "end"), draw(spans()), strict=True)) for _ in range(n)]
        for day in WEEKDAYS
        for n in [draw(st.integers(0, 3))]
    }
    slots = []
    for i in range(draw(st.integers(0, 3))):
        start, end = draw(spans())
        days = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7, unique=True))
        weight = draw(st.sampled_from([0.5, 1.0, 1.5, 2.0]))
        slots.append({"name": f"s{i}", "days": days, "start": start, "end": end, "weight": weight})
    local_day = now.astimezone(ZoneInfo(zone)).date()
    holidays = draw(st.lists(st.integers(0, 6).map(lambda d: local_day + timedelta(days=d))))
    document = {"windows": windows, "slots": slots, "holidays": holidays}
    if draw(st.booleans()):
        document["field_end"] = now + timedelta(minutes=draw(st.integers(0, 5 * 24 * 60)))
    if draw(st.booleans()):
        start = now + timedelta(minutes=draw(st.integers(-600, 3 * 24 * 60)))
        if start < document.get("field_end", start + timedelta(1)):  # a period in order
            document["field_start"] = start
    delay = draw(st.one_of(st.integers(0, 180), st.integers(0, 3 * 24 * 60)))
    tried = {s["name"]: draw(st.integers(0, 4)) for s in slots}
    return CallingRules.model_validate(document), document, zone, now, delay, tried


def _wall(document: dict, zone: str, minute: datetime) -> tuple[str, time, date]:
    local = minute.astimezone(ZoneInfo(zone))
    return WEEKDAYS[local.weekday()], local.time().replace(tzinfo=None), local.date()


def _open(document: dict, zone: str, minute: datetime) -> bool:
    """The oracle: the respondent's wall clock reads inside a window of that weekday."""
    if document.get("field_start") and minute < document["field_start"]:
        return False
    if document.get("field_end") and minute >= document["field_end"]:
        return False
    weekday, clock, day = _wall(document, zone, minute)
    if day in document["holidays"]:
        return False
    return any(
        time.fromisoformat(w["start"]) <= clock < time.fromisoformat(w["end"])
        for w in document["windows"][weekday]
    )


def _in_slot(slot: dict, zone: str, minute: datetime) -> bool:
    weekday, clock, _ = _wall({}, zone, minute)
    start, end = time.fromisoformat(slot["start"]), time.fromisoformat(slot["end"])
    return weekday in slot["days"] and start <= clock < end


def _first(document: dict, zone: str, earliest: datetime, slot: dict | None = None):
    minute = earliest
    while minute < earliest + HORIZON:
        if _open(document, zone, minute) and (slot is None or _in_slot(slot, zone, minute)):
            return minute
        minute += timedelta(minutes=1)
    return None


def _beyond_horizon(result, document, zone, earliest) -> bool:
    """Nothing valid within the horizon: the answer is none or later and valid."""
    return result is None or (result >= earliest + HORIZON and _open(document, zone, result))


@settings(max_examples=100, deadline=None)
@given(cases())
def test_the_next_opening_is_the_first_open_minute_at_or_after_the_time_asked(case):
    rules, document, zone, now, delay, _ = case
    earliest = now + timedelta(minutes=delay)
    expected = _first(document, zone, earliest)
    result = next_opening(rules, zone, earliest)
    if expected is None:
        assert _beyond_horizon(result, document, zone, earliest)
    else:
        assert result == expected


@settings(max_examples=100, deadline=None)
@given(cases())
def test_the_next_call_honours_the_delay_to_the_minute_and_waits_in_the_least_used_slot(case):
    """Inside a window the delay's end is the time; outside, the least-used slot's first
    open minute (attempts per weight; ties: the sooner), or the first open minute."""
    rules, document, zone, now, delay, tried = case
    earliest = now + timedelta(minutes=delay)
    result = schedule_after(rules, zone, earliest, tried)
    if result is not None:
        assert result >= earliest
        assert _open(document, zone, result)
    if _open(document, zone, earliest):
        assert result == earliest
        return
    openings = [
        ((tried[s["name"]] + 1) / s["weight"], found)
        for s in document["slots"]
        if (found := _first(document, zone, earliest, s)) is not None
    ]
    expected = min(openings)[1] if openings else _first(document, zone, earliest)
    if (
        result is not None
        and result >= earliest + HORIZON
        and len(openings) < len(document["slots"])
    ):
        return  # a less-used slot opens only beyond the oracle's horizon
    if expected is None:
        assert _beyond_horizon(result, document, zone, earliest)
    else:
        assert result == expected
