"""From an empty project to a completed test interview, with the keyboard alone: every
question type built in the designer, checked as typed, tried as the interviewer would, then
published, and downloaded as an XLSForm pyxform accepts."""

import os
from pathlib import Path

import pytest
from pyxform import xls2xform

from cati import questionnaire_drafts
from cati.fieldwork import projects
from cati.models import QuestionnaireDraft
from tests.browser.test_designer import field, saved
from tests.browser.test_login import log_in
from tests.cati.fieldwork.conftest import make_project
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]
SHOTS = Path(os.environ.get("CATI_SCREENSHOTS", ""))
TYPES = ["display", "single", "multiple", "numeric", "text", "rating", "grid", "date", "calculate"]


def press(page, locator, key="Enter"):
    """A button or box reached and used from the keyboard (no mouse anywhere here)."""
    locator.focus()
    page.keyboard.press(key)


def typed(page, locator, text):
    locator.focus()
    page.keyboard.press("Control+a")
    page.keyboard.type(text)


def text_of(page, path, value):
    typed(page, field(page, path).get_by_role("combobox").first, value)


def add(page, block_index, block_id, kind, question_id):
    page.get_by_label(f"Type of the new question · {block_id}").select_option(kind)
    press(page, page.locator(f"[data-add-question='{block_index}']"))
    # The cursor is in the new question's id.
    assert page.evaluate("() => document.activeElement.value").startswith("q")
    page.keyboard.press("Control+a")
    page.keyboard.type(question_id)


