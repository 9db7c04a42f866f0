"""Interviews run page by page from the database: commit per page, repeats, resume, finish;
the one flow of a page sent by an interviewer or a web respondent."""

import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from cati import dataset, interviewing, questionnaire_store
from cati.errors import CatiError, ErrorCode
from cati.fieldwork import dispatch, disposition, presence, projects
from cati.models import (
    AuditEntry,
    CallAttempt,
    CaseState,
    Interview,
    PageEvent,
    QuestionnaireVersion,
    StatusSpell,
    User,
)
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project
from tests.conftest import make_user
from tests.questionnaires.test_library import random_answer

LIBRARY = Path(__file__).parents[2] / "questionnaires" / "library"


@pytest.fixture
def pinned(db):
    project = make_project(db)
    questionnaire_store.pin(db, project, LIBRARY / "customer_satisfaction.yaml")
    interviewer = make_user(db, "interviewer")
    projects.assign(db, project, interviewer)
    make_cases(db, project)
    claim = dispatch.next_case(db, project, interviewer, now=MONDAY_10)
    return project, interviewer, claim.case


def answer_page(db, interview, interviewer, rng, now):
    page = interviewing.current_page(db, interview)
    answers = {q.id: random_answer(q, rng) for q in page.questions if q.type != "display"}
    return interviewing.submit_page(db, interview, answers, interview.seq, interviewer, now)


def test_the_same_file_pins_the_same_version_and_a_changed_one_is_refused(db, tmp_path):
    project = make_project(db)
    source = (LIBRARY / "customer_satisfaction.yaml").read_text()
    first = questionnaire_store.pin(db, project, LIBRARY / "customer_satisfaction.yaml")
    copy = tmp_path / "copy.yaml"
    copy.write_text(source)
    assert questionnaire_store.pin(db, project, copy).id == first.id
    copy.write_text(source.replace("satisfacción post-venta", "satisfacción"))
    with pytest.raises(CatiError) as caught:
        questionnaire_store.pin(db, project, copy)
    assert caught.value.code is ErrorCode.QUESTIONNAIRE_VERSION_CHANGED
    assert db.scalar(select(func.count()).select_from(QuestionnaireVersion)) == 1


def test_an_invalid_questionnaire_is_refused_with_its_problems(db, tmp_path):
    project = make_project(db)
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nversion: '1'\ntitle: t\nquestions:\n  - {id: q, type: bogus}\n")
    with pytest.raises(CatiError) as caught:
        questionnaire_store.pin(db, project, bad)
    assert caught.value.code is ErrorCode.QUESTIONNAIRE_INVALID
    assert "bad.yaml" in str(caught.value)


def test_every_accepted_page_is_committed_with_its_paradata(db, pinned, app):
    _, interviewer, case = pinned
    interview = interviewing.open_interview(db, case, MONDAY_10, interviewer=interviewer)
    rng = random.Random(4)
    now = MONDAY_10
    while interview.status == "active":
        now += timedelta(seconds=20)
        result = answer_page(db, interview, interviewer, rng, now)
        assert not result.errors, result.errors
        # A fresh session sees the page: it was committed before the next one is shown.
        with app.extensions["cati.sessionmaker"]() as other:
            assert other.get(Interview, interview.id).seq == interview.seq
    assert interview.status == "completed"
    assert interviewing.case_outcome(db, interview) == "COMPLETE"
    events = db.scalars(select(PageEvent).order_by(PageEvent.seq)).all()
    assert [e.seq for e in events] == list(range(1, interview.seq + 1))
    assert all(e.seconds == 20 for e in events)
    assert interview.answers["purchase_confirmed"] in (1, 2)


def past_the_introduction(db, interview, interviewer):
    assert [q.id for q in interviewing.current_page(db, interview).questions] == ["intro"]
    interviewing.submit_page(db, interview, {}, interview.seq, interviewer, MONDAY_10)


def test_a_repeated_submission_of_an_accepted_page_changes_nothing(db, pinned):
    _, interviewer, case = pinned
    interview = interviewing.open_interview(db, case, MONDAY_10, interviewer=interviewer)
    past_the_introduction(db, interview, interviewer)
    page = interviewing.current_page(db, interview)
    seq = interview.seq
    answers = {"purchase_confirmed": 1}
    assert "purchase_confirmed" in [q.id for q in page.questions]
    first = interviewing.submit_page(db, interview, answers, seq, interviewer, MONDAY_10)
    second = interviewing.submit_page(
        db, interview, {"purchase_confirmed": 2}, seq, interviewer, MONDAY_10
    )
    assert not first.repeated and second.repeated
    assert interview.answers["purchase_confirmed"] == 1
    assert db.scalar(select(func.count()).select_from(PageEvent)) == 2


