"""The upload routes on generated and mutated files: a redirect when the file was taken, a
changed questionnaire shown for confirmation mid-field, or the page again with the message
beside the form (400) and nothing written — never a 500."""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from cati.models import Case, DoNotCall, Project, QuestionnaireVersion
from tests.fuzz import budget
from tests.fuzz.files import dnc_bytes, frame_files, questionnaire_yaml, xlsform_bytes

ALERT = 'role="alert"'


def _state(seeded) -> tuple:
    """What an upload may change: pinned version, stored versions, cases, listed numbers."""
    with seeded.app.extensions["cati.sessionmaker"]() as session:
        return (
            session.get(Project, seeded.project.id).questionnaire_version_id,
            session.scalar(select(func.count()).select_from(QuestionnaireVersion)),
            session.scalar(select(func.count()).where(Case.project_id == seeded.project.id)),
            session.scalar(select(func.count()).select_from(DoNotCall)),
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
        assert ALERT in body, "refused without saying why"
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
