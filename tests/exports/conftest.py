"""A small labelled data set, built without the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest


@dataclass(frozen=True)
class Col:
    name: str
    label: str
    kind: str
    value_labels: dict[int, str] = field(default_factory=dict)
    missing: tuple[int, ...] = ()
    source: str = "question"
    question_id: str | None = None
    value_names: dict[int, str] = field(default_factory=dict)


HOSTILE = "<script>alert('x')</script><style>body{display:none}</style>"
COLUMNS = [
    Col("case_id", "Case id", "string", source="paradata"),
    Col(
        "q1",
        "Satisfaction",
        "numeric",
        {1: "Bad", 2: "Good", 98: "Don't know"},
        (97, 98, 99),
        question_id="q1",
    ),
    Col("ch_1", "Channels: Phone", "numeric", {0: "Not selected", 1: "Selected"}, question_id="ch"),
    Col("ch_2", "Channels: Email", "numeric", {0: "Not selected", 1: "Selected"}, question_id="ch"),
    Col("spend", "Monthly spend", "numeric", {}, (97, 98, 99), question_id="spend"),
    Col("why", "Why", "string", question_id="why"),
    Col("phone", "Sample: phone", "string", source="sample"),
    Col("region", "Sample: region", "string", source="sample"),
    Col("design_weight", "Design weight", "numeric", source="paradata"),
    Col("started_at", "Interview start (UTC)", "numeric", source="paradata"),
]


@pytest.fixture
def columns() -> list[Col]:
    return list(COLUMNS)


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "case_id": ["c1", "c2", "c3", "c4"],
            "q1": [1.0, 2.0, 98.0, np.nan],
            "ch_1": [1.0, 0.0, 1.0, np.nan],
            "ch_2": [0.0, 1.0, 1.0, np.nan],
            "spend": [12.5, 99.0, 3.25, np.nan],
            "why": ['=HYPERLINK("http://x")', "+1 cheap", HOSTILE, None],
            "phone": ["+15555550101", "+15555550102", "@SUM(A1)", "-3"],
            "region": ["Norte", "Sur", "Norte", "Este"],
            "design_weight": [1.0, 2.0, 1.5, 1.0],
            "started_at": [datetime(2026, 11, 30, 9, m, tzinfo=UTC) for m in range(4)],
        }
    )