def test_an_interview_resumes_exactly_from_the_database(db, pinned, app):
    _, interviewer, case = pinned
    interview = interviewing.open_interview(db, case, MONDAY_10, interviewer=interviewer)
    rng = random.Random(9)
    for _ in range(2):
        answer_page(db, interview, interviewer, rng, MONDAY_10)
    before = interviewing.current_page(db, interview)
    with app.extensions["cati.sessionmaker"]() as other:
        again = interviewing.open_interview(other, case, MONDAY_10, interviewer=interviewer)
        assert again.id == interview.id
        after = interviewing.current_page(other, again)
    assert after.key == before.key
    assert [q.id for q in after.questions] == [q.id for q in before.questions]


def test_invalid_answers_are_returned_and_nothing_is_stored(db, pinned):
    _, interviewer, case = pinned
    interview = interviewing.open_interview(db, case, MONDAY_10, interviewer=interviewer)
    past_the_introduction(db, interview, interviewer)
    result = interviewing.submit_page(
        db, interview, {"purchase_confirmed": 7}, 1, interviewer, MONDAY_10
    )
    assert [e.field for e in result.errors] == ["purchase_confirmed"]
    db.refresh(interview)
    assert interview.seq == 1 and interview.answers == {}


def test_a_project_without_a_questionnaire_cannot_start_interviews(db):
    project = make_project(db)
    (case,) = make_cases(db, project)
    with pytest.raises(CatiError) as caught:
        interviewing.open_interview(db, case, MONDAY_10)
    assert caught.value.code is ErrorCode.NO_QUESTIONNAIRE


@pytest.mark.parametrize("action", ["next", "back"])
def test_the_same_page_sent_at_once_by_two_requests_is_stored_once(db, pinned, app, action):
    """A double-clicked Next reaching two server processes: one saves, the other is a repeat."""
    _, interviewer, case = pinned
    interview = interviewing.open_interview(db, case, MONDAY_10, interviewer=interviewer)
    past_the_introduction(db, interview, interviewer)
    with app.extensions["cati.sessionmaker"]() as other:
        # Both requests have read the interview before either saves; both come from the
        # interviewer holding the case.
        twin, again = other.get(Interview, interview.id), other.get(User, interviewer.id)
        seq, answers = interview.seq, {"purchase_confirmed": 1}
        if action == "next":
            first = interviewing.submit_page(db, interview, answers, seq, interviewer, MONDAY_10)
            second = interviewing.submit_page(other, twin, answers, seq, again, MONDAY_10)
        else:
            first = interviewing.back_page(db, interview, seq, interviewer, MONDAY_10)
            second = interviewing.back_page(other, twin, seq, again, MONDAY_10)
        assert not first.repeated and second.repeated
        assert not second.finished
        assert twin.seq == seq + 1  # the loser sees the page the winner stored
    pages = db.scalars(select(PageEvent.seq).order_by(PageEvent.seq)).all()
    assert pages == list(range(1, seq + 2))


def test_the_engine_is_built_once_per_questionnaire_version(db, pinned, tmp_path):
    """Every page needs the engine: it comes from the process, not from parsing the source."""
    _, interviewer, case = pinned
    interview = interviewing.open_interview(db, case, MONDAY_10, interviewer=interviewer)
    engine = interviewing.engine_for(db, interview)
    assert interviewing.engine_for(db, interview) is engine
    other = make_project(db)
    changed = tmp_path / "customer_satisfaction.yaml"
    source = (LIBRARY / "customer_satisfaction.yaml").read_text()
    changed.write_text(source.replace('version: "1.0"', 'version: "1.1"'))
    version = questionnaire_store.pin(db, other, changed)
    interview.questionnaire_version_id = version.id
    assert interviewing.engine_for(db, interview) is not engine
    assert interviewing.engine_for(db, interview).q.version == "1.1"
    db.rollback()


