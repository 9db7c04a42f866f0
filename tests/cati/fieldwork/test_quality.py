"""Quality flags on completed interviews, each rule shown to fire and not to fire."""

from datetime import timedelta
from pathlib import Path

from cati import questionnaire_store
from cati.fieldwork import quality
from cati.models import Interview
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project
from tests.conftest import make_user

LIBRARY = Path(__file__).parents[3] / "questionnaires" / "library"
DK = {"special": "dk"}


def add(db, case, interviewer, start_minute, minutes, answers):
    start = MONDAY_10 + timedelta(minutes=start_minute)
    db.add(
        Interview(
            case_id=case.id,
            questionnaire_version_id=case_version(db, case),
            interviewer_id=interviewer.id,
            status="completed",
            state="{}",
            answers=answers,
            started_at=start,
            ended_at=start + timedelta(minutes=minutes),
        )
    )
    db.commit()


def case_version(db, case):
    from cati.models import Project

    return db.get(Project, case.project_id).questionnaire_version_id


def test_each_rule_flags_its_interviews_and_only_those(db):
    project = make_project(db)
    questionnaire_store.pin(db, project, LIBRARY / "customer_satisfaction.yaml")
    cases = make_cases(db, project, n=9)
    ana = make_user(db, "interviewer", full_name="Ana")
    leo = make_user(db, "interviewer", full_name="Leo")
    normal = {"q1": 1, "q2": 2, "q3": 3, "grid": {"a": 1, "b": 2, "c": 3, "d": 4}}
    for i in range(4):  # Ana: ordinary 10-minute interviews with breaks between
        add(db, cases[i], ana, 30 * i, 10, normal)
    add(db, cases[4], ana, 200, 2, normal)  # short: 2 min against a 10 min median
    flat = {**normal, "grid": {"a": 3, "b": 3, "c": 3, "d": 3}}
    # Leo: four completes, each started 30 s after the last ended (three quick starts), one
    # straight-lined, one with 4 of 7 answers Don't know.
    add(db, cases[5], leo, 0, 9, flat)
    add(
        db,
        cases[6],
        leo,
        9.5,
        9,
        {"q1": DK, "q2": DK, "q3": 3, "grid": {"a": DK, "b": DK, "c": 1, "d": 2}},
    )
    add(db, cases[7], leo, 19, 9, normal)
    add(db, cases[8], leo, 28.5, 9, normal)
    found = {(f.kind, f.interviewer, f.case) for f in quality.flags(db, project)}
    assert found == {
        ("short", "Ana", cases[4].external_id),
        ("straight_lining", "Leo", cases[5].external_id),
        ("dont_know", "Leo", cases[6].external_id),
        ("back_to_back", "Leo", None),
    }


def test_ana_alone_is_not_flagged_back_to_back(db):
    project = make_project(db)
    questionnaire_store.pin(db, project, LIBRARY / "customer_satisfaction.yaml")
    cases = make_cases(db, project, n=3)
    ana = make_user(db, "interviewer", full_name="Ana")
    for i, case in enumerate(cases):
        add(db, case, ana, 10 * i + 0.5, 10, {"q1": 1})  # 30 s gaps, but only twice
    assert [f.kind for f in quality.flags(db, project)] == []
