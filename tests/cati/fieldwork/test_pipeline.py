"""The supervisor's charts over time, checked against hand-counted calls."""

from datetime import date, timedelta

import pytest

from cati.fieldwork import dispatch, monitor, presence, projects, supervision
from cati.fieldwork.disposition import record_outcome
from cati.fieldwork.pipeline import marker, pipeline
from cati.models import CallAttempt, CaseState
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases
from tests.conftest import make_user

FRIDAY = MONDAY_10 - timedelta(days=3)


def at(day: int, hour: int, minute: int = 0):
    """A Madrid time in November 2026 (day 27 is a Friday, 30 the Monday)."""
    return MONDAY_10.replace(day=day, hour=hour, minute=minute)


def call(db, case, outcome, when, interviewer):
    db.add(
        CallAttempt(
            case_id=case.id,
            number=case.phones[0].number,
            interviewer_id=interviewer.id,
            started_at=when - timedelta(minutes=2),
            ended_at=when,
            outcome=outcome,
        )
    )


@pytest.fixture
def fieldwork(db, project, interviewer):
    """Three cases released on Friday 09:00 and one never released; seven calls by hand."""
    a, b, c = make_cases(db, project, n=3, now=at(27, 9))
    make_cases(db, project, n=1, release=False)
    call(db, a, "NO_ANSWER", at(27, 10, 5), interviewer)
    call(db, b, "REFUSAL_SOFT", at(27, 10, 20), interviewer)
    call(db, a, "NO_ANSWER", at(29, 23, 50), interviewer)  # Sunday, 22:50 UTC
    call(db, c, "BUSY", at(30, 0, 30), interviewer)  # Monday in Madrid, Sunday in UTC
    call(db, b, "COMPLETE", at(30, 9, 10), interviewer)
    call(db, c, "REFUSAL_HARD", at(30, 9, 40), interviewer)
    call(db, a, "NO_ANSWER", at(30, 9, 55), interviewer)
    b.state, b.final_aapor, b.finalized_at = CaseState.FINAL, "1.1", at(30, 9, 10)
    c.state, c.final_aapor, c.finalized_at = CaseState.FINAL, "2.112", at(30, 9, 40)
    presence.set_status(db, interviewer, "available", at(30, 8, 30))
    presence.set_status(db, interviewer, "break", at(30, 9, 0))
    presence.set_status(db, interviewer, "available", at(30, 9, 15))
    db.commit()
    return a, b, c


def counts(bucket):
    return (bucket.attempts, bucket.completes, bucket.refusals, bucket.contacts)


def test_calls_are_counted_on_the_local_day_they_ended(db, project, fieldwork):
    days = pipeline(db, project, MONDAY_10).days
    assert [d.start.date() for d in days] == [date(2026, 11, d) for d in (27, 28, 29, 30)]
    assert [counts(d) for d in days] == [(2, 0, 1, 1), (0, 0, 0, 0), (1, 0, 0, 0), (4, 1, 1, 2)]


def test_todays_hours_run_from_the_first_busy_hour_to_now(db, project, fieldwork):
    hours = pipeline(db, project, MONDAY_10).hours
    assert [h.start.hour for h in hours] == list(range(11))
    assert counts(hours[0]) == (1, 0, 0, 0)
    assert counts(hours[9]) == (3, 1, 1, 2)
    assert sum(h.attempts for h in hours) == 4


def test_a_late_start_still_shows_the_last_eight_hours(db, project, interviewer):
    (case,) = make_cases(db, project, n=1)
    call(db, case, "NO_ANSWER", at(30, 9, 30), interviewer)
    db.commit()
    hours = pipeline(db, project, MONDAY_10).hours
    assert [h.start.hour for h in hours] == list(range(3, 11))
    assert [h.attempts for h in hours] == [0] * 6 + [1, 0]


def test_interviewer_hours_leave_out_breaks_and_give_completes_per_hour(db, project, fieldwork):
    result = pipeline(db, project, MONDAY_10)
    # Working 08:30-09:00 and 09:15-10:00: 1.25 hours, one complete.
    assert result.days[-1].hours == pytest.approx(1.25)
    assert result.days[-1].completes_per_hour == pytest.approx(0.8)
    assert result.days[0].completes_per_hour is None  # no hours worked on Friday
    assert [h.hours for h in result.hours[8:]] == pytest.approx([0.5, 0.75, 0.0])