def test_two_requests_starting_the_same_interview_at_once_get_one(db, pinned, app):
    """A double-clicked Start reaching two processes: one interview, both resume it."""
    import threading

    from cati.models import Case

    _, interviewer, case = pinned
    factory = app.extensions["cati.sessionmaker"]
    barrier = threading.Barrier(2)
    started: list[int] = []

    def start() -> None:
        with factory() as session:
            mine, who = session.get(Case, case.id), session.get(User, interviewer.id)
            barrier.wait()
            started.append(
                interviewing.open_interview(session, mine, MONDAY_10, interviewer=who).id
            )

    threads = [threading.Thread(target=start) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)  # returns as soon as they finish; the bound is for a loaded machine
    assert len(started) == 2 and len(set(started)) == 1
    assert db.scalar(select(func.count()).select_from(Interview)) == 1


def test_the_database_refuses_a_second_active_interview_for_a_case(db, pinned):
    from sqlalchemy.exc import IntegrityError

    _, interviewer, case = pinned
    first = interviewing.open_interview(db, case, MONDAY_10, interviewer=interviewer)
    db.add(
        Interview(
            case_id=case.id,
            questionnaire_version_id=first.questionnaire_version_id,
            state="{}",
            answers={},
            started_at=MONDAY_10,
            updated_at=MONDAY_10,
        )
    )
    with pytest.raises(IntegrityError):
        db.flush()
    db.rollback()


def run_to_the_end(db, interview, actor) -> list[int]:
    """Answer every page as ``actor`` sends it (None: the web respondent); returns how many
    commits each page took."""
    rng, now = random.Random(4), MONDAY_10
    commits: list[int] = []
    count = lambda _session: commits.__setitem__(-1, commits[-1] + 1)  # noqa: E731
    event.listen(db, "after_commit", count)
    try:
        while interview.status == "active":
            seq, now = interview.seq, now + timedelta(seconds=20)
            page = interviewing.current_page(db, interview)
            answers = {q.id: random_answer(q, rng) for q in page.questions if q.type != "display"}
            commits.append(0)
            interviewing.submit_page(db, interview, answers, seq, actor, now)
    finally:
        event.remove(db, "after_commit", count)
    return commits


def test_the_last_page_and_the_cases_outcome_are_committed_together(db, pinned, app):
    _, interviewer, case = pinned
    interview = interviewing.open_interview(db, case, MONDAY_10, interviewer=interviewer)
    commits = run_to_the_end(db, interview, interviewer)
    # One commit per page: the last one takes the page, the outcome and the presence.
    assert len(commits) > 2 and set(commits) == {1}
    with app.extensions["cati.sessionmaker"]() as other:
        stored = other.get(type(case), case.id)
        assert (stored.state, stored.final_outcome, stored.claimed_by_id) == (
            CaseState.FINAL,
            "COMPLETE",
            None,
        )
        assert other.get(Interview, interview.id).status == "completed"
        attempts = other.scalars(select(CallAttempt).where(CallAttempt.case_id == case.id))
        assert [(a.outcome, a.interviewer_id) for a in attempts] == [("COMPLETE", interviewer.id)]
        spell = presence.current(other, other.get(type(interviewer), interviewer.id))
        assert (spell.status, spell.case_id) == ("wrap_up", case.id)


def test_a_failure_while_recording_the_outcome_keeps_the_last_page_unsaved(
    db, pinned, app, monkeypatch
):
    """As a server killed between the two would: the interview stays on its last page."""
    _, interviewer, case = pinned
    interview = interviewing.open_interview(db, case, MONDAY_10, interviewer=interviewer)

    def crash(*_args, **_kwargs):
        raise RuntimeError("the server died here")

    monkeypatch.setattr(disposition, "record_outcome", crash)
    with pytest.raises(RuntimeError):
        run_to_the_end(db, interview, interviewer)
    before_last_page = interview.seq - 1
    db.rollback()
    with app.extensions["cati.sessionmaker"]() as other:
        stored = other.get(Interview, interview.id)
        assert stored.status == "active" and stored.seq == before_last_page
        assert other.get(type(case), case.id).claimed_by_id == interviewer.id
        assert spells(other, interviewer) == []  # no wrap-up without the outcome
    assert interviewing.current_page(db, interview) is not None  # resumes on the last page


