"""The questionnaire designer in Chromium: built and edited with the keyboard and the mouse,
saved as typed, nothing lost on a closed tab, two researchers never overwriting each other."""

import os
import time
from pathlib import Path

import pytest

from cati import questionnaire_drafts
from cati.fieldwork import projects
from cati.models import QuestionnaireDraft
from tests.browser.test_login import log_in
from tests.cati.fieldwork.conftest import make_project
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]
# CATI_SCREENSHOTS=docs/screenshots keeps the pages for the documentation.
SHOTS = Path(os.environ.get("CATI_SCREENSHOTS", ""))


def saved(page):
    page.wait_for_function("() => document.getElementById('save-status').dataset.state === 'saved'")


def open_designer(page, user, project):
    log_in(page, user.username)
    page.wait_for_url("**/research/")
    page.goto(f"/research/{project.code}/designer")
    page.wait_for_selector("#designer[data-ready=true]")


def field(page, path):
    return page.locator(f"#editor [data-path='{path}']")


def add_question(page, block, kind):
    page.get_by_label(f"Type of the new question · {block}").select_option(kind)
    page.locator("[data-add-question]").first.click()


def outline(page):
    return page.locator(".oquestion .olabel").all_inner_texts()


@pytest.fixture
def study(db):
    researcher = make_user(db, "researcher", full_name="Rita Ruiz")
    project = make_project(db, code="CAFE", name="Café")
    projects.assign(db, project, researcher)
    return researcher, project


def test_questions_are_added_edited_moved_and_saved_as_typed(page, db, study):
    researcher, project = study
    open_designer(page, researcher, project)
    add_question(page, "main", "single")
    page.locator("#editor").get_by_label("Question id").fill("drinks")
    field(page, "blocks[0].questions[0].text").get_by_role("combobox").fill("Do you drink coffee?")
    field(page, "blocks[0].questions[0].options[0].label").get_by_role("combobox").fill("Yes")
    field(page, "blocks[0].questions[0].options[1].label").get_by_role("combobox").fill("No")
    add_question(page, "main", "numeric")
    editor = page.locator("#editor")
    editor.get_by_label("Question id").fill("cups")
    field(page, "blocks[0].questions[1].text").get_by_role("combobox").fill("How many cups?")
    editor.get_by_label("Lowest answer").fill("0")
    editor.get_by_label("Highest answer").fill("30")
    # The condition is typed with the completion of names: "dri", ↓ is the first, Enter.
    condition = editor.get_by_label("Asked only if")
    condition.click()
    page.keyboard.type("dri")
    assert page.get_by_role("listbox").get_by_role("option").first.inner_text().startswith("drinks")
    page.keyboard.press("Enter")
    page.keyboard.type(" = 3")
    assert condition.input_value() == "drinks = 3"
    saved(page)
    assert page.get_by_test_id("problems-count").inner_text() == "No problems found."

    # A wrong name is shown beside the field, in words, within a second of typing it.
    condition.fill("drinkz = 1")
    error = field(page, "blocks[0].questions[1].show_if").locator(".problem.error")
    error.wait_for(timeout=3000)
    assert "'drinkz' is not a question" in error.inner_text()
    assert condition.get_attribute("aria-invalid") == "true"
    condition.fill("drinks = 1")
    saved(page)

    # Keys on the outline: Alt+↑ moves, Ctrl+Z undoes, Alt+Shift+↓ copies, Delete removes.
    page.locator("[data-select='blocks[0].questions[1]']").focus()
    page.keyboard.press("Alt+ArrowUp")
    assert outline(page) == ["cups · numeric", "drinks · single"]
    assert "Moved cups to position 1." in page.locator("#announce").inner_text()
    page.keyboard.press("Control+z")
    assert outline(page) == ["drinks · single", "cups · numeric"]
    page.locator("[data-select='blocks[0].questions[0]']").focus()
    page.keyboard.press("Alt+Shift+ArrowDown")
    assert outline(page) == ["drinks · single", "drinks_1 · single", "cups · numeric"]
    page.keyboard.press("Delete")
    assert outline(page) == ["drinks · single", "cups · numeric"]
    # The buttons and the handle do the same.
    page.get_by_role("button", name="Move down · drinks").click()
    assert outline(page) == ["cups · numeric", "drinks · single"]
    page.locator(".oquestion").nth(1).locator(".handle").drag_to(page.locator(".oquestion").nth(0))
    assert outline(page) == ["drinks · single", "cups · numeric"]
    # Options move the same way, inside the question.
    page.locator("[data-select='blocks[0].questions[0]']").click()
    page.get_by_role("button", name="Move down · Options 1").click()
    labels = page.locator("#editor .list-options .ditem [data-path$='.label'] input")
    assert labels.evaluate_all("(boxes) => boxes.map((b) => b.value)") == ["No", "Yes"]
    saved(page)
    if SHOTS.name:
        page.screenshot(path=str(SHOTS / "designer.png"), full_page=True)

    db.expire_all()
    document = questionnaire_drafts.document(db.get(QuestionnaireDraft, project.id))
    checked = questionnaire_drafts.check(document)
    assert checked.errors == []
    drinks, cups = checked.questionnaire.all_blocks[0].questions
    assert [o.label for o in drinks.options] == ["No", "Yes"]
    assert (cups.id, cups.min, cups.max, cups.show_if) == ("cups", 0, 30, "drinks = 1")
    # Opened again, the draft is there as left.
    page.reload()
    page.wait_for_selector("#designer[data-ready=true]")
    assert outline(page) == ["drinks · single", "cups · numeric"]

    # In Spanish, the designer's own words and the problems alike.
    page.get_by_role("button", name="Español").click()
    page.wait_for_selector("#designer[data-ready=true]")
    assert (
        page.get_by_role("heading", level=1).inner_text().startswith("Diseñador de cuestionarios")
    )
    assert page.get_by_role("button", name="Añadir una pregunta").count() == 1
    page.locator("[data-select='blocks[0].questions[1]']").click()
    page.locator("#editor").get_by_label("Se pregunta solo si").fill("drinkz = 1")
    error = field(page, "blocks[0].questions[1].show_if").locator(".problem.error")
    error.wait_for()
    assert "'drinkz' no es una pregunta" in error.inner_text()


