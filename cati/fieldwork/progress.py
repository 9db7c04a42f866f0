"""A project's fieldwork progress as a client sees it: no case, no interviewer, no phone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cati.fieldwork.monitor import interim_codes
from cati.fieldwork.reports import project_summary
from cati.models import CallAttempt, Case, Project
from cati.stats.aapor import DispositionCounts, outcome_rates


@dataclass(frozen=True)
class Progress:
    project: Project
    by_state: dict[str, int]
    completes: int
    quotas: list[tuple[str, int, int, bool]]
    response_rate: float | None  # AAPOR RR3 with the interim dispositions
    contact_rate: float | None  # AAPOR CON2
    first_release: datetime | None
    last_call: datetime | None

    @property
    def cases(self) -> int:
        return sum(self.by_state.values())


def _rate(rates: dict[str, float], name: str) -> float | None:
    value = rates.get(name)
    return None if value is None or value != value else value  # NaN: no denominator yet


def progress(session: Session, project: Project) -> Progress:
    summary = project_summary(session, project)
    codes = interim_codes(session, project)
    rates = outcome_rates(DispositionCounts.from_codes(codes)) if codes else {}
    completes = sum(n for (_code, aapor), n in summary.by_final_outcome.items() if aapor == "1.1")
    first_release = session.scalar(
        select(func.min(Case.released_at)).where(Case.project_id == project.id)
    )
    last_call = session.scalar(
        select(func.max(CallAttempt.started_at))
        .join(Case, Case.id == CallAttempt.case_id)
        .where(Case.project_id == project.id)
    )
    return Progress(
        project=project,
        by_state=summary.by_state,
        completes=completes,
        quotas=summary.quotas,
        response_rate=_rate(rates, "RR3"),
        contact_rate=_rate(rates, "CON2"),
        first_release=first_release,
        last_call=last_call,
    )