def spells(session, user):
    # In the order written: PostgreSQL returns rows updated in place (a spell closed) otherwise.
    query = select(StatusSpell.status).where(StatusSpell.user_id == user.id)
    return list(session.scalars(query.order_by(StatusSpell.id)))


def test_each_page_an_interviewer_sends_extends_the_claim_with_it(db, pinned, app):
    _, interviewer, case = pinned
    interview = interviewing.open_interview(db, case, MONDAY_10, interviewer=interviewer)
    later = MONDAY_10 + timedelta(minutes=15)
    interviewing.submit_page(db, interview, {}, interview.seq, interviewer, later)
    # The rules' claim_minutes, and a minute on top: the next minute's pages write nothing.
    expires = later + timedelta(minutes=20) + dispatch.EXTEND_EVERY
    with app.extensions["cati.sessionmaker"]() as other:
        assert other.get(type(case), case.id).claim_expires_at == expires
    again = MONDAY_10 + timedelta(minutes=30)
    repeat = interviewing.submit_page(db, interview, {}, interview.seq - 1, interviewer, again)
    assert repeat.repeated  # stores no page, yet the interviewer is still on the case
    first_page = interviewing.state_of(interview).history[0][0]
    back = interviewing.back_page(db, interview, interview.seq, interviewer, again)
    assert back.accepted and interviewing.state_of(interview).position == first_page
    with app.extensions["cati.sessionmaker"]() as other:
        assert other.get(type(case), case.id).claim_expires_at == again + timedelta(minutes=21)
        assert other.get(Interview, interview.id).seq == interview.seq
    soon = again + timedelta(seconds=59)
    interviewing.submit_page(db, interview, {}, interview.seq, interviewer, soon)
    with app.extensions["cati.sessionmaker"]() as other:  # still a full claim ahead
        assert other.get(type(case), case.id).claim_expires_at == again + timedelta(minutes=21)


def test_invalid_answers_sent_by_an_interviewer_commit_nothing(db, pinned, app):
    _, interviewer, case = pinned
    interview = interviewing.open_interview(db, case, MONDAY_10, interviewer=interviewer)
    interviewing.submit_page(db, interview, {}, interview.seq, interviewer, MONDAY_10)
    late = MONDAY_10 + timedelta(minutes=15)
    refused = interviewing.submit_page(
        db, interview, {"purchase_confirmed": 7}, interview.seq, interviewer, late
    )
    assert refused.errors and not refused.accepted
    db.rollback()
    with app.extensions["cati.sessionmaker"]() as other:
        assert other.get(type(case), case.id).claim_expires_at == MONDAY_10 + timedelta(minutes=20)
        assert other.get(Interview, interview.id).seq == 1


@pytest.fixture
def on_the_web(db, pinned):
    """An unclaimed case of the project whose respondent answers on the web."""
    project, _, claimed = pinned
    (case,) = make_cases(db, project)
    assert case.claimed_by_id is None and case.id != claimed.id
    return case


def test_a_web_respondent_finishes_the_case_in_the_transaction_of_the_last_page(
    db, on_the_web, app
):
    case = on_the_web
    interview = interviewing.open_interview(db, case, MONDAY_10, mode="web")
    commits = run_to_the_end(db, interview, None)
    assert len(commits) > 2 and set(commits) == {1}
    with app.extensions["cati.sessionmaker"]() as other:
        stored = other.get(type(case), case.id)
        assert (stored.state, stored.final_outcome) == (CaseState.FINAL, "WEB_COMPLETE")
        assert other.scalar(select(func.count()).select_from(CallAttempt)) == 0  # no call
        assert other.get(Interview, interview.id).status == "completed"


def test_each_web_page_keeps_interviewers_off_the_case(db, on_the_web, app):
    case = on_the_web
    interview = interviewing.open_interview(db, case, MONDAY_10, mode="web")
    later = MONDAY_10 + timedelta(minutes=5)
    interviewing.submit_page(db, interview, {}, interview.seq, None, later)
    with app.extensions["cati.sessionmaker"]() as other:
        assert other.get(type(case), case.id).next_call_at >= later + timedelta(minutes=60)


