"""Every questionnaire of the library interviewed to its closing page in Chromium, with the
mouse: by phone (the interviewer logs in, takes the next case and starts the interview) and
by web self-completion (the respondent's link), in English and in Spanish. Each page is
answered from its own inputs, whatever the questionnaire (see tests/browser/interviews.py).
"""

import pytest

from cati.fieldwork import projects
from tests.browser.interviews import answer_to_the_end, log_in, start_by_phone
from tests.cati.fieldwork.conftest import MONDAY_10
from tests.cati.web.interviews import assert_finished, by_web, project_with, questions_of
from tests.cati.web.test_library_interviews import runs
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]
LOCALES = {"en": "en-GB", "es": "es-ES"}


def interview_in_browser(
    browser, live_server, db, project, questionnaire, mode, language, rng=None
):
    """The case's interview in a browser of its own, to the closing page; its HTML."""
    context = browser.new_context(base_url=live_server.url, locale=LOCALES[language])
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        if mode == "phone":
            user = make_user(db, "interviewer", locale=language)
            projects.assign(db, project, user)
            log_in(page, user.username)
            start_by_phone(page)
        else:
            page.goto(by_web(db, project))
        pages = answer_to_the_end(page, questions_of(questionnaire), rng)
        assert pages > 0
        return page.content()
    finally:
        context.close()


@pytest.mark.parametrize(("path", "language", "mode"), runs())
def test_every_library_questionnaire_is_interviewed_in_the_browser(
    browser, live_server, app, db, path, language, mode
):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    project, questionnaire = project_with(db, path)
    closing = interview_in_browser(browser, live_server, db, project, questionnaire, mode, language)
    status = assert_finished(db, closing, questionnaire, language, mode)
    assert status == "completed"  # the middle of each range passes every screening
