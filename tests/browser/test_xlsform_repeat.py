"""An XLSForm repeat without a count in Chromium: the interviewer is asked at each round
whether to add one more, as ODK Collect asks, and a no ends the repeat."""

import pytest
from sqlalchemy import select

from cati.fieldwork import projects
from cati.models import Interview
from tests.browser.interviews import _give, _next, log_in, start_by_phone
from tests.cati.fieldwork.conftest import MONDAY_10
from tests.cati.web.interviews import project_with
from tests.conftest import make_user
from tests.questionnaires.test_xlsform import workbook

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def test_a_repeat_without_a_count_asks_whether_to_add_one_more(
    browser, live_server, app, db, tmp_path
):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label"],
            ["begin repeat", "child", "Children of the household"],
            ["text", "child_name", "Name of the child?"],
            ["end repeat", None, None],
            ["text", "comment", "Anything else?"],
        ],
    )
    project, _ = project_with(db, path)
    user = make_user(db, "interviewer")
    projects.assign(db, project, user)
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    try:
        log_in(page, user.username)
        start_by_phone(page)
        assert "Add one (more)?" in page.content()
        assert page.locator('input[name="child_add"]').count() == 2  # no Don't know, Refused
        page.screenshot(path=tmp_path / "add-one-more.png", full_page=True)
        for answer, name in (("1", "Ana"), ("1", "Luis")):
            _give(page, "child_add", answer)
            assert _next(page) == 200
            _give(page, "child_name", name)
            assert _next(page) == 200
        assert "Children of the household" in page.content()  # asked again: a third?
        _give(page, "child_add", "2")
        assert _next(page) == 200
        assert "Anything else?" in page.content()
    finally:
        context.close()
    answers = db.scalar(select(Interview.answers))
    assert (answers["child_name[1]"], answers["child_name[2]"]) == ("Ana", "Luis")
    assert answers["child_add[3]"] == 2 and "child_name[3]" not in answers


def test_in_a_spanish_interview_the_repeat_asks_in_spanish(browser, live_server, app, db, tmp_path):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label::English (en)", "label::Español (es)"],
            ["begin repeat", "child", "Children of the household", "Hijos del hogar"],
            ["text", "child_name", "Name of the child?", "¿Nombre del hijo?"],
            ["end repeat", None, None, None],
        ],
    )
    project, _ = project_with(db, path)
    user = make_user(db, "interviewer", locale="es")
    projects.assign(db, project, user)
    context = browser.new_context(base_url=live_server.url, locale="es-ES")
    page = context.new_page()
    try:
        log_in(page, user.username)
        start_by_phone(page)
        section = page.locator('[data-question="child_add"]').inner_text()
        assert "¿Añadir uno (más)?" in section and "Hijos del hogar" in section
        assert "Sí" in section and "Add one" not in section
        page.screenshot(path=tmp_path / "add-one-more-es.png", full_page=True)
    finally:
        context.close()
