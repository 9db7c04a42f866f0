"""Sample variables typed against the questionnaire a project pins.

A questionnaire declares its sample variables with a type (``number`` or ``text``); the
sample readers see text only. At import every declared variable's cell is converted to its
type (a number becomes an int when it is whole, a float otherwise, and an empty cell no
value; text stays as it is); at pin the project's existing cases are converted the same
way. Either refuses everything when one value does not convert, so the engine never sees an
untyped value.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cati.errors import CatiErrors, ErrorCode, problem
from cati.fieldwork.sample_import import MAX_PROBLEMS_REPORTED, CaseRecord, SampleError
from cati.models import Case, Project
from cati.problems import N_, Place, Problem
from questionnaires import Questionnaire


def typed_value(value: Any, declared: str) -> Any:
    """``value`` as the declared type; ValueError when it is not one."""
    if declared == "text":
        return value if value is None or isinstance(value, str) else str(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, int | float):
        number: int | float = value
    else:
        text = str(value).strip()
        try:
            number = int(text)
        except ValueError:
            number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{value!r} is not a finite number")
    return number


def type_records(
    records: Iterable[CaseRecord], questionnaire: Questionnaire, file_name: str
) -> None:
    """Convert the records' declared sample variables in place, or raise SampleError
    listing every missing column and every cell that does not convert (nothing changes)."""
    records = list(records)
    declared = questionnaire.sample_variables
    present = set().union(*(r.sample_vars for r in records)) if records else set()
    missing = [name for name in declared if name not in present]
    if missing:
        raise SampleError(
            [
                problem(ErrorCode.SAMPLE_COLUMN_MISSING, Place(file=file_name), column=name)
                for name in missing
            ]
        )
    problems: list[Problem] = []
    typed: list[dict[str, Any]] = []
    for record in records:
        values = dict(record.sample_vars)
        for name, variable in declared.items():
            try:
                values[name] = typed_value(values[name], variable.type)
            except ValueError:
                problems.append(
                    Problem(
                        ErrorCode.SAMPLE_ROW_INVALID,
                        N_("%(value)r is not a %(type)s, the type the questionnaire declares"),
                        {"value": values[name], "type": variable.type},
                        Place(file=file_name, row=record.row, column=name),
                    )
                )
        typed.append(values)
        if len(problems) >= MAX_PROBLEMS_REPORTED:
            break
    if problems:
        raise SampleError(problems[:MAX_PROBLEMS_REPORTED])
    for record, values in zip(records, typed, strict=True):
        record.sample_vars = values


def type_cases(session: Session, project: Project, questionnaire: Questionnaire) -> None:
    """Convert the project's cases' declared sample variables in place before a pin, or
    raise CatiErrors naming each variable that some cases lack or hold untyped (how many
    cases, and one of them); nothing changes then."""
    cases = list(
        session.scalars(select(Case).where(Case.project_id == project.id).order_by(Case.id))
    )
    problems: list[Problem] = []
    typed: dict[int, dict[str, Any]] = {case.id: dict(case.sample_vars or {}) for case in cases}
    for name, variable in questionnaire.sample_variables.items():
        lacking: list[Case] = []
        wrong: list[Case] = []
        for case in cases:
            values = typed[case.id]
            if name not in values:
                lacking.append(case)
                continue
            try:
                values[name] = typed_value(values[name], variable.type)
            except ValueError:
                wrong.append(case)
        if lacking:
            problems.append(
                problem(
                    ErrorCode.SAMPLE_VARIABLE_LACKING,
                    name=name,
                    count=len(lacking),
                    case=lacking[0].external_id,
                )
            )
        if wrong:
            problems.append(
                problem(
                    ErrorCode.SAMPLE_VARIABLE_MISTYPED,
                    name=name,
                    type=variable.type,
                    count=len(wrong),
                    case=wrong[0].external_id,
                    value=typed[wrong[0].id][name],
                )
            )
    if problems:
        raise CatiErrors(problems)
    for case in cases:
        if typed[case.id] != (case.sample_vars or {}):
            case.sample_vars = typed[case.id]
