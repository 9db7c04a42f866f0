"""What each quota card on the project page shows: the cell, the sample cases in it, the
completes achieved, the target and how many are still needed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from cati import db
from cati.fieldwork import quota_cells, quotas
from cati.models import Project, Quota


@dataclass(frozen=True)
class QuotaCard:
    quota: Quota
    # (variable, values with their option labels), one per crossed variable.
    definition: list[tuple[str, list[str]]]
    sample_cases: int | None  # None: a cell on answers, judged only in the interview
    closes_at: int  # the target, or for a soft cell the target and the share over it

    @property
    def needed(self) -> int:
        return max(0, self.quota.target - self.quota.achieved)


def quota_cards(project: Project) -> list[QuotaCard]:
    session = db.session()
    found = list(
        session.scalars(select(Quota).where(Quota.project_id == project.id).order_by(Quota.name))
    )
    if not found:
        return []
    asked = quota_cells.questions(project)
    counts = quotas.cases_in_cells(session, project, found)
    cards = []
    for quota in found:
        definition = []
        for var, values in quota.cell.items():
            labels = {} if var in project.personal_fields else asked.get(var) or {}
            definition.append(
                (var, [v if labels.get(v, v) == v else f"{v} ({labels[v]})" for v in values])
            )
        on_sample = all(var in project.personal_fields for var in quota.cell)
        cards.append(
            QuotaCard(
                quota, definition, counts[quota.id] if on_sample else None, quotas.limit(quota)
            )
        )
    return cards
