"""Dispatch when a colleague changes the case between my reading it and my claiming it."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from cati.errors import CatiError, ErrorCode
from cati.fieldwork import dispatch, inbound, projects
from cati.fieldwork.disposition import record_outcome
from cati.models import Case, Phone, Project, User
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project
from tests.conftest import make_user


def colleague_calls(app, project_id: int, user_id: int, outcome: str, now) -> bool:
    """A colleague, in a session of their own, claims the next case and closes it."""
    with app.extensions["cati.sessionmaker"]() as other:
        project = other.get(Project, project_id)
        user = other.get(User, user_id)
        claim = dispatch.next_case(other, project, user, now=now)
        if claim is None:
            return False
        record_outcome(other, claim.case, user, outcome, phone=claim.phone, now=now)
        return True


def test_a_case_closed_by_a_colleague_just_before_my_claim_is_not_handed_to_me(
    app, db, monkeypatch
):
    """Otherwise I would redial at once a phone the colleague's call just used up."""
    project = make_project(db, rules={"max_attempts_phone": 1})
    me, colleague = make_user(db), make_user(db)
    for user in (me, colleague):
        projects.assign(db, project, user)
    make_cases(db, project, phones=2)
    real_claim = dispatch._claim

    def colleague_first(session, case, interviewer, now, minutes):
        monkeypatch.setattr(dispatch, "_claim", real_claim)
        # On PostgreSQL my row lock makes the colleague skip the case; on SQLite they get it.
        colleague_calls(app, project.id, colleague.id, "BUSY", now)
        return real_claim(session, case, interviewer, now, minutes)

    monkeypatch.setattr(dispatch, "_claim", colleague_first)
    mine = dispatch.next_case(db, project, me, now=MONDAY_10)

    if mine is not None:
        with app.extensions["cati.sessionmaker"]() as fresh:
            case = fresh.get(Case, mine.case.id)
            phone = fresh.get(Phone, mine.phone.id)
            assert case.next_call_at <= MONDAY_10, "handed out before it was due"
            assert (phone.status, phone.attempts) == ("active", 0), "a used-up phone"


def test_a_long_lived_session_dials_the_phone_as_it_is_now_not_as_it_remembers(app, db):
    project = make_project(db)
    me, colleague = make_user(db), make_user(db)
    for user in (me, colleague):
        projects.assign(db, project, user)
    (case,) = make_cases(db, project, phones=2)
    assert [p.status for p in case.phones] == ["active", "active"]  # my session loads them
    assert colleague_calls(app, project.id, colleague.id, "WRONG_NUMBER", MONDAY_10)

    later = MONDAY_10 + timedelta(minutes=1)
    mine = dispatch.next_case(db, project, me, now=later)
    assert mine is not None and mine.case.id == case.id
    assert mine.phone.position == 2
    record_outcome(db, mine.case, me, "NO_ANSWER", phone=mine.phone, now=later)
    db.expire_all()
    assert db.scalars(select(Case.attempts)).all() == [2]
    assert [(p.status, p.attempts) for p in case.phones] == [("dead", 1), ("active", 1)]


def test_an_inbound_claim_does_not_take_a_case_a_colleague_claimed_since_it_was_read(
    app, db, monkeypatch
):
    project = make_project(db)
    me, colleague = make_user(db), make_user(db)
    for user in (me, colleague):
        projects.assign(db, project, user)
    (case,) = make_cases(db, project)
    real_rules_of = inbound.rules_of

    def colleague_first(proj):
        monkeypatch.setattr(inbound, "rules_of", real_rules_of)
        with app.extensions["cati.sessionmaker"]() as other:
            claim = dispatch.next_case(
                other, other.get(Project, project.id), other.get(User, colleague.id), now=MONDAY_10
            )
            assert claim is not None and claim.case.id == case.id
        return real_rules_of(proj)

    monkeypatch.setattr(inbound, "rules_of", colleague_first)
    with pytest.raises(CatiError) as caught:
        inbound.claim_inbound(db, project, me, case.external_id, now=MONDAY_10)
    assert caught.value.code is ErrorCode.CASE_CLAIMED_BY_OTHER
    db.expire_all()
    assert db.get(Case, case.id).claimed_by_id == colleague.id