def test_every_type_from_an_empty_project_to_a_completed_test_interview(page, db, tmp_path):
    researcher = make_user(db, "researcher")
    project = make_project(db, code="OMNI", name="Omnibus")
    projects.assign(db, project, researcher)
    log_in(page, researcher.username)
    page.wait_for_url("**/research/")
    page.goto("/research/OMNI")
    press(page, page.get_by_test_id("open-designer"))
    page.wait_for_selector("#designer[data-ready=true]")
    editor = page.locator("#editor")

    # The questionnaire's settings: a sample variable for the test.
    press(page, page.locator("[data-select='settings']"))
    typed(page, editor.get_by_label("Questionnaire id"), "omnibus")
    press(page, editor.get_by_role("button", name="Add a sample variable"))
    page.keyboard.press("Control+a")
    page.keyboard.type("region")
    page.keyboard.press("Tab")  # the name is taken as it is left

    q = "blocks[0].questions"
    add(page, 0, "main", "display", "welcome")
    text_of(page, f"{q}[0].text", "Welcome, and thank you for your time.")
    add(page, 0, "main", "single", "drinks")
    text_of(page, f"{q}[1].text", "Do you drink coffee?")
    text_of(page, f"{q}[1].options[0].label", "Yes")
    text_of(page, f"{q}[1].options[1].label", "No")
    press(page, editor.get_by_role("button", name="Add a rule"))
    editor.get_by_label("Then").select_option("screen_out")
    typed(page, editor.get_by_label("Question or code"), "NO_COFFEE")
    typed(page, editor.get_by_label("If (empty: always)"), "drinks = 2")
    add(page, 0, "main", "multiple", "brands")
    text_of(page, f"{q}[2].text", "Which brands do you know?")
    text_of(page, f"{q}[2].options[0].label", "Lumbre")
    text_of(page, f"{q}[2].options[1].label", "Aroma")
    press(page, editor.get_by_role("button", name="Add an option"))
    text_of(page, f"{q}[2].options[2].label", "None of them")
    press(page, field(page, f"{q}[2].options[2].exclusive").get_by_role("checkbox"), " ")
    press(page, field(page, f"{q}[2].options[2].anchor").get_by_role("checkbox"), " ")
    editor.get_by_label("Order of the options").select_option("shuffle")
    add(page, 0, "main", "numeric", "cups")
    text_of(page, f"{q}[3].text", "How many cups do you drink a day, {sample.region}?")
    typed(page, editor.get_by_label("Lowest answer"), "0")
    typed(page, editor.get_by_label("Highest answer"), "20")
    condition = editor.get_by_label("Asked only if")
    condition.focus()
    page.keyboard.type("dri")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")  # the name from the list
    page.keyboard.type(" = 1")
    assert condition.input_value() == "drinks = 1"
    add(page, 0, "main", "text", "why")
    text_of(page, f"{q}[4].text", "Why do you drink {cups} cups?")
    add(page, 0, "main", "rating", "score")
    text_of(page, f"{q}[5].text", "How likely are you to recommend coffee to a friend?")
    press(page, editor.get_by_label("Net Promoter Score (0 to 10)"), " ")
    add(page, 0, "main", "grid", "taste")
    text_of(page, f"{q}[6].text", "How do you like your coffee?")
    typed(page, field(page, f"{q}[6].items[0].id").get_by_role("textbox"), "bitter")
    text_of(page, f"{q}[6].items[0].label", "Bitter")
    typed(page, field(page, f"{q}[6].items[1].id").get_by_role("textbox"), "sweet")
    text_of(page, f"{q}[6].items[1].label", "Sweet")
    text_of(page, f"{q}[6].scale[0].label", "Not at all")
    text_of(page, f"{q}[6].scale[1].label", "A lot")
    add(page, 0, "main", "date", "bought")
    text_of(page, f"{q}[7].text", "When did you last buy coffee?")
    add(page, 0, "main", "calculate", "heavy")
    typed(page, editor.get_by_label("Expression"), "cups > 3")

    # A second block, asked for each brand known.
    press(page, page.get_by_role("button", name="Add a block"))
    typed(page, editor.get_by_label("Block id"), "brand_rating")
    press(page, editor.get_by_label("Repeat the block"), " ")
    typed(page, editor.get_by_label("For each option chosen in (a multiple question)"), "brands")
    typed(page, editor.get_by_label("Or a number of times (a number or an expression)"), "")
    page.keyboard.press("Backspace")
    typed(page, editor.get_by_label("Name of the item in expressions and texts"), "brand")
    add(page, 1, "brand_rating", "rating", "brand_score")
    text_of(page, "blocks[1].questions[0].text", "How good is {brand}, from 1 to 5?")
    typed(page, editor.get_by_label("Lowest point"), "1")
    typed(page, editor.get_by_label("Highest point"), "5")
    saved(page)
    page.wait_for_function("() => document.getElementById('problems-count').dataset.errors === '0'")
    assert [t.split(" · ")[1] for t in page.locator(".oquestion .olabel").all_inner_texts()] == [
        *TYPES,
        "rating",
    ]
    if SHOTS.name:
        page.locator("[data-select='blocks[0].questions[6]']").focus()
        page.keyboard.press("Enter")
        page.screenshot(path=str(SHOTS / "designer-every-type.png"), full_page=True)

    # The test interview, as the interviewer, answered from the keyboard.
    press(page, page.get_by_role("link", name="Test interview"))
    page.wait_for_url("**/designer/test")
    typed(page, page.get_by_role("textbox", name="region"), "the north")
    with page.expect_navigation():
        press(page, page.get_by_role("button", name="Start the test"))
    test_page = page.get_by_test_id("test-page")
    assert "Welcome, and thank you for your time." in test_page.inner_text()

    def answer(*keys, expect=None):
        if expect:
            assert expect in test_page.inner_text()
        for key in keys:
            page.keyboard.press(key)
        with page.expect_navigation():
            page.keyboard.press("Enter")

    answer()
    answer("1", expect="Do you drink coffee?")
    answer("1", "2", expect="Which brands do you know?")
    assert "How many cups do you drink a day, the north?" in test_page.inner_text()
    answer("4")
    assert "Why do you drink 4 cups?" in test_page.inner_text()
    page.keyboard.type("It keeps me awake")
    answer()
    answer("9", expect="How likely are you to recommend")
    answer("1", "2", expect="How do you like your coffee?")
    page.locator("input[type=date]").fill("2026-11-30")
    answer()
    answer("4", expect="How good is")
    if SHOTS.name:
        page.screenshot(path=str(SHOTS / "designer-test-interview.png"), full_page=True)
    answer("5", expect="How good is")
    end = page.get_by_test_id("test-end")
    end.wait_for()
    assert "completed" in page.get_by_test_id("test-outcome").inner_text()
    answers = page.get_by_test_id("test-answers").inner_text()
    for shown in ("drinks\t1 Yes", "cups\t4", "heavy\t1", "score\t9", "bought\t2026-11-30"):
        assert shown in answers
    assert "taste\tbitter: 1 Not at all; sweet: 2 A lot" in answers

    # Published as the first version, and downloaded as an XLSForm pyxform accepts.
    press(page, page.get_by_role("link", name="Back to the designer"))
    page.wait_for_selector("#designer[data-ready=true]")
    press(page, page.get_by_role("link", name="Publish…"))
    page.wait_for_url("**/designer/publish")
    if SHOTS.name:
        page.screenshot(path=str(SHOTS / "designer-publish.png"), full_page=True)
    press(page, page.get_by_role("button", name="Publish and pin"))
    page.wait_for_url("**/research/OMNI/")
    assert (
        "Published omnibus version 1 and pinned it" in page.get_by_role("status").first.inner_text()
    )
    page.goto("/research/OMNI/designer/publish")
    with page.expect_download() as download:
        press(page, page.get_by_role("link", name="XLSForm"))
    workbook = Path(download.value.path()).read_bytes()
    xls2xform.convert(workbook, file_type=".xlsx", warnings=[])

    db.expire_all()
    document = questionnaire_drafts.document(db.get(QuestionnaireDraft, project.id))
    questions = [q["type"] for b in document["blocks"] for q in b["questions"]]
    assert questions == [*TYPES, "rating"]
