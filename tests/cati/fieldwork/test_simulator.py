"""The field simulator: a simulated field period through the real engine breaks no rule."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from benchmarks.fieldwork_sim import DEFAULT_START, aapor_rates, count_violations, simulate
from cati.fieldwork import dispatch, projects
from cati.fieldwork.disposition import record_outcome
from cati.models import CallAttempt, Case, CaseState, DoNotCall
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project


@pytest.mark.slow
def test_two_simulated_weeks_break_no_calling_rule_and_give_sane_rates(db):
    result = simulate(db, cases=200, interviewers=5, days=13, seed=7)

    assert result.violations == dict.fromkeys(result.violations, 0)
    assert len(result.violations) == 7
    assert result.calls > result.cases
    assert result.completes > 0 and result.appointments > 0
    # No call-back lost: every appointment was kept, or cancelled (in the audit trail) when
    # its case closed (a frequency cap once pushed three of them days past their time, and
    # missed them); respondents called in, and closed cases among them were reopened.
    assert set(result.appointment_statuses) <= {"kept", "cancelled"}
    assert result.appointment_statuses["kept"] > 0
    assert result.calls_in > 0 and result.reopened > 0
    assert result.requested_outside_windows > 0  # and no call outside the windows otherwise
    assert 0 < result.contact_rate < 1
    assert 1 < result.calls_per_complete < 20
    rates = result.rates
    assert 0 < rates["RR1"] <= rates["RR3"] <= rates["COOP1"] < 1
    assert 0 < rates["REF1"] < 1 and 0 < rates["CON1"] < 1
    assert sum(result.dispositions.values()) == result.cases

    until = DEFAULT_START + timedelta(days=13)
    for case in db.scalars(select(Case)):
        assert case.state == CaseState.FINAL or case.next_call_at > until, case.external_id
    # The log really spans the time zones and both sides of the change to summer time.
    zones = set(db.scalars(select(Case.time_zone)))
    assert zones == {"Europe/Madrid", "Atlantic/Canary", "America/New_York"}
    starts = db.scalars(select(CallAttempt.started_at)).all()
    assert min(starts) < DEFAULT_START + timedelta(days=6) < max(starts)


def test_the_audit_counts_calls_that_break_the_rules(db, interviewer):
    """The violation counts are not zero by construction: a forged log is caught."""
    project = make_project(db, rules={"frequency_cap_calls": 2, "max_attempts_phone": 2})
    projects.assign(db, project, interviewer)
    (case,) = make_cases(db, project)
    claim = dispatch.next_case(db, project, interviewer, now=MONDAY_10)
    record_outcome(db, claim.case, interviewer, "BUSY", now=MONDAY_10 + timedelta(minutes=5))
    sunday = MONDAY_10 + timedelta(days=6)
    number = case.phones[0].number
    db.add(DoNotCall(number=number))
    for start in (MONDAY_10 + timedelta(minutes=2), sunday):  # overlapping; Sunday is closed
        db.add(
            CallAttempt(
                case_id=case.id,
                phone_id=case.phones[0].id,
                number=number,
                started_at=start,
                ended_at=start + timedelta(minutes=1),
                outcome="NO_ANSWER",
            )
        )
    db.commit()
    assert count_violations(db, project) == {
        "window": 1,
        "dnc": 3,
        "max_attempts_case": 0,
        "max_attempts_phone": 1,
        "frequency_cap": 1,
        "early_recall": 1,  # 2 minutes into a busy call, whose delay is 15 minutes
        "double_dispatch": 1,
    }


def test_aapor_rates_follow_the_standard_definitions():
    """Hand-computed from the formulas: I=40 P=10 R=20 NC=10 O=5 UH=10 UO=5 NE=15."""
    rates = aapor_rates({"I": 40, "P": 10, "R": 20, "NC": 10, "O": 5, "UH": 10, "UO": 5, "NE": 15})
    assert rates["e"] == pytest.approx(85 / 100)
    assert rates["RR1"] == pytest.approx(40 / 100, abs=1e-4)
    assert rates["RR3"] == pytest.approx(40 / (85 + 0.85 * 15), abs=1e-4)
    assert rates["COOP1"] == pytest.approx(40 / 75, abs=1e-4)
    assert rates["REF1"] == pytest.approx(20 / 100, abs=1e-4)
    assert rates["CON1"] == pytest.approx(75 / 100, abs=1e-4)
