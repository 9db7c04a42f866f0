"""Every time a page shows names its zone: ``{{ dt|at(zone) }}`` gives "Wed 02 Dec 10:00
CET", and ``{{ dt|at(case.time_zone, mine=True) }}`` adds the viewer's own time when their
zone differs ("10:00 EST · yours 16:00 CET"). tests/cati/web/test_times.py scans the pages."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext
from flask_login import current_user

FORMAT = "%a %d %b %H:%M"


def _zone(zone: ZoneInfo | str | None) -> ZoneInfo:
    if isinstance(zone, ZoneInfo):
        return zone
    return ZoneInfo(zone or own_zone_name())


def own_zone_name() -> str:
    """The signed-in user's zone (their account's), UTC for anyone else."""
    return getattr(current_user, "time_zone", None) or "UTC"


def at(
    moment: datetime | None,
    zone: ZoneInfo | str | None = None,
    fmt: str = FORMAT,
    *,
    mine: bool = False,
) -> str:
    """``moment`` in ``zone`` (the viewer's when None) with the zone's abbreviation;
    ``mine`` adds the viewer's own time where it differs."""
    if moment is None:
        return "—"
    there = moment.astimezone(_zone(zone))
    text = f"{there.strftime(fmt)} {there.strftime('%Z')}"
    if mine:
        here = moment.astimezone(ZoneInfo(own_zone_name()))
        if here.utcoffset() != there.utcoffset():
            own_fmt = "%H:%M" if here.date() == there.date() else "%a %H:%M"
            own = f"{here.strftime(own_fmt)} {here.strftime('%Z')}"
            text += " · " + gettext("yours %(time)s", time=own)
    return text
