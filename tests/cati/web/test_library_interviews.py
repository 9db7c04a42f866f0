"""Every questionnaire of the library, interviewed to its closing page through the web pages.

For each file in questionnaires/library/ (YAML and XLSForm, found by listing the folder), in
English and Spanish, by phone (an interviewer claims the case) and by web self-completion (the
respondent's link): a project pins it, a sample with its declared sample variables is imported,
and every page is answered from the fields of the rendered form until the closing page.
"""

from pathlib import Path

import pytest

from tests.cati.fieldwork.conftest import MONDAY_10
from tests.cati.web.interviews import (
    assert_finished,
    interview_through_pages,
    interview_url,
    project_with,
    questions_of,
)

LIBRARY = Path(__file__).parents[3] / "questionnaires" / "library"
FILES = sorted(p for p in LIBRARY.iterdir() if p.suffix in (".yaml", ".xlsx"))


def runs() -> list:
    return [
        pytest.param(path, language, mode, id=f"{path.name}-{language}-{mode}")
        for path in FILES
        for language in ("en", "es")
        for mode in ("phone", "web")
    ]


@pytest.fixture
def monday(app):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    return MONDAY_10


@pytest.mark.parametrize(("path", "language", "mode"), runs())
def test_every_library_questionnaire_is_interviewed_to_its_closing_page(
    client, db, monday, path, language, mode
):
    project, questionnaire = project_with(db, path)
    url = interview_url(client, db, project, mode, language)
    closing_page = interview_through_pages(client, url, questions_of(questionnaire), db=db)

    status = assert_finished(db, closing_page, questionnaire, language, mode)
    assert status == "completed"  # the middle of each range passes every screening