def test_changes_made_while_the_server_is_unreachable_are_kept_and_saved_later(page, db, study):
    researcher, project = study
    open_designer(page, researcher, project)
    # The server out of reach, as the page sees it (even the request sent on closing).
    page.evaluate("() => { window.fetch = () => Promise.reject(new TypeError('offline')); }")
    add_question(page, "main", "text")
    page.locator("#editor").get_by_label("Question id").fill("comments")
    page.wait_for_function(
        "() => document.getElementById('save-status').dataset.state === 'offline'"
    )
    page.close()  # the tab closed before anything reached the server (the last try too)
    db.expire_all()
    assert db.get(QuestionnaireDraft, project.id).revision == 1
    again = page.context.new_page()
    again.goto(f"/research/{project.code}/designer")
    again.wait_for_selector("#designer[data-ready=true]")
    saved(again)
    assert outline(again) == ["comments · text"]
    db.expire_all()
    document = questionnaire_drafts.document(db.get(QuestionnaireDraft, project.id))
    assert document["blocks"][0]["questions"][0]["id"] == "comments"


def test_a_tab_closed_right_after_a_change_sends_it_on_its_way_out(page, db, study):
    researcher, project = study
    open_designer(page, researcher, project)
    page.locator("#editor").get_by_label("Version").fill("7")
    page.close()  # before the moment the page waits after a change
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the request is the browser's, sent as it closes
        db.expire_all()
        draft = db.get(QuestionnaireDraft, project.id)
        if draft.revision == 2:
            break
        time.sleep(0.1)
    assert questionnaire_drafts.document(draft)["version"] == "7"


def test_two_researchers_on_one_draft_see_the_conflict_and_choose(browser, live_server, db, study):
    rita, project = study
    otto = make_user(db, "researcher", full_name="Otto Otero")
    projects.assign(db, project, otto)
    pages = []
    for user in (rita, otto):
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        page = context.new_page()
        page.set_default_timeout(30_000)
        open_designer(page, user, project)
        pages.append(page)
    first, second = pages
    try:
        first.locator("#editor").get_by_label("Version").fill("2")
        saved(first)
        second.locator("#editor").get_by_label("Version").fill("3")
        dialog = second.get_by_role("alertdialog")
        dialog.wait_for()
        assert "Rita Ruiz saved the draft (revision 2)" in dialog.inner_text()
        assert "-version: '3'\n+version: '2'" in second.locator("#conflict-diff").inner_text()
        if SHOTS.name:
            second.screenshot(path=str(SHOTS / "designer-conflict.png"))
        dialog.get_by_role("button", name="Keep my version (replace theirs)").click()
        saved(second)
        db.expire_all()
        assert (
            questionnaire_drafts.document(db.get(QuestionnaireDraft, project.id))["version"] == "3"
        )

        title = first.locator("#editor").get_by_role("group", name="Title")
        title.get_by_role("combobox").fill("Café 2026")
        dialog = first.get_by_role("alertdialog")
        dialog.wait_for()
        assert "Otto Otero saved the draft (revision 3)" in dialog.inner_text()
        dialog.get_by_role("button", name="Take their version (drop mine)").click()
        assert first.locator("#editor").get_by_label("Version").input_value() == "3"
        db.expire_all()
        draft = db.get(QuestionnaireDraft, project.id)
        assert (draft.revision, questionnaire_drafts.document(draft)["title"]) == (3, "Café")
    finally:
        for page in pages:
            page.context.close()
