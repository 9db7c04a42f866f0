"""What a quota cell may name, and a cell as a researcher types it.

A cell crosses any number of variables, one a line: ``region = Andalucía, Madrid`` then
``sex = f``. Each variable is a sample variable (its values are those the project's cases
have) or a question of the pinned questionnaire (a choice question's values are its option
codes; other questions take any value). A name or value that is neither is refused, naming
the known ones, so that a typo (``regoin``, ``Madird``) never makes a cell nobody falls in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cati.errors import CatiError, ErrorCode
from cati.models import Case, Project
from cati.questionnaire_store import questionnaire_of
from questionnaires.model import ChoiceBase, text_in

# Known values listed in an error, at most; a variable may have hundreds.
SHOWN_VALUES = 40


def parse_cell(name: str, text: str) -> dict[str, list[str]]:
    """``variable = value, value`` lines as a cell; blank lines are skipped."""
    cell: dict[str, list[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        variable, equals, values = line.partition("=")
        variable = variable.strip()
        allowed = [v.strip() for v in values.split(",") if v.strip()]
        if not equals or not variable or not allowed or variable in cell:
            raise CatiError(
                ErrorCode.QUOTA_CELL_UNREADABLE, name=name, line=number, text=line.strip()
            )
        cell[variable] = allowed
    return cell


def questions(project: Project) -> dict[str, dict[str, str] | None]:
    """The pinned questionnaire's questions a cell may name: a choice question with its
    options ({code: label}), any other with None (it takes any value)."""
    if project.questionnaire_version is None:
        return {}
    questionnaire = questionnaire_of(project.questionnaire_version)
    language = questionnaire.language
    return {
        qid: {str(o.code): text_in(o.label, language, language) for o in plan.question.options}
        if isinstance(plan.question, ChoiceBase)
        else None
        for qid, plan in questionnaire.plan.questions.items()
        if plan.question.has_value
    }


def sample_values(session: Session, project: Project, variable: str) -> dict[str, str]:
    """The values the project's cases have for a sample variable, in order, as text."""
    found = session.scalars(
        select(Case.sample_vars[variable].as_string())
        .where(Case.project_id == project.id)
        .distinct()
    )
    return {str(v): str(v) for v in sorted(str(v) for v in found if v is not None)}


def check_cell(
    session: Session, project: Project, name: str, cell: Mapping[str, Any]
) -> dict[str, list[str]]:
    """The cell with its values as text, once each; CatiError naming the known variables or
    values when one is not the project's. A sample variable wins over a question of the
    same name (the sample knows it before the interview)."""
    if not cell:
        raise CatiError(ErrorCode.QUOTA_INVALID, name=name, reason="the cell names no variable")
    asked = questions(project)
    checked: dict[str, list[str]] = {}
    for var, allowed in cell.items():
        if var in project.personal_fields:
            options: dict[str, str] | None = sample_values(session, project, var)
        elif var in asked:
            options = asked[var]
        else:
            known = [
                *project.personal_fields,
                *(q for q in asked if q not in project.personal_fields),
            ]
            raise CatiError(
                ErrorCode.QUOTA_VARIABLE_UNKNOWN,
                name=name,
                variable=var,
                known=", ".join(known) or "—",
            )
        given = allowed if isinstance(allowed, list) else [allowed]
        values = list(dict.fromkeys(str(v) for v in given))
        wrong = [v for v in values if options is not None and v not in options]
        if wrong or not values:
            raise CatiError(
                ErrorCode.QUOTA_VALUE_UNKNOWN,
                name=name,
                variable=var,
                value=", ".join(wrong) or "—",
                known=_listed(options or {}) or "—",
            )
        checked[var] = values
    return checked


def _listed(values: Mapping[str, Any]) -> str:
    shown = [
        value if label == value else f"{value} ({label})"
        for value, label in list(values.items())[:SHOWN_VALUES]
    ]
    more = len(values) - len(shown)
    return ", ".join(shown) + (f" … (+{more})" if more else "")
