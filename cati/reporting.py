"""Reads a project from the database and hands plain data to ``exports``.

``exports`` knows nothing of the database: this module builds the data set, the report
information (cover, methodology), the fieldwork figures and the paradata frame, and calls
the writers. The CLI (``cati.export_commands``) calls it, and so do the background jobs
behind the consoles' downloads (``cati.job_kinds``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sqlalchemy import Integer, func, select
from sqlalchemy.orm import Session

from cati import audit, branding, dataset, project_design, weighting_targets
from cati.db import utcnow
from cati.fieldwork import personal_fields
from cati.models import (
    CallAttempt,
    Case,
    CaseState,
    Interview,
    Outcome,
    Project,
    Quota,
    StatusSpell,
    User,
)
from exports.pdf import Methodology, ReportInfo

if TYPE_CHECKING:
    from cati.stats.banner import Band
    from cati.stats.significance import TestSettings

DATA_FORMATS = ("csv", "xlsx", "sav", "dta", "sss", "codebook")
REPORT_KINDS = ("topline", "banner", "fieldwork", "questionnaire")
# Confidence levels of the banner letters (upper case at the first, lower case at the
# second) and the multiple-comparison corrections of cati.stats.significance.
BANNER_LEVELS = ("95/90", "99/95", "99", "95", "90")
BANNER_ADJUSTMENTS = ("none", "bonferroni", "fdr")
NOT_ATTEMPTED = "NOT_ATTEMPTED"
METHOD_WORDS = {
    "design": {
        "en": "{n} sampled cases in {r} replicates; telephone interviews (CATI)",
        "es": "{n} casos muestreados en {r} réplicas; entrevistas telefónicas (CATI)",
    },
    "weights": {
        "en": "Design weights (inverse of the inclusion probability)",
        "es": "Pesos de diseño (inversa de la probabilidad de inclusión)",
    },
    "raked": {
        "en": "Design weights raked to population targets for {variables}",
        "es": "Pesos de diseño ajustados por raking a objetivos de población de {variables}",
    },
    "mode": {"en": "Telephone (CATI) and web", "es": "Teléfono (CATI) y web"},
    "poststratify": {
        "en": "Design weights post-stratified to population targets for {variables}",
        "es": "Pesos de diseño postestratificados a objetivos de población de {variables}",
    },
}


def _as_date(value: datetime | None) -> date | None:
    return value.astimezone(UTC).date() if value else None


def report_info(
    session: Session,
    project: Project,
    *,
    language: str = "en",
    logo: Path | None = None,
    weights: str | None = None,
    effective_base: float | None = None,
    design_effect: float | None = None,
    variance: str = "",
    today: date | None = None,
) -> ReportInfo:
    """The cover and methodology of a project's reports, from what the database knows, in
    the project's branding; ``logo`` (a file) replaces the stored logo."""
    case_ids = select(Case.id).where(Case.project_id == project.id)
    first, last = session.execute(
        select(func.min(CallAttempt.started_at), func.max(CallAttempt.ended_at)).where(
            CallAttempt.case_id.in_(case_ids)
        )
    ).one()
    cases, replicates = session.execute(
        select(func.count(), func.count(func.distinct(Case.replicate))).where(
            Case.project_id == project.id
        )
    ).one()
    completes = session.scalar(
        select(func.count())
        .select_from(Interview)
        .join(Case, Case.id == Interview.case_id)
        .where(Case.project_id == project.id, Interview.status == "completed")
    )
    lang = language if language in ("en", "es") else "en"
    return ReportInfo(
        study=project.name,
        client=project.client_name,
        field_start=_as_date(first),
        field_end=_as_date(last),
        report_date=today or utcnow().date(),
        language=lang,
        brand=branding.brand_of(session, project, logo=logo),
        methodology=Methodology(
            sample_design=METHOD_WORDS["design"][lang].format(n=cases, r=replicates),
            mode=METHOD_WORDS["mode"][lang],
            n=int(completes or 0),
            weighting=_weighting_words(project, weights, lang),
            variance=variance,
            effective_base=effective_base,
            design_effect=design_effect,
        ),
    )


def _weighting_words(project: Project, weights: str | None, lang: str) -> str:
    if not weights:
        return ""
    if weights != weighting_targets.WEIGHT:
        return METHOD_WORDS["weights"][lang]
    names = ", ".join(project.weighting_targets or {})
    method = project_design.options_of(project).method
    return METHOD_WORDS["raked" if method == "rake" else method][lang].format(variables=names)


