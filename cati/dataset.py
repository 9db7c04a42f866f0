"""Interviews to one pandas DataFrame, with variable and value labels.

One row per interview (completed ones, optionally partials too), one column per
questionnaire variable (``questionnaires.variables``: multiple choice as 0/1 dichotomies,
grids one column per item, loops one set per item, a calculate numeric when every value is
a number, else text), then the sample variables, the design
weight and inclusion probability, and paradata. Rows are streamed from the database with
plain SQL rows (no ORM object per interview), so 100,000 interviews fit comfortably.

Special answers become their question's data codes (Don't know 98, Refused 99, Timed out
97 unless a legal answer of the question; ``questionnaires.answers.special_codes``),
declared as missing values for the statistics packages.

A questionnaire changed mid-field: the columns are the union of the variables of the
pinned version and of every version the project's interviews ran, and each interview's
answers are read with its own version, named in the column ``questionnaire_version``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from cati.models import Case, Interview, Project, QuestionnaireVersion
from cati.questionnaire_store import questionnaire_of, versions_ran
from questionnaires import DONT_KNOW, REFUSED, TIMED_OUT, special_kind
from questionnaires.answers import data_codes, special_codes
from questionnaires.model import Questionnaire
from questionnaires.variables import Variable, variables

STREAM_ROWS = 2000
# The paradata columns and their labels, in each language a file can be written in.
META_COLUMNS = {
    "case_id": ("Case id", "Id del caso"),
    "interview_id": ("Interview id", "Id de la entrevista"),
    "status": ("Interview status", "Estado de la entrevista"),
    "mode": ("Interview mode (phone or web)", "Modo de la entrevista (teléfono o web)"),
    "language": ("Interview language", "Idioma de la entrevista"),
    "questionnaire_version": ("Questionnaire version", "Versión del cuestionario"),
    "interviewer_id": ("Interviewer (user id)", "Entrevistador (id de usuario)"),
    "replicate": ("Sample replicate", "Réplica de la muestra"),
    "design_weight": ("Design weight (1/pi)", "Peso de diseño (1/pi)"),
    "inclusion_prob": ("Inclusion probability (pi)", "Probabilidad de inclusión (pi)"),
    "started_at": ("Interview start (UTC)", "Inicio de la entrevista (UTC)"),
    "ended_at": ("Interview end (UTC)", "Fin de la entrevista (UTC)"),
    "duration_s": ("Interview length in seconds", "Duración de la entrevista en segundos"),
}
OTHER_LABELS = {
    "pseudonym": ("Case pseudonym", "Seudónimo del caso"),
    "sample": ("Sample: {key}", "Muestra: {key}"),
}


def _built_in(pair: tuple[str, str], language: str | None) -> str:
    return pair[1] if language == "es" else pair[0]


TEXT_META = {"status", "mode", "language", "questionnaire_version"}


@dataclass(frozen=True)
class ColumnMeta:
    name: str
    label: str
    kind: str  # numeric or string
    value_labels: dict[int, str] = field(default_factory=dict)
    missing: tuple[int, ...] = ()
    source: str = "question"  # question, sample or paradata
    question_id: str | None = None
    value_names: dict[int, str] = field(default_factory=dict)  # XLSForm choice names


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


@dataclass(frozen=True)
class _Version:
    """One questionnaire version the data holds answers of, ready to read them."""

    version: str
    questionnaire: Questionnaire
    variables: list[Variable]  # the selected ones
    codes: dict[str, dict[str, int]]  # question id -> special kind -> data code


def _version(
    record: QuestionnaireVersion, only: Collection[str] | None, language: str | None
) -> _Version:
    questionnaire = questionnaire_of(record)
    questions = {qid: qp.question for qid, qp in questionnaire.plan.questions.items()}
    codes = {}
    for qid, question in questions.items():
        special = special_codes(questionnaire, question)
        codes[qid] = {
            DONT_KNOW: special.dont_know,
            REFUSED: special.refused,
            TIMED_OUT: special.timed_out,
        }
    chosen = [v for v in variables(questionnaire, language) if only is None or v.name in only]
    return _Version(record.version, questionnaire, chosen, codes)


def _cell(variable: Variable, answers: Mapping[str, Any], version: _Version) -> Any:
    """The value of one variable from one interview's answers (None: not asked)."""
    raw = answers.get(_answer_key(variable))
    if raw is None:
        return None
    codes = version.codes[variable.question_id]
    kind = special_kind(raw)
    if kind is not None:
        return codes.get(kind)
    question = version.questionnaire.plan.questions[variable.question_id].question
    if question.type == "multiple":
        option = int(variable.name.rsplit("_", 1)[1])
        return 1 if option in raw else 0
    if question.type == "grid":
        row = variable.name[len(question.var_name) + 1 :]
        if variable.loop_item is not None:
            row = row.split("_", 1)[1]
        value = raw.get(row) if isinstance(raw, dict) else None
        kind = special_kind(value) if value is not None else None
        if kind is not None:
            return codes.get(kind)
        # Several scale points per row (a rare grid): the codes as text, "1;3".
        return ";".join(str(c) for c in sorted(value)) if isinstance(value, list) else value
    return raw


