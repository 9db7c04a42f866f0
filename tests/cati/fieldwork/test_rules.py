"""Calling windows in the respondent's local time, across zones and DST changes."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from cati.fieldwork.rules import (
    CallingRules,
    in_window,
    next_opening,
    schedule_after,
    slot_of,
)

RULES = CallingRules()  # Mon-Fri 09:00-21:00, Sat 10:00-14:00, Sun closed


def local(zone: str, *args) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone))


# Europe/Madrid and Atlantic/Canary change on 2026-03-29, America/New_York on 2026-03-08.
ZONE_DAYS = [
    ("Europe/Madrid", date(2026, 3, 27), date(2026, 3, 30)),
    ("Atlantic/Canary", date(2026, 3, 27), date(2026, 3, 30)),
    ("America/New_York", date(2026, 3, 6), date(2026, 3, 9)),
    ("Europe/Madrid", date(2026, 10, 23), date(2026, 10, 26)),  # autumn change 2026-10-25
]


@pytest.mark.parametrize(("zone", "before", "after"), ZONE_DAYS)
def test_window_edges_hold_on_the_local_clock_on_both_sides_of_a_dst_change(zone, before, after):
    for day in (before, after):
        opens = datetime.combine(day, time(9), tzinfo=ZoneInfo(zone)).astimezone(UTC)
        closes = datetime.combine(day, time(21), tzinfo=ZoneInfo(zone)).astimezone(UTC)
        assert not in_window(RULES, zone, opens - timedelta(seconds=1))
        assert in_window(RULES, zone, opens)
        assert in_window(RULES, zone, closes - timedelta(seconds=1))
        assert not in_window(RULES, zone, closes)


def test_the_same_utc_instant_is_inside_madrids_window_and_outside_canarys():
    at = datetime(2026, 3, 30, 7, 30, tzinfo=UTC)  # 09:30 in Madrid, 08:30 in Las Palmas
    assert in_window(RULES, "Europe/Madrid", at)
    assert not in_window(RULES, "Atlantic/Canary", at)


def test_new_york_utc_offsets_of_the_opening_change_with_dst():
    friday = next_opening(RULES, "America/New_York", datetime(2026, 3, 6, 12, tzinfo=UTC))
    monday = next_opening(RULES, "America/New_York", datetime(2026, 3, 9, 12, tzinfo=UTC))
    assert friday == datetime(2026, 3, 6, 14, tzinfo=UTC)  # 09:00 EST
    assert monday == datetime(2026, 3, 9, 13, tzinfo=UTC)  # 09:00 EDT


def test_saturday_has_its_own_window_and_sunday_none():
    assert in_window(RULES, "Europe/Madrid", local("Europe/Madrid", 2026, 11, 28, 10, 0))
    assert not in_window(RULES, "Europe/Madrid", local("Europe/Madrid", 2026, 11, 28, 14, 0))
    assert not in_window(RULES, "Europe/Madrid", local("Europe/Madrid", 2026, 11, 29, 12, 0))


def test_after_friday_night_the_next_opening_is_saturday_ten_then_monday_nine():
    friday_night = local("Europe/Madrid", 2026, 11, 27, 21, 30)
    saturday = next_opening(RULES, "Europe/Madrid", friday_night)
    assert saturday == local("Europe/Madrid", 2026, 11, 28, 10, 0)
    after_saturday = next_opening(RULES, "Europe/Madrid", local("Europe/Madrid", 2026, 11, 28, 14))
    assert after_saturday == local("Europe/Madrid", 2026, 11, 30, 9, 0)


def test_holidays_are_skipped():
    rules = CallingRules(holidays=[date(2026, 12, 8)])  # a Tuesday
    assert not in_window(rules, "Europe/Madrid", local("Europe/Madrid", 2026, 12, 8, 12))
    opening = next_opening(rules, "Europe/Madrid", local("Europe/Madrid", 2026, 12, 7, 22))
    assert opening == local("Europe/Madrid", 2026, 12, 9, 9)


def test_nothing_opens_after_the_field_period():
    end = local("Europe/Madrid", 2026, 12, 4, 18)
    rules = CallingRules(field_end=end)
    assert next_opening(rules, "Europe/Madrid", local("Europe/Madrid", 2026, 12, 4, 17)) == (
        local("Europe/Madrid", 2026, 12, 4, 17)
    )
    assert next_opening(rules, "Europe/Madrid", local("Europe/Madrid", 2026, 12, 4, 19)) is None
    assert not in_window(rules, "Europe/Madrid", end)


def test_nothing_opens_before_the_field_period():
    start = local("Europe/Madrid", 2026, 12, 1, 0)
    rules = CallingRules(field_start=start)
    assert not in_window(rules, "Europe/Madrid", local("Europe/Madrid", 2026, 11, 30, 12))
    opening = next_opening(rules, "Europe/Madrid", local("Europe/Madrid", 2026, 11, 30, 12))
    assert opening == local("Europe/Madrid", 2026, 12, 1, 9)


def test_slots_name_the_part_of_the_week():
    assert slot_of(RULES, "Europe/Madrid", local("Europe/Madrid", 2026, 11, 30, 10)) == "morning"
    assert slot_of(RULES, "Europe/Madrid", local("Europe/Madrid", 2026, 11, 30, 19)) == "evening"
    assert slot_of(RULES, "Europe/Madrid", local("Europe/Madrid", 2026, 11, 28, 11)) == "weekend"


def test_a_delay_ending_inside_an_open_window_is_honoured_to_the_minute():
    """Busy at Thursday 18:37 with a 15-minute delay: 18:52, whatever slots were tried."""
    thursday = local("Europe/Madrid", 2026, 12, 3, 18, 37)
    tried = {"morning": 1, "evening": 3}
    when = schedule_after(RULES, "Europe/Madrid", thursday + timedelta(minutes=15), tried)
    assert when == local("Europe/Madrid", 2026, 12, 3, 18, 52)


def test_a_case_waiting_for_an_opening_takes_its_least_used_slot():
    after_closing = local("Europe/Madrid", 2026, 11, 30, 20, 30) + timedelta(hours=2)
    when = schedule_after(RULES, "Europe/Madrid", after_closing, {"morning": 1, "evening": 1})
    assert when == local("Europe/Madrid", 2026, 12, 1, 14, 0)  # Tuesday afternoon
    when = schedule_after(RULES, "Europe/Madrid", after_closing, {"evening": 1})
    assert when == local("Europe/Madrid", 2026, 12, 1, 9, 0)  # morning, the sooner of a tie


def test_slot_rotation_spreads_overnight_waits_over_every_slot():
    tried: dict[str, int] = {}
    at = local("Europe/Madrid", 2026, 11, 30, 9, 0)
    for _ in range(8):
        at = schedule_after(RULES, "Europe/Madrid", at + timedelta(days=1, hours=12), tried)
        name = slot_of(RULES, "Europe/Madrid", at)
        tried[name] = tried.get(name, 0) + 1
    assert set(tried) == {"morning", "afternoon", "evening", "weekend"}
    assert max(tried.values()) - min(tried.values()) <= 2


def test_bad_rules_are_refused_with_the_place():
    from cati.errors import CatiError
    from cati.fieldwork.projects import parse_rules

    with pytest.raises(CatiError) as caught:
        parse_rules({"windows": {"mon": [{"start": "21:00", "end": "09:00"}]}})
    assert "windows.mon.0" in str(caught.value)
    with pytest.raises(CatiError) as caught:
        parse_rules({"windows": {"funday": []}})
    assert "funday" in str(caught.value)


def test_an_unquoted_yaml_time_is_refused_not_misread():
    import yaml

    from cati.errors import CatiError
    from cati.fieldwork.projects import parse_rules

    document = yaml.safe_load("windows:\n  mon: [{start: '09:00', end: 21:00}]\n")
    assert document["windows"]["mon"][0]["end"] == 1260  # what YAML 1.1 makes of it
    with pytest.raises(CatiError) as caught:
        parse_rules(document)
    assert 'write clock times in quotes, e.g. "21:00"' in str(caught.value)
    assert "windows.mon.0.end" in str(caught.value)


def test_a_window_starting_in_the_skipped_hour_opens_when_the_clocks_jump():
    rules = CallingRules(windows={"sun": [{"start": "02:30", "end": "05:00"}]})
    saturday_night = datetime(2026, 3, 8, 5, tzinfo=UTC)  # 00:00 EST, 8 March 2026
    assert next_opening(rules, "America/New_York", saturday_night) == datetime(
        2026, 3, 8, 7, tzinfo=UTC
    )  # 03:00 EDT: 02:30 never happens that night


def test_a_window_over_the_repeated_hour_holds_both_passes_and_not_between():
    rules = CallingRules(windows={"sun": [{"start": "01:30", "end": "02:30"}]})
    zone = "America/New_York"  # 1 November 2026: 01:00-02:00 happens twice
    first_pass = datetime(2026, 11, 1, 5, 45, tzinfo=UTC)  # 01:45 EDT
    between = datetime(2026, 11, 1, 6, 15, tzinfo=UTC)  # 01:15 EST
    second_pass = datetime(2026, 11, 1, 6, 45, tzinfo=UTC)  # 01:45 EST
    assert in_window(rules, zone, first_pass) and in_window(rules, zone, second_pass)
    assert not in_window(rules, zone, between)
    assert next_opening(rules, zone, between) == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
