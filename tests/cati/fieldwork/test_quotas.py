"""Quota cells: counting completes, closing full cells, dispatch priority and screen-outs."""

import pytest
from sqlalchemy import func, select

from cati.errors import CatiError, ErrorCode
from cati.fieldwork import dispatch, quotas
from cati.fieldwork.disposition import record_outcome
from cati.fieldwork.quota_setup import add_quota, remove_quota, set_target
from cati.models import Case, CaseState, Quota
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases


def complete_one(db, project, interviewer, answers=None):
    claim = dispatch.next_case(db, project, interviewer, now=MONDAY_10)
    record_outcome(db, claim.case, interviewer, "COMPLETE", now=MONDAY_10, answers=answers)
    return claim.case


def test_a_full_sample_cell_stops_dispatch_of_its_cases(db, project, interviewer):
    add_quota(db, project, "north", {"region": ["north"]}, target=1)
    make_cases(db, project, n=3, sample_vars={"region": "north"})
    (south,) = make_cases(db, project, n=1, sample_vars={"region": "south"})
    first = complete_one(db, project, interviewer)
    assert first.sample_vars["region"] == "north"
    quota = db.scalar(select(Quota))
    db.refresh(quota)
    assert (quota.achieved, quota.full) == (1, True)
    held = db.scalars(select(Case.state).where(Case.state == CaseState.HELD)).all()
    assert len(held) == 2
    assert dispatch.next_case(db, project, interviewer, now=MONDAY_10).case.id == south.id
    assert dispatch.next_case(db, project, interviewer, now=MONDAY_10) is None


def states(db):
    return sorted(db.scalars(select(Case.state)).all())


def test_raising_a_full_cells_target_sends_its_held_cases_back_to_dispatch(
    db, project, interviewer
):
    quota = add_quota(db, project, "north", {"region": ["north"]}, target=1)
    make_cases(db, project, n=3, sample_vars={"region": "north"})
    complete_one(db, project, interviewer)
    assert states(db) == [CaseState.FINAL, CaseState.HELD, CaseState.HELD]
    set_target(db, project, quota, 2)
    assert (quota.full, states(db)) == (
        False,
        [CaseState.ACTIVE, CaseState.ACTIVE, CaseState.FINAL],
    )
    complete_one(db, project, interviewer)
    assert (quota.full, states(db)) == (True, [CaseState.FINAL, CaseState.FINAL, CaseState.HELD])
    set_target(db, project, quota, 1)  # lowered below what it has: stays full
    assert quota.full and states(db) == [CaseState.FINAL, CaseState.FINAL, CaseState.HELD]


def test_lowering_a_target_to_the_completes_closes_the_cell(db, project, interviewer):
    quota = add_quota(db, project, "north", {"region": ["north"]}, target=5)
    make_cases(db, project, n=3, sample_vars={"region": "north"})
    complete_one(db, project, interviewer)
    set_target(db, project, quota, 1)
    assert quota.full and states(db) == [CaseState.FINAL, CaseState.HELD, CaseState.HELD]
    with pytest.raises(CatiError) as caught:
        set_target(db, project, quota, 0)
    assert caught.value.code is ErrorCode.QUOTA_INVALID


def test_removing_a_full_cell_frees_only_the_cases_no_other_full_cell_holds(
    db, project, interviewer
):
    north = add_quota(db, project, "north", {"region": ["north"]}, target=1)
    women = add_quota(db, project, "women", {"sex": ["f"]}, target=1)
    make_cases(db, project, n=2, sample_vars={"region": "north", "sex": "f"})
    # Kept in the session, as a web request's objects are: it must not hide that he is held.
    (man,) = make_cases(
        db, project, n=1, sample_vars={"region": "north", "sex": "m"}, release=False
    )
    complete_one(db, project, interviewer)  # a northern woman fills both cells
    assert states(db) == [CaseState.FINAL, CaseState.HELD, CaseState.HELD]
    remove_quota(db, project, north)
    assert db.get(Quota, women.id).full
    assert states(db) == [CaseState.FINAL, CaseState.HELD, CaseState.UNRELEASED]
    db.refresh(man)
    assert man.state == CaseState.UNRELEASED  # he was never released


def test_crossed_cells_need_every_variable_to_match(db, project):
    cell = {"region": ["north"], "age_group": ["18-34", "35-54"]}
    assert quotas.matches(cell, {"region": "north", "age_group": "35-54"})
    assert not quotas.matches(cell, {"region": "north", "age_group": "55+"})
    assert not quotas.matches(cell, {"region": "north"})


def test_cells_on_answers_count_from_the_interviews_answers(db, project, interviewer):
    add_quota(db, project, "users", {"uses_brand": ["yes"]}, target=1)
    make_cases(db, project, n=2)
    complete_one(db, project, interviewer, answers={"uses_brand": "yes"})
    assert quotas.full_cell(db, project, {"uses_brand": "yes"}).name == "users"
    assert quotas.full_cell(db, project, {"uses_brand": "no"}) is None
    # Answer cells cannot be judged before the interview: nobody is held.
    assert db.scalars(select(Case.state).where(Case.state == CaseState.HELD)).all() == []


def test_cases_in_cells_furthest_from_target_are_called_first(db, project, interviewer):
    add_quota(db, project, "young", {"age_group": ["18-34"]}, target=10)
    (old,) = make_cases(db, project, sample_vars={"age_group": "55+"})
    (young,) = make_cases(db, project, sample_vars={"age_group": "18-34"})
    assert young.priority < old.priority
    assert dispatch.next_case(db, project, interviewer, now=MONDAY_10).case.id == young.id


@pytest.mark.parametrize(
    ("name", "target", "reason"),
    [("men", 10, "one so named"), ("women", 10**12, "between 1 and"), ("women", 0, "between 1")],
)
def test_a_second_quota_of_the_same_name_or_an_impossible_target_is_refused(
    db, project, name, target, reason
):
    """Found by fuzzing: a repeated name hit the unique constraint (IntegrityError, a 500)."""
    add_quota(db, project, "men", {"gender": ["m"]}, 10)
    with pytest.raises(CatiError, match=reason) as caught:
        add_quota(db, project, name, {"gender": ["f"]}, target)
    assert caught.value.code is ErrorCode.QUOTA_INVALID
    assert db.scalar(select(func.count()).select_from(Quota)) == 1