def _valued(column: ColumnMeta, records: list[dict[str, Any]]) -> ColumnMeta:
    """A calculate's column: numeric when every value is a number, else text (numbers among
    texts written as text)."""
    values = [r[column.name] for r in records if r.get(column.name) is not None]
    if all(type(v) in (int, float) for v in values):
        return replace(column, kind="numeric")
    for record in records:
        if record.get(column.name) is not None:
            record[column.name] = str(record[column.name])
    return replace(column, kind="string")


def _versions(session: Session, project: Project) -> list[QuestionnaireVersion]:
    """The pinned version, then every other one the project's interviews ran, newest first."""
    others = [v for v in versions_ran(session, project) if v.id != project.questionnaire_version_id]
    pinned = session.get(QuestionnaireVersion, project.questionnaire_version_id)
    return [pinned, *reversed(others)]


def _question_columns(versions: list[_Version]) -> list[ColumnMeta]:
    """The union of the versions' variables: the pinned version's in its order, then those
    only older versions have. Labels come from the newest version with the variable; value
    labels and missing codes of older versions are kept where the newer lack them."""
    found: dict[str, ColumnMeta] = {}
    for version in versions:
        q = version.questionnaire
        for v in version.variables:
            question = q.plan.questions[v.question_id].question
            kind = "string" if getattr(question, "multiple", False) is True else v.kind
            missing = tuple(sorted(data_codes(q, question).values())) if kind == "numeric" else ()
            known = found.get(v.name)
            if known is not None:
                found[v.name] = replace(
                    known,
                    value_labels=v.value_labels | known.value_labels,
                    value_names=v.value_names | known.value_names,
                    missing=tuple(sorted({*known.missing, *missing})),
                )
                continue
            found[v.name] = ColumnMeta(
                v.name,
                v.label,
                kind,
                dict(v.value_labels),
                missing,
                "question",
                v.question_id,
                dict(v.value_names),
            )
    return list(found.values())


def _rows(
    session: Session, project: Project, statuses: Iterable[str]
) -> Iterable[Mapping[str, Any]]:
    query = (
        select(
            Interview.id.label("interview_id"),
            Interview.answers,
            Interview.questionnaire_version_id,
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
    language: str | None = None,
) -> Dataset:
    """The project's data: completed interviews (and, when asked, the partial and broken-off
    ones, an interview stopped part-way among them).

    With ``pseudonyms`` (case row id -> pseudonym) the case_id column holds pseudonyms
    instead of the sample's case ids. ``only`` names the question variables to read (all by
    default); sample variables and paradata always come, under the same names as in the full
    data set. Every label is in ``language`` ("en" or "es"; question texts fall back to the
    questionnaire's language, built-in labels to English): one language per file.
    """
    stored = _versions(session, project)
    versions = [_version(v, only, language) for v in stored]
    by_id = {record.id: version for record, version in zip(stored, versions, strict=True)}
    question_columns = _question_columns(versions)
    # A sample variable named like a question variable becomes sample_<name>.
    taken = {"case_id", "interview_id", *(c.name for c in question_columns)}
    taken |= {v.name for version in versions for v in variables(version.questionnaire)}
    statuses = ["completed", "partial", "breakoff"] if include_partials else ["completed"]
    calculated = {
        v.name
        for version in versions
        for v in version.variables
        if version.questionnaire.plan.questions[v.question_id].question.type == "calculate"
    }
    records = []
    sample_names: dict[str, None] = {}
    for row in _rows(session, project, statuses):
        case_id = pseudonyms(row["case_row"]) if pseudonyms else row["case_id"]
        record = {"case_id": case_id, "interview_id": row["interview_id"]}
        answers = row["answers"] or {}
        version = by_id[row["questionnaire_version_id"]]
        for variable in version.variables:
            record[variable.name] = _cell(variable, answers, version)
        for key, value in (row["sample_vars"] or {}).items():
            sample_names.setdefault(key)
            record[f"sample_{key}" if key in taken else key] = value
        started, ended = row["started_at"], row["ended_at"]
        record.update(
            status=row["status"],
            mode=row["mode"],
            language=row["language"],
            questionnaire_version=version.version,
            interviewer_id=row["interviewer_id"],
            replicate=row["replicate"],
            design_weight=row["design_weight"],
            inclusion_prob=row["inclusion_prob"],
            started_at=started,
            ended_at=ended,
            duration_s=(ended - started).total_seconds() if started and ended else None,
        )
        records.append(record)
    case_label = _built_in(
        OTHER_LABELS["pseudonym"] if pseudonyms else META_COLUMNS["case_id"], language
    )
    columns = [ColumnMeta("case_id", case_label, "string", source="paradata")]
    columns.append(
        ColumnMeta(
            "interview_id",
            _built_in(META_COLUMNS["interview_id"], language),
            "numeric",
            source="paradata",
        )
    )
    columns.extend(_valued(c, records) if c.name in calculated else c for c in question_columns)
    for key in sample_names:
        name = f"sample_{key}" if key in taken else key
        label = _built_in(OTHER_LABELS["sample"], language).format(key=key)
        columns.append(ColumnMeta(name, label, "string", source="sample"))
    for name, labels in META_COLUMNS.items():
        if name not in ("case_id", "interview_id"):
            kind = "string" if name in TEXT_META else "numeric"
            columns.append(ColumnMeta(name, _built_in(labels, language), kind, source="paradata"))
    frame = pd.DataFrame.from_records(records, columns=[c.name for c in columns])
    return Dataset(frame=frame, columns=columns, questionnaire=versions[0].questionnaire)