def test_an_interview_begun_by_phone_goes_on_in_web_mode_when_the_respondent_sends_a_page(
    db, pinned, app
):
    _, interviewer, case = pinned
    interview = interviewing.open_interview(db, case, MONDAY_10, interviewer=interviewer)
    interviewing.submit_page(db, interview, {}, interview.seq, interviewer, MONDAY_10)
    dispatch.release_claim(db, case, by=interviewer, reason="call dropped")
    interviewing.submit_page(db, interview, {"purchase_confirmed": 1}, 1, None, MONDAY_10)
    with app.extensions["cati.sessionmaker"]() as other:
        events = other.scalars(
            select(PageEvent.mode)
            .where(PageEvent.interview_id == interview.id)
            .order_by(PageEvent.id)  # in the order written, on PostgreSQL too
        ).all()
        assert list(events) == ["phone", "web"]


def test_a_page_of_an_ended_interview_is_refused_by_the_flow(db, pinned):
    _, interviewer, case = pinned
    interview = interviewing.open_interview(db, case, MONDAY_10, interviewer=interviewer)
    run_to_the_end(db, interview, interviewer)
    with pytest.raises(CatiError) as refused:
        interviewing.submit_page(db, interview, {}, interview.seq, interviewer, MONDAY_10)
    assert refused.value.code is ErrorCode.INTERVIEW_OVER


def test_an_interviewer_starting_an_interview_is_shown_interviewing_in_the_same_commit(
    db, pinned, app
):
    _, interviewer, case = pinned
    commits: list[int] = [0]
    count = lambda _session: commits.__setitem__(0, commits[0] + 1)  # noqa: E731
    event.listen(db, "after_commit", count)
    try:
        interview = interviewing.start_by_phone(db, case, interviewer, MONDAY_10, "es")
    finally:
        event.remove(db, "after_commit", count)
    assert commits == [1]
    with app.extensions["cati.sessionmaker"]() as other:
        assert other.get(Interview, interview.id).interviewer_id == interviewer.id
        spell = presence.current(other, other.get(type(interviewer), interviewer.id))
        assert (spell.status, spell.case_id) == ("interviewing", case.id)


def test_starting_without_a_questionnaire_leaves_the_interviewers_presence_unchanged(db, app):
    project = make_project(db)
    interviewer = make_user(db, "interviewer")
    projects.assign(db, project, interviewer)
    (case,) = make_cases(db, project)
    presence.set_status(db, interviewer, "available", MONDAY_10)
    db.commit()
    with pytest.raises(CatiError) as caught:
        interviewing.start_by_phone(db, case, interviewer, MONDAY_10, None)
    assert caught.value.code is ErrorCode.NO_QUESTIONNAIRE
    with app.extensions["cati.sessionmaker"]() as other:
        spell = presence.current(other, other.get(type(interviewer), interviewer.id))
        assert spell.status == "available"


def stop_after_one_page(db, pinned, app, outcome, **kwargs):
    """Answer the first pages, stop as ``outcome``; the interview, case and commits as another
    session reads them."""
    _, interviewer, case = pinned
    interview = interviewing.start_by_phone(db, case, interviewer, MONDAY_10, None)
    past_the_introduction(db, interview, interviewer)
    answer_page(db, interview, interviewer, random.Random(2), MONDAY_10 + timedelta(minutes=1))
    answers = dict(interview.answers)
    assert answers and interview.status == "active"
    commits = []
    count = commits.append
    event.listen(db, "after_commit", count)
    try:
        interviewing.stop_interview(
            db, interview, interviewer, outcome, MONDAY_10 + timedelta(minutes=2), **kwargs
        )
    finally:
        event.remove(db, "after_commit", count)
    assert len(commits) == 1
    other = app.extensions["cati.sessionmaker"]()
    stored = other.get(Interview, interview.id)
    assert stored.answers == answers and stored.ended_at is not None
    assert spells(other, interviewer)[-1] == "available"
    return other, stored, other.get(type(case), case.id)


def test_an_interview_stopped_as_a_break_off_keeps_its_answers_and_finalizes_the_case(
    db, pinned, app
):
    other, stored, case = stop_after_one_page(db, pinned, app, "BREAKOFF", notes="hung up")
    with other:
        assert (stored.status, stored.outcome) == ("breakoff", "BREAKOFF")
        assert (case.state, case.final_outcome, case.claimed_by_id) == (
            CaseState.FINAL,
            "BREAKOFF",
            None,
        )
        attempt = other.scalars(select(CallAttempt).where(CallAttempt.case_id == case.id)).one()
        assert (attempt.outcome, attempt.notes) == ("BREAKOFF", "hung up")