def _build(session: Session, project: Project, weighted: bool, **options: Any) -> dataset.Dataset:
    """The data set, with the weight fitted to the project's targets when asked (raked,
    bounded or post-stratified, then trimmed, as the project's weighting options say)."""
    data = dataset.build(session, project, **options)
    if weighted:
        design = project_design.report_design(project, data.frame, weighted=True)
        targets = project.weighting_targets or {}
        data = weighting_targets.with_weight(data, design.weights, targets)
    return data


def paradata_frame(
    session: Session, project: Project, *, include_personal: bool = False
) -> pd.DataFrame:
    """One row per call attempt, with the case's final disposition.

    By default the case is named by its pseudonym (as in the data files) and the number
    dialled is left out; ``include_personal`` gives the sample's case id and the number.
    """
    rows = session.execute(
        select(
            Case.id.label("case_row"),
            Case.external_id.label("case_id"),
            CallAttempt.number,
            CallAttempt.id.label("attempt_id"),
            CallAttempt.interviewer_id,
            CallAttempt.started_at,
            CallAttempt.ended_at,
            CallAttempt.outcome,
            Outcome.aapor,
            CallAttempt.slot,
            Case.final_outcome,
            Case.final_aapor,
        )
        .join(Case, Case.id == CallAttempt.case_id)
        .outerjoin(
            Outcome, (Outcome.project_id == Case.project_id) & (Outcome.code == CallAttempt.outcome)
        )
        .where(Case.project_id == project.id)
        .order_by(CallAttempt.id)
    ).all()
    frame = pd.DataFrame(
        [r._mapping for r in rows],
        columns=[
            "case_row",
            "case_id",
            "number",
            "attempt_id",
            "interviewer_id",
            "started_at",
            "ended_at",
            "outcome",
            "aapor",
            "slot",
            "final_outcome",
            "final_aapor",
        ],
    )
    frame["seconds"] = [
        (e - s).total_seconds() if s is not None and e is not None else None
        for s, e in zip(frame["started_at"], frame["ended_at"], strict=True)
    ]
    if not include_personal:
        frame["case_id"] = frame["case_row"].map(personal_fields.pseudonymizer(project))
        frame = frame.drop(columns=["number"])
    return frame.drop(columns=["case_row"])


def _number(value: Any) -> float | None:
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return result if np.isfinite(result) else None


def _regions(
    session: Session, project: Project, region_key: str
) -> tuple[list[Any], list[tuple[float, float]]]:
    """Completes per region at the mean position of its sampled cases, and all positions."""
    from exports.fieldwork_report import RegionCompletes

    completed = {
        case_id
        for (case_id,) in session.execute(
            select(Interview.case_id)
            .join(Case, Case.id == Interview.case_id)
            .where(Case.project_id == project.id, Interview.status == "completed")
        )
    }
    positions: dict[str, list[tuple[float, float]]] = defaultdict(list)
    completes: Counter[str] = Counter()
    points = []
    for case_id, sample_vars in session.execute(
        select(Case.id, Case.sample_vars).where(Case.project_id == project.id)
    ):
        values = sample_vars or {}
        lon, lat = _number(values.get("lon")), _number(values.get("lat"))
        region = values.get(region_key)
        if lon is not None and lat is not None:
            points.append((lon, lat))
            if region is not None:
                positions[str(region)].append((lon, lat))
        if region is not None and case_id in completed:
            completes[str(region)] += 1
    targets = {}
    for cell, target in session.execute(
        select(Quota.cell, Quota.target).where(Quota.project_id == project.id)
    ):
        if isinstance(cell, dict) and list(cell) == [region_key] and len(cell[region_key]) == 1:
            targets[str(cell[region_key][0])] = target
    regions = [
        RegionCompletes(
            name,
            float(np.mean([p[0] for p in spots])),
            float(np.mean([p[1] for p in spots])),
            completes[name],
            targets.get(name),
        )
        for name, spots in sorted(positions.items())
    ]
    return regions, points


