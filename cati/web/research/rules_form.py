"""The calling rules as a form: every field of ``CallingRules`` and the outcomes' delays, as
flat input names (``windows-mon-1-end``, ``slots-0-weight``, ``delay-BUSY``) to and from
the rules document, with each problem put back beside the input it names.

The form sends strings; pydantic's lax mode reads them (``"10"`` is 10), so a bad value is
refused by the same checks as a YAML file. Blank rows (a window or slot with nothing typed)
are left out, and the places of the rows sent are kept to map ``windows.mon.0`` back to its
row. Field period times are typed on the project's clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from werkzeug.datastructures import MultiDict

from cati.fieldwork.rules import WEEKDAYS, CallingRules
from cati.models import Outcome
from cati.problems import Gettext, Problem

BLANK_WINDOWS = 2  # empty rows offered per weekday, for adding windows
BLANK_SLOTS = 1
NUMBERS = (
    "max_attempts_case",
    "max_attempts_phone",
    "claim_minutes",
    "appointment_grace_minutes",
    "missed_appointment_minutes",
    "frequency_cap_calls",
    "frequency_cap_days",
    "auto_release_share",
)
SLOT_PARTS = ("name", "start", "end", "weight")


@dataclass
class RulesFormState:
    """What the form shows: each input's value, and its errors."""

    values: dict[str, Any]
    windows: dict[str, int]  # rows per weekday
    slots: int
    outcomes: list[Outcome]
    errors: dict[str, list[str]] = field(default_factory=dict)
    elsewhere: list[str] = field(default_factory=list)  # problems of no input shown
    _rows: dict[str, list[int]] = field(default_factory=dict)  # sent item -> form row

    def value(self, name: str) -> Any:
        return self.values.get(name, "")

    def add(self, problems: list[Problem], gettext: Gettext) -> None:
        for problem in problems:
            message = gettext(problem.template) % dict(problem.params)
            name = self._input(problem.place.path)
            if name is None:
                self.elsewhere.append(problem.translated(gettext))
            else:
                self.errors.setdefault(name, []).append(message)

    def _input(self, path: str) -> str | None:
        """The input (or row) a problem's place names: ``windows.mon.0.end`` is the end of
        the first window sent for Monday, whichever row of the form it was typed in."""
        parts = path.split(".")
        head = parts[0]
        if head == "windows" and len(parts) >= 3 and parts[2].isdigit():
            return self._row(f"windows-{parts[1]}", int(parts[2]), parts[3:])
        if head == "slots" and len(parts) >= 2 and parts[1].isdigit():
            return self._row("slots", int(parts[1]), parts[2:])
        if head == "delays" and len(parts) == 2:
            return f"delay-{parts[1]}"
        if head in (*NUMBERS, "holidays", "field_start", "field_end", "windows", "slots"):
            return head
        if head == "(top)":
            return "field_end"  # the one check over several fields: the field period's order
        return None

    def _row(self, key: str, index: int, rest: list[str]) -> str:
        rows = self._rows.get(key, [])
        if index >= len(rows):
            return key.split("-")[0]
        return "-".join([key, str(rows[index]), *rest[:1]])


def _clock(value: Any) -> str:
    return value.isoformat("minutes") if value is not None else ""


def _local(value: datetime | None, zone: ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%dT%H:%M") if value else ""


def state_of(rules: CallingRules, zone_name: str, outcomes: list[Outcome]) -> RulesFormState:
    """The form filled from the rules in force."""
    zone = ZoneInfo(zone_name)
    values: dict[str, Any] = {name: getattr(rules, name) for name in NUMBERS}
    values["auto_release_share"] = rules.auto_release_share or ""
    rows = {}
    for day in WEEKDAYS:
        windows = rules.windows.get(day, [])
        rows[day] = len(windows) + BLANK_WINDOWS
        for i, w in enumerate(windows):
            values[f"windows-{day}-{i}-start"] = _clock(w.start)
            values[f"windows-{day}-{i}-end"] = _clock(w.end)
    for i, slot in enumerate(rules.slots):
        values[f"slots-{i}-name"] = slot.name
        values[f"slots-{i}-start"] = _clock(slot.start)
        values[f"slots-{i}-end"] = _clock(slot.end)
        values[f"slots-{i}-weight"] = f"{slot.weight:g}"
        values[f"slots-{i}-days"] = list(slot.days)
    values["holidays"] = ", ".join(d.isoformat() for d in rules.holidays)
    values["field_start"] = _local(rules.field_start, zone)
    values["field_end"] = _local(rules.field_end, zone)
    for outcome in outcomes:
        values[f"delay-{outcome.code}"] = outcome.delay_minutes
    return RulesFormState(values, rows, len(rules.slots) + BLANK_SLOTS, outcomes)


def _rows_sent(form: MultiDict, prefix: str) -> int:
    found = [int(m.group(1)) for k in form if (m := re.fullmatch(rf"{prefix}-(\d+)-\w+", k))]
    return max(found, default=-1) + 1


def _on_clock(text: str, zone: ZoneInfo) -> str | None:
    """A time typed on the project's clock, as ISO 8601 with its offset (or as typed when
    it is no time: the rules' check then names it)."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).isoformat()


def read_form(
    form: MultiDict, zone_name: str, outcomes: list[Outcome]
) -> tuple[dict[str, Any], dict[str, Any], RulesFormState]:
    """The rules document and the delays (code: minutes) a posted form asks for, and the
    form to show again with what was typed."""
    zone = ZoneInfo(zone_name)
    values: dict[str, Any] = {k: v.strip() for k, v in form.items() if k != "csrf_token"}
    document: dict[str, Any] = {name: values.get(name, "") for name in NUMBERS}
    document["auto_release_share"] = document["auto_release_share"] or None
    placed: dict[str, list[int]] = {}
    rows: dict[str, int] = {}
    document["windows"] = {}
    for day in WEEKDAYS:
        rows[day] = max(_rows_sent(form, f"windows-{day}"), 1)
        kept = placed.setdefault(f"windows-{day}", [])
        windows = []
        for i in range(rows[day]):
            start, end = (values.get(f"windows-{day}-{i}-{part}", "") for part in ("start", "end"))
            if start or end:
                windows.append({"start": start, "end": end})
                kept.append(i)
        document["windows"][day] = windows
    slots = []
    sent_slots = max(_rows_sent(form, "slots"), 1)
    for i in range(sent_slots):
        parts = {part: values.get(f"slots-{i}-{part}", "") for part in SLOT_PARTS}
        days = form.getlist(f"slots-{i}-days")
        values[f"slots-{i}-days"] = days
        if any(parts[p] for p in ("name", "start", "end")):
            slots.append({**parts, "days": days, "weight": parts["weight"] or 1})
            placed.setdefault("slots", []).append(i)
    document["slots"] = slots
    document["holidays"] = [d for d in re.split(r"[\s,;]+", values.get("holidays", "")) if d]
    document["field_start"] = _on_clock(values.get("field_start", ""), zone)
    document["field_end"] = _on_clock(values.get("field_end", ""), zone)
    delays = {}
    for outcome in outcomes:
        typed = values.get(f"delay-{outcome.code}", "")
        delays[outcome.code] = int(typed) if typed.isdigit() else typed
    state = RulesFormState(values, rows, sent_slots, outcomes, _rows=placed)
    return document, delays, state