def test_an_interview_stopped_for_an_appointment_books_the_call_back(db, pinned, app):
    at = MONDAY_10 + timedelta(hours=3)
    request = disposition.AppointmentRequest("hard", at, personal=True)
    other, stored, case = stop_after_one_page(db, pinned, app, "APPOINTMENT", appointment=request)
    with other:
        assert (stored.status, stored.outcome) == ("breakoff", "APPOINTMENT")
        assert case.state != CaseState.FINAL and case.claimed_by_id is None
        assert case.next_call_at == at and case.reserved_for_id == stored.interviewer_id


def test_an_interview_stopped_as_a_partial_finalizes_the_case_partial(db, pinned, app):
    other, stored, case = stop_after_one_page(db, pinned, app, "PARTIAL")
    with other:
        assert (stored.status, stored.outcome) == ("partial", "PARTIAL")
        assert (case.state, case.final_outcome) == (CaseState.FINAL, "PARTIAL")


@pytest.mark.parametrize(
    ("outcome", "appointment", "code"),
    [
        ("COMPLETE", None, ErrorCode.STOP_OUTCOME_INVALID),
        (
            "APPOINTMENT",
            disposition.AppointmentRequest("hard", MONDAY_10 - timedelta(hours=1)),
            ErrorCode.APPOINTMENT_IN_PAST,
        ),
    ],
)
def test_a_refused_stop_changes_nothing(db, pinned, app, outcome, appointment, code):
    _, interviewer, case = pinned
    interview = interviewing.start_by_phone(db, case, interviewer, MONDAY_10, None)
    past_the_introduction(db, interview, interviewer)
    with pytest.raises(CatiError) as refused:
        interviewing.stop_interview(
            db, interview, interviewer, outcome, MONDAY_10, appointment=appointment
        )
    assert refused.value.code == code
    with app.extensions["cati.sessionmaker"]() as other:
        assert other.get(Interview, interview.id).status == "active"
        assert other.get(type(case), case.id).claimed_by_id == interviewer.id
        assert spells(other, interviewer) == ["interviewing"]


def test_an_ended_interview_cannot_be_stopped(db, pinned):
    _, interviewer, case = pinned
    interview = interviewing.open_interview(db, case, MONDAY_10, interviewer=interviewer)
    run_to_the_end(db, interview, interviewer)
    with pytest.raises(CatiError) as refused:
        interviewing.stop_interview(db, interview, interviewer, "BREAKOFF", MONDAY_10)
    assert refused.value.code == ErrorCode.INTERVIEW_OVER


def test_an_interview_stopped_for_an_appointment_resumes_where_it_stopped(db, pinned, app):
    """The call-back goes on with the same interview at the page where it stopped, answers
    kept; its time limit counts the minutes spent interviewing, not the wait."""
    at = MONDAY_10 + timedelta(hours=3)
    request = disposition.AppointmentRequest("hard", at, personal=True)
    other, stopped, case = stop_after_one_page(db, pinned, app, "APPOINTMENT", appointment=request)
    project, interviewer, _ = pinned
    with other:
        page_before = interviewing.current_page(other, stopped).key
        assert interviewing.resumable_interview(other, case).id == stopped.id
        me = other.get(User, interviewer.id)
        claim = dispatch.next_case(other, other.get(type(project), project.id), me, now=at)
        assert claim.case.id == case.id
        again = interviewing.start_by_phone(other, claim.case, me, at, None)
        assert (again.id, again.status, again.outcome, again.ended_at) == (
            stopped.id,
            "active",
            None,
            None,
        )
        assert again.answers == stopped.answers
        assert interviewing.current_page(other, again).key == page_before
        started = datetime.fromisoformat(interviewing.state_of(again).started_at)
        assert at - started == timedelta(minutes=2)  # the two minutes before the stop
        assert other.scalar(select(func.count()).select_from(Interview)) == 1


def test_a_break_off_is_not_resumed(db, pinned, app):
    other, _stopped, case = stop_after_one_page(db, pinned, app, "BREAKOFF")
    with other:
        assert interviewing.resumable_interview(other, case) is None