def _interviewer_kpis(session: Session, project: Project, now: datetime) -> list[Any]:
    from exports.fieldwork_report import InterviewerKpi

    attempts = session.execute(
        select(
            CallAttempt.interviewer_id,
            func.count(),
            func.sum(func.coalesce(Outcome.contact, False).cast(Integer)),
        )
        .join(Case, Case.id == CallAttempt.case_id)
        .outerjoin(
            Outcome, (Outcome.project_id == Case.project_id) & (Outcome.code == CallAttempt.outcome)
        )
        .where(Case.project_id == project.id, CallAttempt.interviewer_id.is_not(None))
        .group_by(CallAttempt.interviewer_id)
    ).all()
    refusals = dict(
        session.execute(
            select(CallAttempt.interviewer_id, func.count())
            .join(Case, Case.id == CallAttempt.case_id)
            .join(
                Outcome,
                (Outcome.project_id == Case.project_id) & (Outcome.code == CallAttempt.outcome),
            )
            .where(Case.project_id == project.id, Outcome.aapor.like("2.1%"))
            .group_by(CallAttempt.interviewer_id)
        ).all()
    )
    hours: dict[int, float] = defaultdict(float)
    for user_id, started, ended in session.execute(
        select(StatusSpell.user_id, StatusSpell.started_at, StatusSpell.ended_at).where(
            StatusSpell.project_id == project.id, StatusSpell.status != "offline"
        )
    ):
        hours[user_id] += ((ended or now) - started).total_seconds() / 3600
    lengths: dict[int, list[float]] = defaultdict(list)
    for user_id, started, ended in session.execute(
        select(Interview.interviewer_id, Interview.started_at, Interview.ended_at)
        .join(Case, Case.id == Interview.case_id)
        .where(
            Case.project_id == project.id,
            Interview.status == "completed",
            Interview.interviewer_id.is_not(None),
        )
    ):
        if started and ended:
            lengths[user_id].append((ended - started).total_seconds() / 60)
    names = dict(
        session.execute(
            select(User.id, func.coalesce(func.nullif(User.full_name, ""), User.username)).where(
                User.id.in_([a[0] for a in attempts])
            )
        ).all()
    )
    return [
        InterviewerKpi(
            name=names.get(user_id, str(user_id)),
            hours=hours.get(user_id, 0.0),
            calls=int(calls),
            completes=len(lengths.get(user_id, [])),
            contacts=int(contacts or 0),
            refusals=int(refusals.get(user_id, 0)),
            average_minutes=float(np.mean(lengths[user_id])) if lengths.get(user_id) else None,
        )
        for user_id, calls, contacts in sorted(attempts, key=lambda a: names.get(a[0], ""))
    ]


