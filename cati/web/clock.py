"""The time the web layer acts at: the real clock, or the one a test or demo puts in
``app.config["CATI_CLOCK"]`` (a function returning an aware UTC datetime)."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from cati.db import utcnow


def now() -> datetime:
    clock = current_app.config.get("CATI_CLOCK")
    return clock() if clock is not None else utcnow()