def untouched_interview(db, pinned, last_page_at):
    """An interview whose last page was sent at ``last_page_at`` (its claim runs 20 minutes
    from then, and the minute a page's extension adds: see dispatch.EXTEND_EVERY)."""
    _, interviewer, case = pinned
    interview = interviewing.start_by_phone(db, case, interviewer, MONDAY_10, None)
    interviewing.submit_page(db, interview, {}, interview.seq, interviewer, MONDAY_10)
    answer_page(db, interview, interviewer, random.Random(2), last_page_at)
    return interview


def test_an_interview_untouched_for_longer_than_the_claim_is_closed_as_a_break_off(db, pinned, app):
    project, interviewer, case = pinned
    last = MONDAY_10 + timedelta(minutes=1)
    interview = untouched_interview(db, pinned, last)
    answers = dict(interview.answers)
    assert interviewing.close_untouched(db, last + timedelta(minutes=19)) == 0
    assert interviewing.close_untouched(db, last + timedelta(minutes=21)) == 0  # claim lives
    assert interviewing.close_untouched(db, last + timedelta(minutes=22)) == 1
    assert interviewing.close_untouched(db, last + timedelta(minutes=23)) == 0  # once
    with app.extensions["cati.sessionmaker"]() as other:
        stored = other.get(Interview, interview.id)
        assert (stored.status, stored.outcome) == ("breakoff", interviewing.UNTOUCHED)
        assert stored.answers == answers and stored.ended_at == last + timedelta(minutes=22)
        event = other.scalars(select(PageEvent).order_by(PageEvent.seq.desc())).first()
        assert (event.seq, event.action, event.seconds) == (stored.seq, "untouched", 22 * 60)
        closed = other.get(type(case), case.id)
        assert (closed.state, closed.final_outcome, closed.claimed_by_id) == (
            CaseState.FINAL,
            "BREAKOFF",
            None,
        )
        attempt = other.scalars(select(CallAttempt).where(CallAttempt.case_id == case.id)).one()
        assert attempt.interviewer_id == interviewer.id
        assert attempt.notes == "Closed by the system: untouched for 20 minutes."
        assert spells(other, interviewer)[-1] == "offline"
        actions = other.scalars(
            select(AuditEntry.action).where(AuditEntry.object_type == "interview")
        ).all()
        assert "interview.close_untouched" in actions
    data = dataset.build(db, project, include_partials=True).frame
    assert list(data["status"]) == ["breakoff"]
    assert dataset.build(db, project).frame.empty


def test_an_interview_worked_on_or_on_a_live_claim_is_not_closed(db, pinned):
    project, interviewer, case = pinned
    last = MONDAY_10 + timedelta(minutes=1)
    interview = untouched_interview(db, pinned, last)
    later = last + timedelta(minutes=30)  # past the claim, but nobody took the case
    answer_page(db, interview, interviewer, random.Random(3), later)  # back at the desk
    assert interviewing.close_untouched(db, later + timedelta(minutes=10)) == 0
    colleague = make_user(db, "interviewer")
    projects.assign(db, project, colleague)
    taken = later + timedelta(minutes=20) + dispatch.EXTEND_EVERY + timedelta(seconds=1)
    assert dispatch.next_case(db, project, colleague, now=taken).case.id == case.id
    assert interviewing.close_untouched(db, taken + timedelta(minutes=5)) == 0
    assert interview.status == "active"


def test_a_page_sent_as_the_system_closes_the_interview_is_a_repeat(db, pinned, app):
    _, interviewer, _ = pinned
    last = MONDAY_10 + timedelta(minutes=1)
    interview = untouched_interview(db, pinned, last)
    late = last + timedelta(minutes=22)
    with app.extensions["cati.sessionmaker"]() as sweeper:
        assert interviewing.close_untouched(sweeper, late) == 1
    page = interviewing.current_page(db, interview)  # as the browser last saw it
    answers = {q.id: random_answer(q, random.Random(5)) for q in page.questions}
    sent = interviewing.submit_page(db, interview, answers, interview.seq, interviewer, late)
    assert sent.repeated and interview.status == "breakoff"


def test_starting_the_interview_keeps_the_case_for_a_full_claim(db, pinned, app):
    _, interviewer, case = pinned  # claimed at MONDAY_10
    started = MONDAY_10 + timedelta(minutes=15)
    interviewing.start_by_phone(db, case, interviewer, started, None)
    with app.extensions["cati.sessionmaker"]() as other:
        expires = other.get(type(case), case.id).claim_expires_at
        assert expires == started + timedelta(minutes=20) + dispatch.EXTEND_EVERY
