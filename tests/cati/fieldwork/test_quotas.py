"""Quota cells: counting completes, closing full cells, dispatch priority and screen-outs."""

import re

import pytest
from sqlalchemy import func, select

from cati import questionnaire_store
from cati.errors import CatiError, ErrorCode
from cati.fieldwork import cases, dispatch, quotas
from cati.fieldwork.disposition import record_outcome
from cati.fieldwork.quota_setup import add_quota, remove_quota, set_target
from cati.models import Case, CaseState, Quota
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases

QUESTIONNAIRE = """
id: brands
version: "1"
title: Brands
questions:
  - {id: uses_brand, type: single, text: Uses the brand?,
     options: [{code: 1, label: "Yes"}, {code: 2, label: "No"}]}
  - {id: channels, type: multiple, text: Where do you buy?,
     options: [{code: 1, label: Shop}, {code: 2, label: Web}, {code: 3, label: Phone}]}
  - {id: age, type: numeric, text: Age?, min: 18, max: 99}
"""


@pytest.fixture
def study(db, project, tmp_path):
    source = tmp_path / "brands.yaml"
    source.write_text(QUESTIONNAIRE, encoding="utf-8")
    questionnaire_store.pin(db, project, source)
    return project


def complete_one(db, project, interviewer, answers=None):
    claim = dispatch.next_case(db, project, interviewer, now=MONDAY_10)
    record_outcome(db, claim.case, interviewer, "COMPLETE", now=MONDAY_10, answers=answers)
    return claim.case


def test_a_full_sample_cell_stops_dispatch_of_its_cases(db, project, interviewer):
    make_cases(db, project, n=3, sample_vars={"region": "north"})
    (south,) = make_cases(db, project, n=1, sample_vars={"region": "south"})
    add_quota(db, project, "north", {"region": ["north"]}, target=1)
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
    make_cases(db, project, n=3, sample_vars={"region": "north"})
    quota = add_quota(db, project, "north", {"region": ["north"]}, target=1)
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
    make_cases(db, project, n=3, sample_vars={"region": "north"})
    quota = add_quota(db, project, "north", {"region": ["north"]}, target=5)
    complete_one(db, project, interviewer)
    set_target(db, project, quota, 1)
    assert quota.full and states(db) == [CaseState.FINAL, CaseState.HELD, CaseState.HELD]
    with pytest.raises(CatiError) as caught:
        set_target(db, project, quota, 0)
    assert caught.value.code is ErrorCode.QUOTA_INVALID


def test_removing_a_full_cell_frees_only_the_cases_no_other_full_cell_holds(
    db, project, interviewer
):
    make_cases(db, project, n=2, sample_vars={"region": "north", "sex": "f"})
    # Kept in the session, as a web request's objects are: it must not hide that he is held.
    (man,) = make_cases(
        db, project, n=1, sample_vars={"region": "north", "sex": "m"}, release=False
    )
    north = add_quota(db, project, "north", {"region": ["north"]}, target=1)
    women = add_quota(db, project, "women", {"sex": ["f"]}, target=1)
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


def test_cells_on_answers_count_from_the_interviews_answers(db, study, interviewer):
    make_cases(db, study, n=2)
    add_quota(db, study, "users", {"uses_brand": ["1"]}, target=1)
    complete_one(db, study, interviewer, answers={"uses_brand": 1})
    assert quotas.full_cell(db, study, {"uses_brand": 1}).name == "users"
    assert quotas.full_cell(db, study, {"uses_brand": 2}) is None
    # Answer cells cannot be judged before the interview: nobody is held.
    assert db.scalars(select(Case.state).where(Case.state == CaseState.HELD)).all() == []


def test_cases_in_cells_furthest_from_target_are_called_first(db, project, interviewer):
    (old,) = make_cases(db, project, sample_vars={"age_group": "55+"})
    (young,) = make_cases(db, project, sample_vars={"age_group": "18-34"})
    add_quota(db, project, "young", {"age_group": ["18-34"]}, target=10)
    db.refresh(young)
    db.refresh(old)
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
    make_cases(db, project, n=2, sample_vars={"gender": "m"}, release=False)
    make_cases(db, project, sample_vars={"gender": "f"}, release=False)
    add_quota(db, project, "men", {"gender": ["m"]}, 10)
    with pytest.raises(CatiError, match=reason) as caught:
        add_quota(db, project, name, {"gender": ["f"]}, target)
    assert caught.value.code is ErrorCode.QUOTA_INVALID
    assert db.scalar(select(func.count()).select_from(Quota)) == 1


