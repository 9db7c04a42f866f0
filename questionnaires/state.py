"""The state of one interview: plain data that serializes to JSON and resumes exactly."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

ACTIVE = "active"
COMPLETED = "completed"
SCREENED_OUT = "screened_out"
BREAKOFF = "breakoff"
PARTIAL = "partial"


@dataclass(frozen=True)
class InterviewState:
    """Everything the engine needs to carry on; engine functions return new states.

    ``answers`` maps an answer key (a question id, or ``id[item]`` inside a loop) to the raw
    answer. ``history`` lists the pages before the current one as ``[page key, answer keys]``.
    The realized random orders are recorded so a resumed interview shows the same order.
    """

    questionnaire_id: str
    version: str
    language: str
    seed: int | str
    sample: dict[str, Any]
    block_order: list[str]
    option_orders: dict[str, list[int]]
    item_orders: dict[str, list[str]]
    answers: dict[str, Any] = field(default_factory=dict)
    position: str | None = None  # key of the current page; None once the interview is over
    history: list[list[Any]] = field(default_factory=list)
    status: str = ACTIVE
    outcome: str | None = None  # screen-out or time-out code
    started_at: str | None = None  # ISO 8601 UTC
    page_started_at: str | None = None
    page_seconds: dict[str, float] = field(default_factory=dict)
    confirmed_checks: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> InterviewState:
        return cls(**json.loads(text))

    @property
    def finished(self) -> bool:
        return self.status != ACTIVE


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def parse_iso(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)
