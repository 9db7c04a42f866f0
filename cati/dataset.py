"""Interviews to one pandas DataFrame, with variable and value labels.

One row per interview (completed ones, optionally partials too), one column per
questionnaire variable (``questionnaires.variables``: multiple choice as 0/1 dichotomies,
grids one column per item, loops one set per item), then the sample variables, the design
weight and inclusion probability, and paradata. Rows are streamed from the database with
plain SQL rows (no ORM object per interview), so 100,000 interviews fit comfortably.

Special answers become the questionnaire's data codes (Don't know 98, Refused 99, Timed out
97 by default), declared as missing values for the statistics packages.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from cati.models import Case, Interview, Project, QuestionnaireVersion
from cati.questionnaire_store import questionnaire_of
from questionnaires import DONT_KNOW, REFUSED, TIMED_OUT, special_kind
from questionnaires.model import Questionnaire
from questionnaires.variables import Variable, variables

STREAM_ROWS = 2000
META_COLUMNS = {
    "case_id": "Case id",
    "interview_id": "Interview id",
    "status": "Interview status",
    "mode": "Interview mode (phone or web)",
    "language": "Interview language",
    "interviewer_id": "Interviewer (user id)",
    "replicate": "Sample replicate",
    "design_weight": "Design weight (1/pi)",
    "inclusion_prob": "Inclusion probability (pi)",
    "started_at": "Interview start (UTC)",
    "ended_at": "Interview end (UTC)",
    "duration_s": "Interview length in seconds",
}


@dataclass(frozen=True)
class ColumnMeta:
    name: str
    label: str
    kind: str  # numeric or string
    value_labels: dict[int, str] = field(default_factory=dict)
    missing: tuple[int, ...] = ()
    source: str = "question"  # question, sample or paradata
    question_id: str | None = None


@dataclass(frozen=True)
class Dataset:
    frame: pd.DataFrame
    columns: list[ColumnMeta]
    questionnaire: Questionnaire

    def meta(self, name: str) -> ColumnMeta:
        return next(c for c in self.columns if c.name == name)


def _answer_key(variable: Variable) -> str:
    if variable.loop_item is None:
        return variable.question_id
    return f"{variable.question_id}[{variable.loop_item}]"


def _special_code(raw: Any, questionnaire: Questionnaire) -> int | None:
    kind = special_kind(raw)
    codes = questionnaire.codes
    return {DONT_KNOW: codes.dont_know, REFUSED: codes.refused, TIMED_OUT: codes.timed_out}.get(
        kind
    )


def _cell(variable: Variable, answers: Mapping[str, Any], questionnaire: Questionnaire) -> Any:
    """The value of one variable from one interview's answers (None: not asked)."""
    raw = answers.get(_answer_key(variable))
    if raw is None:
        return None
    code = _special_code(raw, questionnaire)
    if code is not None:
        return code
    question = questionnaire.plan.questions[variable.question_id].question
    if question.type == "multiple":
        option = int(variable.name.rsplit("_", 1)[1])
        return 1 if option in raw else 0
    if question.type == "grid":
        row = variable.name[len(question.var_name) + 1 :]
        if variable.loop_item is not None:
            row = row.split("_", 1)[1]
        value = raw.get(row) if isinstance(raw, dict) else None
        special = _special_code(value, questionnaire) if value is not None else None
        if special is not None:
            return special
        # Several scale points per row (a rare grid): the codes as text, "1;3".
        return ";".join(str(c) for c in sorted(value)) if isinstance(value, list) else value
    return raw


def _rows(
    session: Session, project: Project, statuses: Iterable[str]
) -> Iterable[Mapping[str, Any]]:
    query = (
        select(
            Interview.id.label("interview_id"),
            Interview.answers,
            Interview.status,
            Interview.mode,
            Interview.language,
            Interview.interviewer_id,
            Interview.started_at,
            Interview.ended_at,
            Case.external_id.label("case_id"),
            Case.id.label("case_row"),
            Case.sample_vars,
            Case.replicate,
            Case.design_weight,
            Case.inclusion_prob,
        )
        .join(Case, Case.id == Interview.case_id)
        .where(Case.project_id == project.id, Interview.status.in_(list(statuses)))
        .order_by(Interview.id)
        .execution_options(yield_per=STREAM_ROWS)
    )
    for row in session.execute(query):
        yield row._mapping


def build(
    session: Session,
    project: Project,
    *,
    include_partials: bool = False,
    pseudonyms: Callable[[int], str] | None = None,
    only: Collection[str] | None = None,
) -> Dataset:
    """The project's data: completed interviews (and, when asked, the partial and broken-off
    ones, an interview stopped part-way among them).

    With ``pseudonyms`` (case row id -> pseudonym) the case_id column holds pseudonyms
    instead of the sample's case ids. ``only`` names the question variables to read (all by
    default); sample variables and paradata always come, under the same names as in the full
    data set.
    """
    version = session.get(QuestionnaireVersion, project.questionnaire_version_id)
    questionnaire = questionnaire_of(version)
    all_vars = variables(questionnaire)
    # A sample variable named like a question variable becomes sample_<name>.
    taken = {"case_id", "interview_id", *(v.name for v in all_vars)}
    question_vars = [v for v in all_vars if only is None or v.name in only]
    statuses = ["completed", "partial", "breakoff"] if include_partials else ["completed"]
    records = []
    sample_names: dict[str, None] = {}
    for row in _rows(session, project, statuses):
        case_id = pseudonyms(row["case_row"]) if pseudonyms else row["case_id"]
        record = {"case_id": case_id, "interview_id": row["interview_id"]}
        answers = row["answers"] or {}
        for variable in question_vars:
            record[variable.name] = _cell(variable, answers, questionnaire)
        for key, value in (row["sample_vars"] or {}).items():
            sample_names.setdefault(key)
            record[f"sample_{key}" if key in taken else key] = value
        started, ended = row["started_at"], row["ended_at"]
        record.update(
            status=row["status"],
            mode=row["mode"],
            language=row["language"],
            interviewer_id=row["interviewer_id"],
            replicate=row["replicate"],
            design_weight=row["design_weight"],
            inclusion_prob=row["inclusion_prob"],
            started_at=started,
            ended_at=ended,
            duration_s=(ended - started).total_seconds() if started and ended else None,
        )
        records.append(record)
    codes = questionnaire.codes
    missing = (codes.timed_out, codes.dont_know, codes.refused)
    case_label = "Case pseudonym" if pseudonyms else META_COLUMNS["case_id"]
    columns = [ColumnMeta("case_id", case_label, "string", source="paradata")]
    columns.append(
        ColumnMeta("interview_id", META_COLUMNS["interview_id"], "numeric", source="paradata")
    )
    for v in question_vars:
        question = questionnaire.plan.questions[v.question_id].question
        kind = "string" if getattr(question, "multiple", False) is True else v.kind
        columns.append(
            ColumnMeta(
                v.name,
                v.label,
                kind,
                dict(v.value_labels),
                missing if kind == "numeric" else (),
                "question",
                v.question_id,
            )
        )
    for key in sample_names:
        name = f"sample_{key}" if key in taken else key
        columns.append(ColumnMeta(name, f"Sample: {key}", "string", source="sample"))
    for name, label in META_COLUMNS.items():
        if name not in ("case_id", "interview_id"):
            kind = "string" if name in ("status", "mode", "language") else "numeric"
            columns.append(ColumnMeta(name, label, kind, source="paradata"))
    frame = pd.DataFrame.from_records(records, columns=[c.name for c in columns])
    return Dataset(frame=frame, columns=columns, questionnaire=questionnaire)