def quota_count(db):
    return db.scalar(select(func.count()).select_from(Quota))


@pytest.mark.parametrize(
    ("cell", "code", "named"),
    [
        ({"regoin": ["Madrid"]}, ErrorCode.QUOTA_VARIABLE_UNKNOWN, "Known: region, sex, "),
        ({"region": ["Madird"]}, ErrorCode.QUOTA_VALUE_UNKNOWN, "Known: Andalucía, Madrid."),
        ({"district": ["3"]}, ErrorCode.QUOTA_VARIABLE_UNKNOWN, "uses_brand, channels, age"),
        ({"uses_brand": ["3"]}, ErrorCode.QUOTA_VALUE_UNKNOWN, "Known: 1 (Yes), 2 (No)."),
    ],
)
def test_a_variable_or_value_that_is_not_the_projects_is_refused_naming_the_known_ones(
    db, study, cell, code, named
):
    make_cases(db, study, sample_vars={"region": "Madrid", "sex": "f"})
    make_cases(db, study, sample_vars={"region": "Andalucía", "sex": "m"})
    with pytest.raises(CatiError, match=re.escape(named)) as caught:
        add_quota(db, study, "cell", {"sex": ["f"], **cell}, 5)
    assert caught.value.code is code
    assert quota_count(db) == 0


def test_a_project_with_neither_sample_nor_questionnaire_takes_no_quota(db, project):
    with pytest.raises(CatiError, match=r"region is neither .* Known: —") as caught:
        add_quota(db, project, "north", {"region": ["north"]}, 5)
    assert caught.value.code is ErrorCode.QUOTA_VARIABLE_UNKNOWN
    assert quota_count(db) == 0


def test_numeric_questions_take_any_value_and_cells_keep_their_values_as_text(db, study):
    quota = add_quota(db, study, "young", {"age": [18, 19, "19"]}, 5)
    assert quota.cell == {"age": ["18", "19"]}


def test_a_crossed_cell_of_three_variables_holds_only_the_cases_in_all_three(
    db, project, interviewer
):
    def case(region, sex, age):
        return {"region": region, "sex": sex, "age_group": age}

    (first,) = make_cases(db, project, sample_vars=case("Madrid", "f", "18-34"))
    make_cases(db, project, sample_vars=case("Madrid", "f", "35-54"))  # in the cell too
    outside = [
        *make_cases(db, project, sample_vars=case("Madrid", "m", "18-34")),
        *make_cases(db, project, sample_vars=case("Andalucía", "f", "18-34")),
        *make_cases(db, project, sample_vars=case("Madrid", "f", "55+")),
    ]
    cell = {"region": ["Madrid"], "sex": ["f"], "age_group": ["18-34", "35-54"]}
    quota = add_quota(db, project, "young Madrid women", cell, target=1)
    assert quotas.cases_in_cells(db, project, [quota]) == {quota.id: 2}
    assert complete_one(db, project, interviewer).id == first.id  # furthest from its target
    assert (quota.achieved, quota.full) == (1, True)
    held = db.scalars(select(Case.id).where(Case.state == CaseState.HELD)).all()
    assert len(held) == 1 and not set(held) & {c.id for c in outside}


def test_a_multiple_choice_answer_counts_in_the_cell_of_each_option_chosen(db, study, interviewer):
    make_cases(db, study, n=2)
    shop, web, phone = (
        add_quota(db, study, name, {"channels": [code]}, target=5)
        for name, code in (("shop", "1"), ("web", "2"), ("phone", "3"))
    )
    complete_one(db, study, interviewer, answers={"channels": [1, 3]})
    assert (shop.achieved, web.achieved, phone.achieved) == (1, 0, 1)
    either = add_quota(db, study, "shop or web", {"channels": ["1", "2"]}, target=5)
    complete_one(db, study, interviewer, answers={"channels": [1, 2]})
    assert either.achieved == 1  # once, though both options are in the cell


