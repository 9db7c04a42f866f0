"""Runs a questionnaire for one case: state per page, server-side time limits, resume.

The engine (``questionnaires``) computes pages and validates answers; this module keeps its
state in the ``interviews`` row and commits every accepted page before the next one is
shown. A submission carries the page number it answers (``seq``): a repeat of an
already-accepted page (double click, browser back and resend) changes nothing. Time limits
are judged against the server's clock passed in as ``now``, never the browser's.

:func:`submit_page` and :func:`back_page` are the one interview flow, by phone and on the
web alike: the page keeps the case with whoever answers it, goes through the engine, and
the page that ends the interview records the case's outcome in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from cati import audit
from cati.errors import CatiError, ErrorCode
from cati.fieldwork import cases, catalogue, dispatch, disposition, presence, quotas
from cati.fieldwork import default_outcomes as oc
from cati.fieldwork.projects import rules_of
from cati.models import Case, CaseState, Interview, PageEvent, Project, QuestionnaireVersion, User
from cati.questionnaire_store import questionnaire_of
from questionnaires import Engine, FieldError, InterviewState, Page, QuestionnaireError
from questionnaires import state as st
from questionnaires.model import text_in


@dataclass(frozen=True)
class Submission:
    """What became of a page: errors to show, or the interview moved on (or ended)."""

    interview: Interview
    errors: tuple[FieldError, ...] = ()
    repeated: bool = False

    @property
    def accepted(self) -> bool:
        """The page was stored (not refused, not a repeat)."""
        return not self.errors and not self.repeated

    @property
    def finished(self) -> bool:
        """This submission ended the interview (a repeat never does: the first one did)."""
        return not self.repeated and self.interview.status != "active"


_engines: dict[tuple[str, str], Engine] = {}


def engine_for(session: Session, interview: Interview) -> Engine:
    """The interview's engine, built once per process and questionnaire version.

    Every page needs it: a look-up of the version's checksum finds the engine built before,
    instead of loading and hashing the whole questionnaire source on each request.
    """
    version_id = interview.questionnaire_version_id
    known = session.info.get("cati.engines", {})  # a request asks more than once
    if version_id in known:
        return known[version_id]
    checksum, source_name = session.execute(
        select(QuestionnaireVersion.checksum, QuestionnaireVersion.source_name).where(
            QuestionnaireVersion.id == version_id
        )
    ).one()
    return engine_of_version(session, version_id, checksum, source_name)


def engine_of_version(session: Session, version_id: int, checksum: str, source_name: str) -> Engine:
    """The engine of a questionnaire version whose checksum the caller has read (the
    interview pages join it to their own query), for the rest of the session."""
    engine = _engines.get((checksum, source_name))
    if engine is None:
        version = session.get(QuestionnaireVersion, version_id)
        assert version is not None
        engine = Engine(questionnaire_of(version))
        if len(_engines) >= 32:
            _engines.clear()
        _engines[checksum, source_name] = engine
    session.info.setdefault("cati.engines", {})[version_id] = engine
    return engine


def state_of(interview: Interview) -> InterviewState:
    return InterviewState.from_json(interview.state)


def closing_text(session: Session, interview: Interview, mode: str | None = None) -> str:
    """The questionnaire's closing text in the interview's language, worded for ``mode``
    (default: the interview's mode); "" if it has none."""
    questionnaire = engine_for(session, interview).q
    language = state_of(interview).language
    return text_in(questionnaire.closing, language, questionnaire.language, mode or interview.mode)


def intro_text(session: Session, interview: Interview, mode: str) -> str:
    """The questionnaire's introduction in the interview's language, worded for ``mode``."""
    questionnaire = engine_for(session, interview).q
    language = state_of(interview).language
    return text_in(questionnaire.intro, language, questionnaire.language, mode)


def languages_of(session: Session, interview: Interview) -> tuple[str, ...]:
    return engine_for(session, interview).q.languages


def last_finished_interview(session: Session, case: Case) -> Interview | None:
    return session.scalar(
        select(Interview)
        .where(Interview.case_id == case.id, Interview.status != "active")
        .order_by(Interview.id.desc())
        .limit(1)
    )


def active_interview(session: Session, case: Case) -> Interview | None:
    return session.scalar(
        select(Interview)
        .where(Interview.case_id == case.id, Interview.status == "active")
        .order_by(Interview.id.desc())
        .limit(1)
    )


def stopped_for_appointment(session: Session, case: Case) -> Interview | None:
    """The case's last interview, if it was stopped for a call-back: the next call resumes it."""
    last = session.scalar(
        select(Interview).where(Interview.case_id == case.id).order_by(Interview.id.desc()).limit(1)
    )
    if last is not None and last.status == "breakoff" and last.outcome == oc.APPOINTMENT:
        return last
    return None


def resumable_interview(session: Session, case: Case) -> Interview | None:
    """The interview the next start of this case goes on with, if any (else a new one)."""
    return active_interview(session, case) or stopped_for_appointment(session, case)


def _reopen(session: Session, interview: Interview, now: datetime) -> bool:
    """Take up an interview stopped for a call-back at the page where it stopped, answers
    kept. The time limits count the time spent interviewing, not the wait for the call-back:
    the interview's start moves on by the gap. False when another request reopened it (or
    started another interview) first."""
    state = state_of(interview)
    started = st.parse_iso(state.started_at) or interview.started_at
    spent = (interview.ended_at or now) - started
    resumed = replace(state, started_at=st.iso(now - spent), page_started_at=st.iso(now))
    try:
        won = session.execute(
            update(Interview)
            .where(Interview.id == interview.id, Interview.status == "breakoff")
            .values(
                {
                    Interview.status: "active",
                    Interview.outcome: None,
                    Interview.ended_at: None,
                    Interview.updated_at: now,
                    Interview.state: resumed.to_json(),  # the interview's, not a case state
                }
            )
            .execution_options(synchronize_session=False)
        ).rowcount
    except IntegrityError:  # another interview of the case became active meanwhile
        session.rollback()
        return False
    if won == 1:
        session.refresh(interview)
        audit.record(
            session,
            "interview.resume",
            actor="system",
            object_type="interview",
            object_id=interview.id,
            case=interview.case_id,
        )
    return won == 1


def open_interview(
    session: Session,
    case: Case,
    now: datetime,
    *,
    interviewer: User | None = None,
    mode: str = "phone",
    language: str | None = None,
) -> Interview:
    """Resume the case's unfinished interview (in either mode) or the one stopped for a
    call-back, or start one; commits."""
    stopped = stopped_for_appointment(session, case)
    if stopped is not None:
        _reopen(session, stopped, now)
    existing = active_interview(session, case)
    if existing is not None:
        existing.mode = mode
        if interviewer is not None:
            existing.interviewer_id = interviewer.id
        session.commit()
        return existing
    project = session.get(Project, case.project_id)
    assert project is not None
    if project.questionnaire_version_id is None:
        raise CatiError(ErrorCode.NO_QUESTIONNAIRE, project=project.code)
    version = session.get(QuestionnaireVersion, project.questionnaire_version_id)
    engine = Engine(questionnaire_of(version))
    languages = engine.q.languages
    try:
        state = engine.start(
            case.sample_vars,
            seed=f"{project.code}:{case.external_id}",
            language=language if language in languages else None,
            now=now,
        )
    except QuestionnaireError as exc:  # a sample value of the wrong type (see sample_types)
        raise CatiError(
            ErrorCode.SAMPLE_VARIABLE_WRONG, case=case.external_id, **exc.problem.params
        ) from None
    interview = Interview(
        case_id=case.id,
        questionnaire_version_id=version.id,
        interviewer_id=interviewer.id if interviewer else None,
        mode=mode,
        language=state.language,
        state=state.to_json(),
        answers={},
        started_at=now,
        updated_at=now,
    )
    session.add(interview)
    try:
        session.flush()
    except IntegrityError:
        # Another request (a double click, another server) started it a moment ago.
        session.rollback()
        resumed = active_interview(session, case)
        assert resumed is not None
        return resumed
    audit.record(
        session,
        "interview.start",
        user=interviewer,
        actor=None if interviewer else "respondent",
        object_type="interview",
        object_id=interview.id,
        case=case.id,
        mode=mode,
    )
    session.commit()
    return interview


def start_by_phone(
    session: Session, case: Case, interviewer: User, now: datetime, language: str | None
) -> Interview:
    """The interviewer starts (or resumes) the case's interview and is shown interviewing;
    the case stays theirs for a full claim from now. One commit, or nothing changed."""
    presence.set_status(
        session, interviewer, "interviewing", now, project_id=case.project_id, case_id=case.id
    )
    dispatch.extend_claim(session, case, interviewer, now)
    try:
        return open_interview(session, case, now, interviewer=interviewer, language=language)
    except CatiError:
        session.rollback()
        raise


def current_page(session: Session, interview: Interview, mode: str | None = None) -> Page | None:
    """The page to show, worded for ``mode`` (default: the interview's mode)."""
    return engine_for(session, interview).current_page(state_of(interview), mode or interview.mode)


def _save(
    session: Session,
    interview: Interview,
    old: InterviewState,
    new: InterviewState,
    action: str,
    now: datetime,
) -> bool:
    """Store the page and its paradata; False when another request saved it first.

    A double-clicked Next can reach two server processes at once; both read the same page
    number, and only the one whose conditional UPDATE finds it unchanged may save the page
    (the other waits for the winner's row lock, then matches no row). The page is stored by
    that same statement, and the winner holds the row until it commits.
    """
    stored: dict[str, Any] = {
        "seq": interview.seq + 1,
        "state": new.to_json(),
        "answers": dict(new.answers),
        "updated_at": now,
    }
    if new.finished:
        stored.update(status=new.status, outcome=new.outcome, ended_at=now)
    won = session.execute(
        update(Interview)
        .where(Interview.id == interview.id, Interview.seq == interview.seq)
        .values(stored)
        .execution_options(synchronize_session=False)
    ).rowcount
    if won != 1:
        session.refresh(interview)  # as the winner left it
        return False
    for name, value in stored.items():  # the object says what the row says, unread
        set_committed_value(interview, name, value)
    seconds = None
    # A language switch stays on its page: the page's time is counted once, when it is left.
    if old.page_started_at and action != "language":
        seconds = (now - datetime.fromisoformat(old.page_started_at)).total_seconds()
    changed = sum(1 for k, v in new.answers.items() if old.answers.get(k) != v)
    session.add(
        PageEvent(
            interview_id=interview.id,
            seq=interview.seq,
            page_key=old.position or "",
            action=action,
            mode=interview.mode,
            at=now,
            seconds=seconds,
            changed=changed,
        )
    )
    return True


def _turn_page(
    session: Session,
    interview: Interview,
    answers: dict[str, Any],
    seq: int,
    now: datetime,
    confirmed: tuple[str, ...],
) -> Submission:
    """Validate one page's answers and store them in the session (the caller commits)."""
    if interview.status != "active":
        raise CatiError(ErrorCode.INTERVIEW_OVER)
    if seq != interview.seq:
        return Submission(interview, repeated=True)
    engine = engine_for(session, interview)
    old = state_of(interview)
    result = engine.submit(old, answers, now=now, confirmed=confirmed)
    if not result.ok:
        return Submission(interview, errors=result.errors)
    new = result.state
    if not new.finished:
        new = _screen_out_if_quota_full(session, interview, new)
    action = "timeout" if new.outcome == "max_duration" else "next"
    if not _save(session, interview, old, new, action, now):
        return Submission(interview, repeated=True)
    return Submission(interview)


def _turn_back(session: Session, interview: Interview, seq: int, now: datetime) -> Submission:
    """Store the step back to the previous page in the session (the caller commits)."""
    if interview.status != "active":
        raise CatiError(ErrorCode.INTERVIEW_OVER)
    if seq != interview.seq:
        return Submission(interview, repeated=True)
    old = state_of(interview)
    new = engine_for(session, interview).back(old, now)
    if not _save(session, interview, old, new, "back", now):
        return Submission(interview, repeated=True)
    return Submission(interview)


def submit_page(
    session: Session,
    interview: Interview,
    answers: dict[str, Any],
    seq: int,
    actor: User | None,
    now: datetime,
    *,
    confirmed: tuple[str, ...] = (),
) -> Submission:
    """A page sent by the case's interviewer (``actor``) or its web respondent (``None``).

    Commits once: the page, the claim (or web hold) it keeps alive and, on the page that
    ends the interview, the case's outcome and the interviewer's presence, so a server that
    dies in between leaves neither a finished interview on a case still in play nor an
    outcome without its last page. A repeat stores no page but still keeps the case; invalid
    answers commit nothing. ``CatiError`` (INTERVIEW_OVER) when the interview already ended.
    """
    case = _hold_case(session, interview, actor, now)
    return _conclude(
        session, case, _turn_page(session, interview, answers, seq, now, confirmed), actor, now
    )


def back_page(
    session: Session, interview: Interview, seq: int, actor: User | None, now: datetime
) -> Submission:
    """The previous page, asked for by the interviewer or the respondent; as :func:`submit_page`."""
    case = _hold_case(session, interview, actor, now)
    return _conclude(session, case, _turn_back(session, interview, seq, now), actor, now)


def switch_language(
    session: Session, interview: Interview, language: str, actor: User | None, now: datetime
) -> None:
    """The interview goes on in another of the questionnaire's languages: the current page
    is shown again in it, every answer kept. Commits, audited; the switch takes a page
    number, so a page form shown before it (in the old language) is answered as a repeat.
    ``CatiError`` when the interview is over or the questionnaire lacks the language."""
    if interview.status != "active":
        raise CatiError(ErrorCode.INTERVIEW_OVER)
    offered = languages_of(session, interview)
    if language not in offered:
        raise CatiError(
            ErrorCode.LANGUAGE_NOT_OFFERED, language=language, languages=", ".join(offered)
        )
    old = state_of(interview)
    if language == old.language:
        return
    case = _hold_case(session, interview, actor, now)
    if not _save(session, interview, old, replace(old, language=language), "language", now):
        session.rollback()  # another page was saved first: the page shows which, L again
        return
    interview.language = language
    audit.record(
        session,
        "interview.language",
        user=actor,
        actor=None if actor else "respondent",
        object_type="interview",
        object_id=interview.id,
        case=case.id,
        language=language,
        previous=old.language,
    )
    session.commit()


# How an interview stopped part-way ends: the case's outcome -> the interview's status.
BREAKOFF = "BREAKOFF"
STOP_STATUSES = {BREAKOFF: "breakoff", oc.APPOINTMENT: "breakoff", oc.PARTIAL: "partial"}


def stop_interview(
    session: Session,
    interview: Interview,
    actor: User,
    outcome_code: str,
    now: datetime,
    *,
    notes: str = "",
    appointment: disposition.AppointmentRequest | None = None,
) -> None:
    """The interviewer stops the interview part-way: the respondent broke off, asked to be
    called back (``appointment``) or gave enough for a partial.

    The interview ends ``breakoff`` (break-off and appointment) or ``partial`` with its
    answers kept and the stop's outcome code in ``outcome``; the case gets the outcome
    through the calling rules and the interviewer is available again. One commit, or
    nothing changed (``CatiError``: the interview is over, the case is not the actor's, the
    outcome is not one of the three or the appointment is impossible).
    """
    try:
        if interview.status != "active":
            raise CatiError(ErrorCode.INTERVIEW_OVER)
        if outcome_code not in STOP_STATUSES:
            raise CatiError(ErrorCode.STOP_OUTCOME_INVALID, outcome=outcome_code)
        case = session.get(Case, interview.case_id)
        assert case is not None
        interview.status = STOP_STATUSES[outcome_code]
        interview.outcome = outcome_code
        interview.ended_at = now
        interview.updated_at = now
        presence.set_status(session, actor, "available", now)
        disposition.record_outcome(
            session,
            case,
            actor,
            outcome_code,
            now=now,
            notes=notes,
            appointment=appointment,
            answers=interview.answers,
        )  # commits
    except CatiError:
        session.rollback()
        raise


# What the system writes on an interview it closed because nobody touched it.
UNTOUCHED = "untouched"


def close_untouched(session: Session, now: datetime) -> int:
    """Close the phone interviews nobody touched for longer than their project's claim
    (the interviewer left the screen, lost the connection or went home): each ends as a
    break-off as if stopped with X, its answers kept, marked ``untouched``; the call is
    recorded in its interviewer's name with the outcome the calling rules give a break-off,
    and the case is free again. Returns how many were closed; commits each one.

    Each page extends the claim, so an expired (or released) claim is the sign; the last
    page's time decides. Safe to run from several processes at once: the close is a
    conditional update, and an interview someone answers meanwhile is left alone.
    """
    stale = session.execute(
        select(Interview.id, Interview.updated_at, Interview.seq, Case.project_id)
        .join(Case, Case.id == Interview.case_id)
        .where(
            Interview.status == "active",
            Interview.mode == "phone",
            Interview.interviewer_id.is_not(None),
            or_(Case.claim_expires_at.is_(None), Case.claim_expires_at < now),
        )
        .order_by(Interview.id)
    ).all()
    minutes_of: dict[int, int] = {}
    closed = 0
    for interview_id, updated_at, seq, project_id in stale:
        if project_id not in minutes_of:
            minutes_of[project_id] = rules_of(session.get(Project, project_id)).claim_minutes
        minutes = minutes_of[project_id]
        if updated_at > now - timedelta(minutes=minutes):
            continue
        closed += _close_untouched(session, interview_id, seq, minutes, now)
    return closed


def _close_untouched(
    session: Session, interview_id: int, seq: int, minutes: int, now: datetime
) -> bool:
    # The close takes the page's turn, as a page sent would: a page sent at the same moment
    # finds its number gone and is a repeat (see _save).
    won = session.execute(
        update(Interview)
        .where(Interview.id == interview_id, Interview.status == "active", Interview.seq == seq)
        .values(status="breakoff", outcome=UNTOUCHED, ended_at=now, updated_at=now, seq=seq + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if won != 1:
        session.rollback()
        return False
    interview = session.get(Interview, interview_id, populate_existing=True)
    case = session.get(Case, interview.case_id, populate_existing=True)
    left = state_of(interview)
    shown = st.parse_iso(left.page_started_at)
    session.add(
        PageEvent(
            interview_id=interview.id,
            seq=seq + 1,
            page_key=left.position or "",
            action=UNTOUCHED,
            mode=interview.mode,
            at=now,
            seconds=(now - shown).total_seconds() if shown else None,
        )
    )
    interviewer = session.get(User, interview.interviewer_id)
    audit.record(
        session,
        "interview.close_untouched",
        actor="system",
        object_type="interview",
        object_id=interview.id,
        case=case.id,
        minutes=minutes,
    )
    spell = presence.current(session, interviewer)
    if spell is not None and spell.case_id == case.id and spell.status != "break":
        presence.set_status(session, interviewer, "offline", now)
    if case.state == CaseState.FINAL:  # finalized meanwhile (by hand): nothing to call
        session.commit()
        return True
    # The attempt was the interviewer's: it is recorded as theirs, its claim taken back.
    started_at = case.claimed_at or interview.started_at
    case.claimed_by_id = interviewer.id
    try:
        disposition.record_outcome(
            session,
            case,
            interviewer,
            BREAKOFF,
            started_at=started_at,
            now=now,
            notes=f"Closed by the system: untouched for {minutes} minutes.",
            answers=interview.answers,
        )  # commits
    except CatiError:  # the project switched its break-off outcome off: free the case only
        case.claimed_by_id = case.claimed_at = case.claim_expires_at = None
        session.commit()
    return True


def _hold_case(session: Session, interview: Interview, actor: User | None, now: datetime) -> Case:
    """Each page keeps the case with whoever answers it: the interviewer's claim is extended;
    the web respondent's hold keeps interviewers off (and an interview begun by phone goes
    on in web mode)."""
    case = session.get(Case, interview.case_id)
    assert case is not None
    if actor is None:
        interview.mode = "web"
        cases.hold_for_web(case, now)
    else:
        dispatch.extend_claim(session, case, actor, now)
    return case


def _conclude(
    session: Session, case: Case, result: Submission, actor: User | None, now: datetime
) -> Submission:
    if result.errors:
        return result
    if result.finished:
        _record_end(session, case, result.interview, actor, now)  # commits
    else:
        session.commit()
    return result


def _record_end(
    session: Session, case: Case, interview: Interview, actor: User | None, now: datetime
) -> None:
    """What the finished interview means for its case: the call's outcome in the
    interviewer's name (who goes on to wrap up), or the respondent's self-completion.

    Both recorders of ``disposition`` commit: the one commit of the last page, which takes
    the page, the presence and the outcome together.
    """
    outcome = case_outcome(session, interview)
    if actor is None:
        disposition.record_self_completion(session, case, outcome, now, interview.answers)
        return
    presence.set_status(session, actor, "wrap_up", now, project_id=case.project_id, case_id=case.id)
    disposition.record_outcome(
        session,
        case,
        actor,
        outcome,
        now=now,
        answers=interview.answers,
        notes=interview.outcome or "",
    )


def _screen_out_if_quota_full(
    session: Session, interview: Interview, state: InterviewState
) -> InterviewState:
    case = session.get(Case, interview.case_id)
    project = session.get(Project, case.project_id)
    full = quotas.full_cell(session, project, {**case.sample_vars, **state.answers})
    if full is None:
        return state
    return replace(state, status=st.SCREENED_OUT, outcome=oc.QUOTA_FULL, position=None)


def case_outcome(session: Session, interview: Interview) -> str:
    """The call outcome a finished interview gives its case.

    A screen-out whose code is also an outcome of the project's catalogue uses it (so a
    researcher can map SO_AGE to an outcome of their own); other screen-outs are NOT_ELIGIBLE.
    """
    if interview.status == "completed":
        return oc.WEB_COMPLETE if interview.mode == "web" else oc.COMPLETE
    if interview.status == "partial":
        return oc.PARTIAL
    if interview.status == "breakoff":
        return BREAKOFF
    case = session.get(Case, interview.case_id)
    project = session.get(Project, case.project_id)
    if interview.outcome and interview.outcome in catalogue.by_code(session, project):
        return interview.outcome
    return oc.NOT_ELIGIBLE
