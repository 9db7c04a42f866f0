"""Quality flags on a project's completed interviews, for the supervisor to review.

The rules are simple on purpose, so that a flag can be explained to the interviewer:
- short: the interview took less than ``SHORT_SHARE`` of the project's median length;
- straight-lining: every item of a grid of at least ``GRID_ROWS`` items got the same answer;
- don't know / refused: more than ``SPECIAL_SHARE`` of the answers were DK or REF
  (with at least ``SPECIAL_MIN_ANSWERS`` answers);
- back-to-back: an interviewer started a completed interview less than ``GAP_SECONDS``
  after finishing the previous one, at least ``GAP_TIMES`` times (completes that cluster
  oddly in time are the classic sign of invented interviews);
- corrected without an interview: a supervisor set an outcome only an interview gives
  (complete, partial, quota full, screen-out) on a case that has no interview.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from cati.fieldwork.default_outcomes import INTERVIEW_ONLY
from cati.models import AuditEntry, Case, Interview, Project, User
from questionnaires import special_kind

SHORT_SHARE = 0.5
GRID_ROWS = 4
SPECIAL_SHARE = 0.3
SPECIAL_MIN_ANSWERS = 5
GAP_SECONDS = 60
GAP_TIMES = 3


@dataclass(frozen=True)
class Flag:
    kind: str  # short, straight_lining, dont_know, back_to_back, no_interview
    interviewer: str
    case: str | None
    detail: str
    at: datetime | None


def _specials(answers: dict) -> tuple[int, int]:
    special = total = 0
    for value in answers.values():
        if isinstance(value, dict) and special_kind(value) is None:  # a grid
            for row in value.values():
                total += 1
                special += special_kind(row) is not None
        else:
            total += 1
            special += special_kind(value) is not None
    return special, total


def _straight_lined(answers: dict) -> list[str]:
    grids = []
    for key, value in answers.items():
        if isinstance(value, dict) and special_kind(value) is None and len(value) >= GRID_ROWS:
            codes = {str(v) for v in value.values()}
            if len(codes) == 1:
                grids.append(key)
    return grids


def flags(session: Session, project: Project) -> list[Flag]:
    rows = session.execute(
        select(
            Interview.interviewer_id,
            Interview.answers,
            Interview.started_at,
            Interview.ended_at,
            Case.external_id,
            User.username,
            User.full_name,
        )
        .join(Case, Case.id == Interview.case_id)
        .outerjoin(User, User.id == Interview.interviewer_id)
        .where(Case.project_id == project.id, Interview.status == "completed")
        .order_by(Interview.interviewer_id, Interview.started_at)
    ).all()
    lengths = [(r.ended_at - r.started_at).total_seconds() for r in rows if r.ended_at]
    median = statistics.median(lengths) if lengths else None
    found: list[Flag] = []
    gaps: dict[str, list[datetime]] = {}
    previous_end: dict[int | None, datetime] = {}
    for r in rows:
        who = r.full_name or r.username or "web"
        seconds = (r.ended_at - r.started_at).total_seconds() if r.ended_at else None
        if median and seconds is not None and seconds < SHORT_SHARE * median:
            found.append(
                Flag(
                    "short",
                    who,
                    r.external_id,
                    f"{seconds / 60:.1f} min (median {median / 60:.1f} min)",
                    r.ended_at,
                )
            )
        for grid in _straight_lined(r.answers or {}):
            found.append(Flag("straight_lining", who, r.external_id, grid, r.ended_at))
        special, total = _specials(r.answers or {})
        if total >= SPECIAL_MIN_ANSWERS and special / total > SPECIAL_SHARE:
            found.append(Flag("dont_know", who, r.external_id, f"{special} / {total}", r.ended_at))
        if r.interviewer_id is not None:
            last = previous_end.get(r.interviewer_id)
            if last is not None and (r.started_at - last).total_seconds() < GAP_SECONDS:
                gaps.setdefault(who, []).append(r.started_at)
            if r.ended_at:
                previous_end[r.interviewer_id] = r.ended_at
    for who, times in gaps.items():
        if len(times) >= GAP_TIMES:
            found.append(
                Flag(
                    "back_to_back",
                    who,
                    None,
                    f"{len(times)} completes started < {GAP_SECONDS} s after the last",
                    times[-1],
                )
            )
    return found + _corrections_without_interview(session, project)


def _corrections_without_interview(session: Session, project: Project) -> list[Flag]:
    """Supervisors' outcome corrections (audited as ``case.set_outcome``) to an outcome only
    an interview gives, on a case of the project with no interview."""
    entries = [
        e
        for e in session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "case.set_outcome", AuditEntry.object_type == "case")
            .order_by(AuditEntry.at, AuditEntry.id)
        )
        if e.details.get("after") in INTERVIEW_ONLY
    ]
    if not entries:
        return []
    without_interview = dict(
        session.execute(
            select(Case.id, Case.external_id).where(
                Case.project_id == project.id,
                Case.id.in_({int(e.object_id) for e in entries}),
                ~exists().where(Interview.case_id == Case.id),
            )
        ).all()
    )
    return [
        Flag(
            "no_interview",
            e.actor,
            without_interview[int(e.object_id)],
            f"{e.details.get('before') or '-'} → {e.details['after']}: {e.details['reason']}",
            e.at,
        )
        for e in entries
        if int(e.object_id) in without_interview
    ]