def test_the_next_case_follows_the_largest_deficit_as_completes_land(db, project, interviewer):
    """Priorities computed once at release would call Andalucía until it filled (A A B B B
    B); recomputed after each complete, the cell furthest from its target goes first."""
    make_cases(db, project, n=4, sample_vars={"region": "Andalucía"})
    make_cases(db, project, n=6, sample_vars={"region": "Madrid"})
    add_quota(db, project, "Andalucía", {"region": ["Andalucía"]}, target=2)
    add_quota(db, project, "Madrid", {"region": ["Madrid"]}, target=4)
    called = [complete_one(db, project, interviewer).sample_vars["region"][0] for _ in range(6)]
    assert called == ["A", "M", "M", "A", "M", "M"]
    assert dispatch.next_case(db, project, interviewer, now=MONDAY_10) is None


def test_priority_follows_the_share_missing_and_a_soft_cell_past_its_target(
    db, project, interviewer
):
    make_cases(db, project, n=4, sample_vars={"region": "north"})
    quota = add_quota(db, project, "north", {"region": ["north"]}, target=2, over_percent=50)

    def priorities():
        return set(db.scalars(select(Case.priority).where(Case.state == CaseState.ACTIVE)))

    base = quotas.REPLICATE_STEP + quotas.MAX_QUOTA_BONUS
    assert priorities() == {base - 50}  # the whole target missing
    complete_one(db, project, interviewer)
    assert priorities() == {base - 25}  # half of it
    complete_one(db, project, interviewer)
    assert (quota.full, priorities()) == (False, {base})  # target met: soft, still open
    complete_one(db, project, interviewer)  # the 50 % over: 3 of 2 closes it
    assert (quota.achieved, quota.full) == (3, True)
    assert states(db) == [CaseState.FINAL] * 3 + [CaseState.HELD]


def test_a_share_over_the_target_beyond_100_percent_is_refused(db, project):
    make_cases(db, project, sample_vars={"region": "north"}, release=False)
    with pytest.raises(CatiError, match="between 0 and 100"):
        add_quota(db, project, "north", {"region": ["north"]}, target=2, over_percent=101)
    assert quota_count(db) == 0


def test_holds_and_priorities_reach_every_case_when_updated_in_chunks(
    db, project, interviewer, monkeypatch
):
    """A cell of a large sample holds more cases than one statement takes parameters
    (65,535 on PostgreSQL): the updates go in chunks, here of 2."""
    monkeypatch.setattr(cases, "IDS_PER_UPDATE", 2)
    make_cases(db, project, n=6, sample_vars={"region": "north"})
    quota = add_quota(db, project, "north", {"region": ["north"]}, target=2)
    base = quotas.REPLICATE_STEP + quotas.MAX_QUOTA_BONUS
    assert set(db.scalars(select(Case.priority))) == {base - 50}
    complete_one(db, project, interviewer)
    assert set(db.scalars(select(Case.priority).where(Case.state == CaseState.ACTIVE))) == {
        base - 25
    }
    complete_one(db, project, interviewer)
    assert quota.full and states(db) == [CaseState.FINAL] * 2 + [CaseState.HELD] * 4
    remove_quota(db, project, quota)
    assert states(db) == [CaseState.ACTIVE] * 4 + [CaseState.FINAL] * 2
    assert set(db.scalars(select(Case.priority).where(Case.state == CaseState.ACTIVE))) == {base}


def test_a_numeric_sample_variable_is_checked_counted_and_reranked_as_text(
    db, project, interviewer
):
    """Typed samples keep numbers as JSON numbers; cells keep text: both databases compare
    them as text."""
    make_cases(db, project, n=3, sample_vars={"wave": 2})
    make_cases(db, project, n=2, sample_vars={"wave": 10})
    with pytest.raises(CatiError, match=re.escape("Known: 10, 2.")):
        add_quota(db, project, "third", {"wave": [3]}, target=4)
    quota = add_quota(db, project, "second", {"wave": [2]}, target=4)
    assert quotas.cases_in_cells(db, project, [quota]) == {quota.id: 3}
    base = quotas.REPLICATE_STEP + quotas.MAX_QUOTA_BONUS
    complete_one(db, project, interviewer)
    in_cell = db.scalars(select(Case.priority).where(Case.state == CaseState.ACTIVE)).all()
    assert sorted(in_cell) == [base - 38, base - 38, base, base]  # 3 of 4 still missing
