"""Dispatch: who gets which case, when, and never the same one twice."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from cati.errors import CatiError, ErrorCode
from cati.fieldwork import dispatch, inbound, projects
from cati.fieldwork.cases import release_replicate
from cati.fieldwork.disposition import record_outcome
from cati.fieldwork.rules import WEEKDAYS, in_window
from cati.models import Appointment, AuditEntry, CallAttempt, Case, CaseState, DoNotCall
from tests.cati.fieldwork.conftest import MADRID, MONDAY_10, make_cases, make_project
from tests.conftest import make_user


def test_an_interviewer_not_assigned_to_the_project_gets_nothing(db, project):
    make_cases(db, project)
    stranger = make_user(db, "interviewer")
    with pytest.raises(CatiError) as caught:
        dispatch.next_case(db, project, stranger, now=MONDAY_10)
    assert caught.value.code is ErrorCode.NOT_ASSIGNED


def test_a_paused_project_hands_out_no_case_until_it_is_back_in_fieldwork(db, project, interviewer):
    make_cases(db, project)
    fields = dict(name=project.name, client_name="", time_zone=project.time_zone)
    projects.update_project(db, project, status="paused", **fields)
    with pytest.raises(CatiError) as caught:
        dispatch.next_case(db, project, interviewer, now=MONDAY_10)
    assert caught.value.code is ErrorCode.PROJECT_NOT_CALLING
    projects.update_project(db, project, status="fieldwork", **fields)
    assert dispatch.next_case(db, project, interviewer, now=MONDAY_10) is not None


def test_unreleased_cases_are_never_dispatched(db, project, interviewer):
    make_cases(db, project, release=False)
    assert dispatch.next_case(db, project, interviewer, now=MONDAY_10) is None
    release_replicate(db, project, 1, now=MONDAY_10)
    assert dispatch.next_case(db, project, interviewer, now=MONDAY_10) is not None


def test_no_case_is_handed_out_outside_the_respondents_window(db, project, interviewer):
    make_cases(db, project, time_zone="America/New_York")
    # 10:00 in Madrid is 04:00 in New York.
    assert dispatch.next_case(db, project, interviewer, now=MONDAY_10) is None
    case = db.scalar(select(Case))
    db.refresh(case)
    assert case.next_call_at.astimezone(MADRID).hour == 15  # 09:00 New York
    assert dispatch.next_case(db, project, interviewer, now=case.next_call_at) is not None


def test_a_case_whose_window_closed_since_it_was_scheduled_is_moved_to_the_next_opening(
    db, project, interviewer
):
    make_cases(db, project)
    night = MONDAY_10.replace(hour=22)
    assert dispatch.next_case(db, project, interviewer, now=night) is None
    case = db.scalar(select(Case))
    db.refresh(case)
    assert case.next_call_at == MONDAY_10.replace(day=1, month=12, hour=9)


def test_longest_waiting_goes_first_within_a_priority(db, project, interviewer):
    early, late = make_cases(db, project, n=2)
    late.next_call_at = MONDAY_10 - timedelta(minutes=5)
    early.next_call_at = MONDAY_10 - timedelta(minutes=50)
    db.commit()
    assert dispatch.next_case(db, project, interviewer, now=MONDAY_10).case.id == early.id


def test_earlier_replicates_go_first(db, project, interviewer):
    make_cases(db, project, replicate=2)
    (first,) = make_cases(db, project, replicate=1)
    assert dispatch.next_case(db, project, interviewer, now=MONDAY_10).case.id == first.id


def test_a_number_on_the_do_not_call_list_is_never_dialled(db, project, interviewer):
    (case,) = make_cases(db, project, phones=2)
    db.add(DoNotCall(number=case.phones[0].number, reason="opt-out"))
    db.commit()
    claim = dispatch.next_case(db, project, interviewer, now=MONDAY_10)
    assert claim.phone.position == 2
    db.refresh(case.phones[0])
    assert case.phones[0].status == "dnc"


def test_a_case_whose_only_number_is_on_the_dnc_list_is_finalized(db, project, interviewer):
    (case,) = make_cases(db, project)
    db.add(DoNotCall(number=case.phones[0].number))
    db.commit()
    assert dispatch.next_case(db, project, interviewer, now=MONDAY_10) is None
    db.refresh(case)
    assert (case.state, case.final_outcome) == (CaseState.FINAL, "NO_PHONE_LEFT")


def test_the_frequency_cap_holds_across_projects(db, interviewer):
    first = make_project(db, rules={"frequency_cap_calls": 2, "frequency_cap_days": 7})
    second = make_project(db, rules={"frequency_cap_calls": 2, "frequency_cap_days": 7})
    for project in (first, second):
        projects.assign(db, project, interviewer)
    (a,) = make_cases(db, first)
    (b,) = make_cases(db, second)
    b.phones[0].number = a.phones[0].number  # the same household sampled twice
    db.commit()
    now = MONDAY_10
    for _ in range(2):
        claim = dispatch.next_case(db, first, interviewer, now=now)
        record_outcome(db, claim.case, interviewer, "BUSY", now=now)
        db.refresh(a)
        now = a.next_call_at
    assert dispatch.next_case(db, second, interviewer, now=now) is None
    db.refresh(b)
    assert b.next_call_at >= MONDAY_10 + timedelta(days=7)


def test_a_claimed_case_is_not_handed_to_another_until_the_claim_expires(db, project, interviewer):
    make_cases(db, project)
    colleague = make_user(db, "interviewer")
    projects.assign(db, project, colleague)
    claim = dispatch.next_case(db, project, interviewer, now=MONDAY_10)
    assert dispatch.next_case(db, project, colleague, now=MONDAY_10) is None
    minutes = projects.rules_of(project).claim_minutes
    later = MONDAY_10 + timedelta(minutes=minutes + 1)
    assert dispatch.next_case(db, project, colleague, now=later).case.id == claim.case.id


def test_expired_claims_are_released_in_bulk(db, project, interviewer):
    make_cases(db, project, n=3)
    for _ in range(3):
        dispatch.next_case(db, project, interviewer, now=MONDAY_10)
    assert dispatch.release_expired_claims(db, now=MONDAY_10 + timedelta(minutes=5)) == 0
    assert dispatch.release_expired_claims(db, now=MONDAY_10 + timedelta(hours=1)) == 3
    assert db.scalars(select(Case.claimed_by_id)).all() == [None, None, None]


def test_an_inbound_call_finds_the_case_by_phone_number_or_case_id(db, project, interviewer):
    (case,) = make_cases(db, project)
    number = case.phones[0].number
    national = f"({number[2:5]}) {number[5:8]}-{number[8:]}"
    claim = inbound.claim_inbound(
        db, project, interviewer, national, region="US", now=MONDAY_10.replace(hour=23)
    )
    assert claim.case.id == case.id
    assert claim.phone.number == number
    with pytest.raises(CatiError) as caught:
        inbound.claim_inbound(db, project, interviewer, "no-such-case", now=MONDAY_10)
    assert caught.value.code is ErrorCode.INBOUND_UNKNOWN


def test_an_inbound_call_does_not_steal_a_case_another_interviewer_holds(db, project, interviewer):
    (case,) = make_cases(db, project)
    colleague = make_user(db, "interviewer")
    projects.assign(db, project, colleague)
    dispatch.next_case(db, project, colleague, now=MONDAY_10)
    with pytest.raises(CatiError) as caught:
        inbound.claim_inbound(db, project, interviewer, case.external_id, now=MONDAY_10)
    assert caught.value.code is ErrorCode.CASE_CLAIMED_BY_OTHER


def test_replicates_are_released_automatically_at_the_set_share(db, interviewer):
    project = make_project(db, rules={"auto_release_share": 0.5})
    projects.assign(db, project, interviewer)
    make_cases(db, project, n=2, replicate=1)
    make_cases(db, project, n=2, replicate=2, release=False)
    claim = dispatch.next_case(db, project, interviewer, now=MONDAY_10)
    record_outcome(db, claim.case, interviewer, "COMPLETE", now=MONDAY_10)
    states = db.scalars(select(Case.state).where(Case.replicate == 2)).all()
    assert states == [CaseState.ACTIVE, CaseState.ACTIVE]


def test_concurrent_interviewers_never_receive_the_same_case(app, db, project):
    """Eight threads, each with its own session, claim 600 cases as fast as they can."""
    cases = make_cases(db, project, n=600)
    workers = []
    for _ in range(8):
        user = make_user(db, "interviewer")
        projects.assign(db, project, user)
        workers.append(user.id)
    claimed: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    sessionmaker = app.extensions["cati.sessionmaker"]

    def work(user_id: int) -> None:
        from cati.models import Project, User

        with sessionmaker() as session:
            user = session.get(User, user_id)
            proj = session.get(Project, project.id)
            try:
                while (claim := dispatch.next_case(session, proj, user, now=MONDAY_10)) is not None:
                    with lock:
                        claimed.append(claim.case.id)
            except BaseException as exc:  # reported below, with the thread's failure
                errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert len(claimed) == len(set(claimed)) == len(cases)


WIDE = {"windows": {d: [{"start": "08:00", "end": "23:00"}] for d in WEEKDAYS}}


def test_widening_the_windows_reschedules_the_cases_in_play_and_keeps_their_delays(
    db, project, interviewer
):
    late = MONDAY_10.replace(hour=22)  # the default windows closed at 21:00
    waiting = make_cases(db, project, n=2, now=late)
    claimed, booked = make_cases(db, project, n=2, now=late)
    tuesday_9 = MONDAY_10.replace(day=1, month=12, hour=9)
    assert {c.next_call_at for c in [*waiting, claimed, booked]} == {tuesday_9}
    called = make_cases(db, project, now=MONDAY_10)[0]
    claim = dispatch.next_case(db, project, interviewer, now=MONDAY_10)
    assert claim.case.id == called.id
    record_outcome(db, called, interviewer, "AM_MESSAGE", now=MONDAY_10)  # again in 24 h
    delayed = called.next_call_at
    assert delayed >= MONDAY_10 + timedelta(hours=24)
    claimed.claimed_by_id = interviewer.id
    claimed.claimed_at = late
    claimed.claim_expires_at = late + timedelta(minutes=20)
    db.add(
        Appointment(
            case_id=booked.id,
            kind="hard",
            starts_at=tuesday_9,
            ends_at=tuesday_9 + timedelta(minutes=15),
        )
    )
    db.commit()

    assert projects.set_rules(db, project, WIDE, now=late) == 2
    for case in waiting:
        db.refresh(case)
        assert case.next_call_at == late  # the old windows had pushed them to Tuesday
    for case in (claimed, booked):
        db.refresh(case)
        assert case.next_call_at == tuesday_9
    db.refresh(called)
    assert called.next_call_at == delayed  # never earlier than its outcome's delay
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "project.rules"))
    assert entry.details["rescheduled"] == 2
    assert dispatch.next_case(db, project, make_interviewer(db, project), now=late) is not None


def test_rules_that_keep_the_windows_reschedule_nothing(db, project):
    late = MONDAY_10.replace(hour=22)
    case = make_cases(db, project, now=late)[0]
    due = case.next_call_at
    assert projects.set_rules(db, project, {"max_attempts_case": 4}, now=late) == 0
    db.refresh(case)
    assert case.next_call_at == due


def make_interviewer(db, project):
    user = make_user(db, "interviewer")
    projects.assign(db, project, user)
    return user


def test_due_now_counts_what_next_case_hands_out(db, project, interviewer):
    make_cases(db, project, n=2)  # due since Monday 10:00
    madrid_night = MONDAY_10.replace(hour=22)
    make_cases(db, project, n=1, time_zone="America/New_York")  # 16:00 there at 22:00 here
    assert dispatch.due_now(db, project, interviewer, madrid_night) == 1
    handed = []
    while (claim := dispatch.next_case(db, project, interviewer, now=madrid_night)) is not None:
        handed.append(claim.case)
    assert [c.time_zone for c in handed] == ["America/New_York"]
    assert dispatch.due_now(db, project, interviewer, madrid_night) == 0


def test_three_quick_ns_hold_one_case(db, project, interviewer):
    make_cases(db, project, n=3)
    claims = [dispatch.take_next(db, interviewer, project, now=MONDAY_10) for _ in range(3)]
    assert len({claim.case.id for claim in claims}) == 1
    assert db.scalars(select(Case.claimed_by_id).where(Case.claimed_by_id.is_not(None))).all() == [
        interviewer.id
    ]


def test_n_resumes_the_held_case_even_from_another_project(db, project, interviewer):
    other = make_project(db)
    projects.assign(db, other, interviewer)
    (held,) = make_cases(db, project)
    make_cases(db, other)
    assert dispatch.take_next(db, interviewer, project, now=MONDAY_10).case.id == held.id
    assert dispatch.take_next(db, interviewer, other, now=MONDAY_10).case.id == held.id


def test_after_the_outcome_n_hands_out_a_new_case(db, project, interviewer):
    make_cases(db, project, n=2)
    first = dispatch.take_next(db, interviewer, now=MONDAY_10).case
    record_outcome(db, first, interviewer, "BUSY", now=MONDAY_10)
    assert dispatch.take_next(db, interviewer, now=MONDAY_10).case.id != first.id


def test_n_without_a_project_picks_the_best_due_case_across_projects(db, project, interviewer):
    other = make_project(db)
    projects.assign(db, other, interviewer)
    paused = make_project(db)
    projects.assign(db, paused, interviewer)
    (recent,) = make_cases(db, project)
    (waiting,) = make_cases(db, other)
    (paused_case,) = make_cases(db, paused)
    recent.next_call_at = MONDAY_10 - timedelta(minutes=5)
    waiting.next_call_at = MONDAY_10 - timedelta(hours=2)
    paused_case.next_call_at = MONDAY_10 - timedelta(hours=5)
    db.commit()
    fields = dict(name=paused.name, client_name="", time_zone=paused.time_zone)
    projects.update_project(db, paused, status="paused", **fields)
    assert dispatch.take_next(db, interviewer, now=MONDAY_10).case.id == waiting.id


def test_n_across_projects_skips_projects_with_nothing_callable(db, project, interviewer):
    other = make_project(db)
    projects.assign(db, other, interviewer)
    make_cases(db, project, time_zone="America/New_York")  # 04:00 there: window closed
    (callable_case,) = make_cases(db, other)
    for case in db.scalars(select(Case).where(Case.project_id == project.id)):
        case.next_call_at = MONDAY_10 - timedelta(hours=3)
    db.commit()
    assert dispatch.take_next(db, interviewer, now=MONDAY_10).case.id == callable_case.id
    assert dispatch.take_next(db, make_interviewer(db, project), now=MONDAY_10) is None


def test_an_inbound_call_is_refused_while_the_interviewer_holds_another_case(
    db, project, interviewer
):
    held, caller = make_cases(db, project, n=2)
    assert dispatch.take_next(db, interviewer, project, now=MONDAY_10).case.id == held.id
    with pytest.raises(CatiError) as caught:
        inbound.claim_inbound(db, project, interviewer, caller.external_id, now=MONDAY_10)
    assert caught.value.code is ErrorCode.CASE_HELD
    # The held case itself may come in (the respondent calls back on the same call).
    assert inbound.claim_inbound(db, project, interviewer, held.external_id, now=MONDAY_10)
    record_outcome(db, held, interviewer, "BUSY", now=MONDAY_10)
    claim = inbound.claim_inbound(db, project, interviewer, caller.external_id, now=MONDAY_10)
    assert claim.case.id == caller.id


ZONES = ("Europe/Madrid", "Atlantic/Canary", "America/New_York", "Asia/Tokyo", "Pacific/Auckland")


@pytest.mark.parametrize("hour", [0, 6, 12, 18, 23])
def test_cases_due_now_are_what_n_hands_out_at_any_hour(db, project, interviewer, hour):
    """In each of five zones one case is plainly due and one is not for this interviewer:
    held by a colleague, its number on the do-not-call list, a call-back booked for a
    colleague, a call-back later today, its number at the frequency cap."""
    now = datetime(2026, 12, 1, hour, tzinfo=UTC)  # a Tuesday
    colleague = make_interviewer(db, project)
    pairs = [make_cases(db, project, n=2, time_zone=zone) for zone in ZONES]
    for case in (case for pair in pairs for case in pair):
        case.next_call_at = now - timedelta(days=1)
    held, listed, booked, later, capped = (pair[1] for pair in pairs)
    held.claimed_by_id, held.claim_expires_at = colleague.id, now + timedelta(minutes=5)
    db.add(DoNotCall(number=listed.phones[0].number))
    booked.reserved_for_id, booked.reserved_until = colleague.id, now + timedelta(hours=1)
    later.next_call_at, later.rank = now + timedelta(hours=2), 0
    for days in (1, 2, 3):
        at = now - timedelta(days=days)
        db.add(
            CallAttempt(
                case_id=capped.id,
                phone_id=capped.phones[0].id,
                number=capped.phones[0].number,
                started_at=at,
                ended_at=at,
                outcome="NO_ANSWER",
            )
        )
    db.commit()
    rules = projects.rules_of(project)
    open_zones = [zone for zone in ZONES if in_window(rules, zone, now)]
    assert open_zones  # some respondent is awake at any hour
    due = dispatch.due_now(db, project, interviewer, now)
    handed = []
    while (claim := dispatch.next_case(db, project, interviewer, now=now)) is not None:
        handed.append(claim.case)
    assert due == len(handed) == len(open_zones)
    assert sorted(c.time_zone for c in handed) == sorted(open_zones)
    assert dispatch.due_now(db, project, interviewer, now) == 0


def test_past_the_exact_limit_due_now_leaves_the_numbers_unchecked(
    db, project, interviewer, monkeypatch
):
    cases = make_cases(db, project, n=3)
    db.add(DoNotCall(number=cases[0].phones[0].number))
    db.commit()
    assert dispatch.due_now(db, project, interviewer, MONDAY_10) == 2
    monkeypatch.setattr(dispatch, "EXACT_UP_TO", 2)
    assert dispatch.due_now(db, project, interviewer, MONDAY_10) == 3