def test_cases_by_state_and_cumulative_rates_at_each_days_end(db, project, fieldwork):
    standing = pipeline(db, project, MONDAY_10).standing
    friday, _saturday, sunday, monday = standing
    assert (friday.unreleased, friday.in_play, friday.finished) == (1, 3, 0)
    assert (monday.unreleased, monday.in_play, monday.finished) == (1, 1, 2)
    # Friday: a and c unknown (3.13, 3.11), b a soft refusal: I=0, R=1, UH=2, e=1.
    assert friday.rates["RR3"] == 0.0
    assert friday.rates["CON2"] == pytest.approx(1 / 3)
    assert sunday.rates == friday.rates
    # Monday: a unknown (3.13), b complete, c hard refusal: I=1, R=1, UH=1, e=1.
    assert monday.rates["RR3"] == pytest.approx(1 / 3)
    assert monday.rates["CON2"] == pytest.approx(2 / 3)


def test_the_last_days_rates_match_the_monitors_interim_rates(db, project, interviewer):
    make_cases(db, project, n=6, now=FRIDAY)
    for minutes, outcome in enumerate(["NO_ANSWER", "COMPLETE", "REFUSAL_SOFT", "BUSINESS"]):
        now = FRIDAY + timedelta(minutes=5 * minutes)
        claim = dispatch.next_case(db, project, interviewer, now=now)
        record_outcome(db, claim.case, interviewer, outcome, now=now + timedelta(minutes=3))
    claim = dispatch.next_case(db, project, interviewer, now=MONDAY_10)
    record_outcome(db, claim.case, interviewer, "COMPLETE", now=MONDAY_10)
    last = pipeline(db, project, MONDAY_10).standing[-1]
    overall = monitor.monitor(db, project, MONDAY_10).rates_overall
    assert last.rates == pytest.approx(overall)
    assert last.finished == 3


def test_a_project_without_calls_or_releases_has_no_pipeline(db, project):
    make_cases(db, project, n=2, release=False)
    result = pipeline(db, project, MONDAY_10)
    assert (result.days, result.hours, result.standing) == ([], [], [])


def test_the_marker_changes_with_a_call_a_finalization_and_on_the_hour_only(
    db, project, interviewer
):
    make_cases(db, project, n=2)
    before = marker(db, project, MONDAY_10)
    assert (before.calls, before.cases, before.released) == (0, 2, 2)
    assert marker(db, project, MONDAY_10 + timedelta(minutes=30)) == before
    assert marker(db, project, MONDAY_10 + timedelta(hours=1)).etag != before.etag
    claim = dispatch.next_case(db, project, interviewer, now=MONDAY_10)
    record_outcome(db, claim.case, interviewer, "NO_ANSWER", now=MONDAY_10)
    after = marker(db, project, MONDAY_10)
    assert after.etag != before.etag
    assert after.calls == 1
    supervision.set_outcome(
        db, claim.case, "NOT_ELIGIBLE", by=interviewer, reason="a business", now=MONDAY_10
    )
    assert marker(db, project, MONDAY_10).etag != after.etag


def test_another_projects_calls_and_other_interviewers_hours_stay_out(db, project, interviewer):
    other = projects.create_project(db, "OTHER", "Other study")
    stranger = make_user(db, "interviewer")
    projects.assign(db, other, stranger)
    (case,) = make_cases(db, other, n=1)
    call(db, case, "COMPLETE", MONDAY_10 - timedelta(minutes=5), stranger)
    presence.set_status(db, stranger, "available", MONDAY_10 - timedelta(hours=2))
    make_cases(db, project, n=1)
    db.commit()
    result = pipeline(db, project, MONDAY_10)
    assert [counts(d) for d in result.days] == [(0, 0, 0, 0)]
    assert result.days[0].hours == 0


def test_days_stay_local_across_the_change_from_summer_time(db, project, interviewer):
    """Madrid leaves summer time on Sunday 25 October 2026: 23:30 is 21:30 UTC the day
    before and 22:30 UTC the day after."""
    october = MONDAY_10.replace(month=10, day=26)
    (case,) = make_cases(db, project, n=1, now=october.replace(day=24, hour=9))
    call(db, case, "NO_ANSWER", october.replace(day=24, hour=23, minute=30), interviewer)
    call(db, case, "BUSY", october.replace(day=25, hour=23, minute=30), interviewer)
    db.commit()
    days = pipeline(db, project, october).days
    assert [(d.start.day, d.attempts) for d in days] == [(24, 1), (25, 1), (26, 0)]
