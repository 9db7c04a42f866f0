"""The upload routes on generated and mutated files: a redirect when the file was taken, a
changed questionnaire shown for confirmation mid-field, or the page again with the message
beside the form (400) and nothing written — never a 500. On SQLite and PostgreSQL (the
``seeded`` fixture): NUL bytes, numbers past 2**63 and dates past ``datetime`` reach each
engine differently."""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from cati.models import Case, DoNotCall, PendingDraw, Project, QuestionnaireVersion
from sampling.designs import DESIGNS
from tests.fuzz import budget
from tests.fuzz.files import (
    dnc_bytes,
    frame_files,
    nasty_text,
    questionnaire_yaml,
    rules_yaml,
    targets_csv,
    xlsform_bytes,
)

ALERT = 'role="alert"'


def _state(seeded) -> tuple:
    """What an upload may change: pinned version, stored versions, cases, listed numbers,
    calling rules, weighting targets, pending draws."""
    with seeded.app.extensions["cati.sessionmaker"]() as session:
        project = session.get(Project, seeded.project.id)
        return (
            project.questionnaire_version_id,
            session.scalar(select(func.count()).select_from(QuestionnaireVersion)),
            session.scalar(select(func.count()).where(Case.project_id == seeded.project.id)),
            session.scalar(select(func.count()).select_from(DoNotCall)),
            project.rules,
            project.weighting_targets,
            session.scalar(select(func.count()).select_from(PendingDraw)),
        )


def _upload(seeded, route: str, name: str, content: bytes, **fields) -> None:
    client, token = seeded.client("researcher")
    before = _state(seeded)
    response = client.post(
        f"/research/{seeded.project.code}/{route}",
        data={"csrf_token": token, "file": (io.BytesIO(content), name), **fields},
        content_type="multipart/form-data",
    )
    body = response.get_data(as_text=True)
    assert response.status_code in (200, 302, 400), body[:2000]
    if response.status_code == 200:
        # Mid-field a changed questionnaire is stored and shown for confirmation, not pinned.
        assert "/questionnaire/confirm" in body, body[:2000]
        assert _state(seeded)[0] == before[0], "a version was pinned without confirmation"
    if response.status_code == 400:
        # The message beside the form, or the page every form gets for a NUL character.
        assert ALERT in body or "holds a NUL character" in body, "refused without saying why"
        assert _state(seeded) == before, "a refused upload changed the database"


questionnaire_uploads = st.one_of(
    st.tuples(st.sampled_from(["q.yaml", "q.yml"]), questionnaire_yaml()),
    st.tuples(st.just("q.xlsx"), xlsform_bytes),
)


@budget(0.3)
@given(questionnaire_uploads)
def test_a_questionnaire_upload_is_pinned_or_refused_with_nothing_changed(seeded, upload):
    name, content = upload
    _upload(seeded, "questionnaire", name, content)


@budget(0.3)
@given(frame_files, st.sampled_from(["ES", "US", "GB", "ZZ", "ñ1", ""]))
def test_a_sample_upload_is_imported_or_refused_with_nothing_changed(seeded, file, region):
    suffix, content = file
    _upload(seeded, "sample", f"sample{suffix}", content, region=region)


@budget(0.3)
@given(dnc_bytes(), st.sampled_from(["", "asked", "x" * 300]))
def test_a_do_not_call_upload_is_added_or_refused_with_nothing_changed(seeded, content, reason):
    _upload(seeded, "dnc", "numbers.txt", content, reason=reason)


@budget(0.3)
@given(rules_yaml())
def test_a_calling_rules_upload_is_taken_or_refused_with_nothing_changed(seeded, content):
    _upload(seeded, "rules/yaml", "rules.yaml", content)


@budget(0.3)
@given(targets_csv("region", ["north", "south"]))
def test_a_targets_upload_is_stored_or_refused_with_nothing_changed(seeded, content):
    _upload(seeded, "weighting/upload", "targets.csv", content)


draw_numbers = st.one_of(
    st.sampled_from(["1", "2", "0", "-1", "99999999999999999999", "1e3", ""]), nasty_text
)


@budget(0.3)
@given(
    frame_files,
    st.fixed_dictionaries(
        {
            "design": st.sampled_from([*DESIGNS, "nope"]),
            "n": draw_numbers,
            "seed": draw_numbers,
            "replicates": draw_numbers,
            "strata": st.sampled_from(["", "stratum", "region", "nope"]),
            "allocation": st.sampled_from(["proportional", "equal", "neyman", "x"]),
        }
    ),
)
def test_a_frame_uploaded_for_a_draw_is_drawn_or_refused_with_nothing_changed(seeded, file, fields):
    suffix, content = file
    _upload(seeded, "draw", f"frame{suffix}", content, **fields)