def fieldwork_figures(
    session: Session,
    project: Project,
    *,
    language: str = "en",
    region_key: str = "region",
    now: datetime | None = None,
) -> Any:
    """Everything the fieldwork report shows, read with aggregate queries."""
    from exports.fieldwork_report import DayProgress, FieldworkFigures, OutcomeCount

    now = now or utcnow()
    labels = {
        code: (label_es if language == "es" else label_en)
        for code, label_en, label_es in session.execute(
            select(Outcome.code, Outcome.label_en, Outcome.label_es).where(
                Outcome.project_id == project.id
            )
        )
    }
    aapor_of = dict(
        session.execute(
            select(Outcome.code, Outcome.aapor).where(Outcome.project_id == project.id)
        ).all()
    )
    # Interim dispositions: final cases by their final code, the others by their last call's
    # code, and released cases never called as "not attempted" (AAPOR 3.11).
    tally: Counter[tuple[str, str]] = Counter()
    for state, final, final_aapor, last, n in session.execute(
        select(Case.state, Case.final_outcome, Case.final_aapor, Case.last_outcome, func.count())
        .where(Case.project_id == project.id, Case.state != CaseState.UNRELEASED)
        .group_by(Case.state, Case.final_outcome, Case.final_aapor, Case.last_outcome)
    ):
        if state == CaseState.FINAL and final_aapor:
            tally[(final or "", final_aapor)] += n
        elif last and aapor_of.get(last):
            tally[(last, aapor_of[last])] += n
        else:
            tally[(NOT_ATTEMPTED, "3.11")] += n
    not_attempted = {"en": "Not yet called", "es": "Aún sin llamar"}
    labels[NOT_ATTEMPTED] = not_attempted["es" if language == "es" else "en"]
    outcomes = [
        OutcomeCount(code, labels.get(code, code), aapor, n)
        for (code, aapor), n in sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    calls: Counter[date] = Counter()
    for (started,) in session.execute(
        select(CallAttempt.started_at)
        .join(Case, Case.id == CallAttempt.case_id)
        .where(Case.project_id == project.id)
    ):
        calls[_as_date(started)] += 1
    completes: Counter[date] = Counter()
    for (ended,) in session.execute(
        select(Interview.ended_at)
        .join(Case, Case.id == Interview.case_id)
        .where(Case.project_id == project.id, Interview.status == "completed")
    ):
        if ended:
            completes[_as_date(ended)] += 1
    days = [DayProgress(d, calls[d], completes[d]) for d in sorted(set(calls) | set(completes))]
    regions, points = _regions(session, project, region_key)
    return FieldworkFigures(
        outcomes=outcomes,
        days=days,
        regions=regions,
        points=points,
        interviewers=_interviewer_kpis(session, project, now),
    )


def _audit_personal(
    session: Session,
    project: Project,
    what: str,
    by: User | None,
    actor: str | None,
    **details: Any,
) -> None:
    """Who took personal data out, and when: committed before the file is written."""
    audit.record(
        session,
        "export.personal",
        user=by,
        actor=actor,
        object_type="project",
        object_id=project.id,
        what=what,
        **details,
    )
    session.commit()


def export_data(
    session: Session,
    project: Project,
    fmt: str,
    out: Path,
    *,
    include_personal: bool = False,
    safe: Iterable[str] = (),
    labels: bool = False,
    names: bool = False,
    partials: bool = False,
    language: str = "en",
    weighted: bool = False,
    stata_release: int = 118,
    progress: Callable[[int, int], None] | None = None,
    by: User | None = None,
    actor: str | None = None,
) -> list[Path]:
    """Write the project's data in ``fmt``; returns the files written.

    Pseudonymized unless ``include_personal``: the sample variables marked personal are
    left out (``safe`` names more analysis variables) and cases are named by pseudonyms.
    ``weighted`` adds the column ``weight`` raked to the project's targets.
    ``stata_release``: 118 (Stata 14 and later) or 119 (more than 32,767 variables).
    """
    from exports import codebook, statfiles, tabular, triple_s
    from exports.columns import select_columns
    from exports.topline import special_labels

    if fmt not in DATA_FORMATS:
        raise ValueError(f"unknown data format {fmt!r}; one of {', '.join(DATA_FORMATS)}")
    if include_personal:
        _audit_personal(session, project, f"data:{fmt}", by, actor, partials=partials)
    pseudonyms = None if include_personal else personal_fields.pseudonymizer(project)
    data = _build(
        session,
        project,
        weighted,
        include_partials=partials,
        pseudonyms=pseudonyms,
        language=language,
    )
    safe = [*personal_fields.analysis_fields(project), *safe]
    columns = select_columns(data.columns, include_personal=include_personal, safe=safe)
    frame = data.frame
    title = project.name
    if fmt == "csv":
        tabular.write_csv(frame, columns, out, labels=labels, names=names)
    elif fmt == "xlsx":
        tabular.write_xlsx(frame, columns, out, labels=labels, names=names, progress=progress)
    elif fmt == "sav":
        statfiles.write_sav(
            frame,
            columns,
            out,
            file_label=title,
            questionnaire=data.questionnaire,
            language=language,
        )
    elif fmt == "dta":
        statfiles.write_dta(
            frame,
            columns,
            out,
            file_label=title,
            questionnaire=data.questionnaire,
            release=stata_release,
            language=language,
        )
    elif fmt == "sss":
        asc = triple_s.write_triple_s(
            frame,
            columns,
            out,
            name=project.code,
            title=title,
            now=utcnow(),
            serial="interview_id",
            weight=weighting_targets.WEIGHT if weighted else "design_weight",
            special_labels={
                qid: special_labels(data.questionnaire, language, qp.question)
                for qid, qp in data.questionnaire.plan.questions.items()
            },
        )
        return [out, asc]
    elif fmt == "codebook":
        entries = codebook.codebook_entries(frame, columns)
        info = report_info(session, project, language=language)
        if out.suffix.lower() == ".pdf":
            codebook.write_codebook_pdf(entries, info, out, progress=progress)
        else:
            codebook.write_codebook_html(entries, info, out)
    return [out]


def export_paradata(
    session: Session,
    project: Project,
    out: Path,
    *,
    include_personal: bool = False,
    by: User | None = None,
    actor: str | None = None,
) -> int:
    """The call attempts as CSV (pseudonymized unless ``include_personal``); returns the
    number of rows."""
    from exports.tabular import write_table_csv

    if include_personal:
        _audit_personal(session, project, "paradata", by, actor)
    frame = paradata_frame(session, project, include_personal=include_personal)
    write_table_csv(frame, out)
    return len(frame)


def _numeric_frame(data: dataset.Dataset, weights: str | None) -> pd.DataFrame:
    frame = data.frame.copy()
    for c in data.columns:
        if c.source == "question" and c.kind == "numeric":
            frame[c.name] = pd.to_numeric(frame[c.name], errors="coerce")
    if weights:
        frame[weights] = pd.to_numeric(frame[weights], errors="coerce").fillna(1.0)
    return frame


def _shares(data: dataset.Dataset, frame: pd.DataFrame) -> Iterable[np.ndarray]:
    """Every answer of every closed question as 0/1 over the question's answers: the
    proportions a report shows."""
    asked = data.questionnaire.plan.questions
    for c in data.columns:
        question = asked[c.question_id].question if c.question_id in asked else None
        if question is None or question.type == "numeric" or c.kind != "numeric":
            continue
        values = frame[c.name].to_numpy(dtype=float)
        for code in c.value_labels:
            yield np.where(np.isnan(values), np.nan, (values == code).astype(float))


def export_report(
    session: Session,
    project: Project,
    kind: str,
    out: Path,
    *,
    language: str = "en",
    logo: Path | None = None,
    weights: str | None = None,
    banner: Sequence[str] = ("region",),
    bands: Mapping[str, tuple[Band, ...]] | None = None,
    settings: TestSettings | None = None,
    weighted: bool = False,
    tagged: bool = True,
    processes: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write one PDF report; returns its number of pages.

    ``tagged``: PDF/UA-1, for screen readers (``exports.pdf.render_report``); untagged, a
    smaller file. ``processes`` render the report's pieces at once (``None``: one per core).

    ``weighted`` weights the design to the project's targets with its weighting options
    (``cati.project_design``); ``weights`` names another weight column of the data instead.
    Intervals, tests and the methodology's variance method come from that design. A banner book
    crosses the questions with the ``banner`` variables, numbers in their ``bands``
    (``cati.banner_report.parse_bands``), tested at the levels and with the correction of
    ``settings``.
    """
    from cati.stats.estimates import mean_design_effect
    from cati.stats.weighting import kish_effective_base

    if kind not in REPORT_KINDS:
        raise ValueError(f"unknown report {kind!r}; one of {', '.join(REPORT_KINDS)}")
    if kind == "fieldwork":
        from exports.fieldwork_report import write_fieldwork_report

        info = report_info(session, project, language=language, logo=logo)
        figures = fieldwork_figures(session, project, language=language)
        return write_fieldwork_report(
            figures, info, out, progress=progress, tagged=tagged, processes=processes
        )
    data = dataset.build(session, project, language=language)
    if kind == "questionnaire":
        from exports.questionnaire_doc import write_questionnaire_document

        info = report_info(session, project, language=language, logo=logo)
        return write_questionnaire_document(
            data.questionnaire, info, out, progress=progress, tagged=tagged, processes=processes
        )
    if weighted:
        weights = None
    frame = _numeric_frame(data, weights)
    spec = None
    if weights:  # another weight column of the data, in the project's design
        spec = replace(project_design.design_of(project).spec(), weights=weights)
    # The weights, the strata, PSUs or replicates and the calibration of every estimate.
    design = project_design.report_design(project, frame, weighted=weighted, spec=spec)
    if weighted:
        weights = weighting_targets.WEIGHT
        frame[weights] = design.weights
    options = project_design.options_of(project) if weighted else None
    effective = kish_effective_base(design.weights) if weights and len(frame) else None
    simple = project_design.is_simple(design, options)
    info = report_info(
        session,
        project,
        language=language,
        logo=logo,
        weights=weights,
        effective_base=effective,
        design_effect=None if simple else mean_design_effect(design, _shares(data, frame)),
        variance=project_design.variance_method(design, options, language),
    )
    if kind == "topline":
        from exports.charts import palette_of
        from exports.topline import build_topline, write_topline

        questions = build_topline(
            frame,
            data.columns,
            data.questionnaire,
            design=design,
            language=language,
            palette=palette_of(info.brand),
        )
        return write_topline(
            questions, info, out, progress=progress, tagged=tagged, processes=processes
        )
    from cati.banner_report import write_project_banner

    return write_project_banner(
        data,
        frame,
        info,
        out,
        banner=banner,
        design=design,
        bands=bands,
        settings=settings,
        progress=progress,
        tagged=tagged,
        processes=processes,
    )
