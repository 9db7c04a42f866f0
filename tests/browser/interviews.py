"""Interviews driven in Chromium with the mouse, for any questionnaire.

Each page's answers are chosen from its own HTML by the test-client driver
(``tests.cati.web.interviews.answers_from``), then given the way a person would: a click on
the option's label, text typed into the box, the date picked; Next is clicked. A page the
server refuses (422) is answered again, its soft checks confirmed. No response may be a 5xx.
"""

from __future__ import annotations

import random

from tests.cati.web.interviews import MAX_PAGES, MAX_TRIES, answers_from
from tests.conftest import TEST_PASSWORD

HIDDEN = ("csrf_token", "seq", "action")


def log_in(page, username: str) -> None:
    """Through the log-in form in whatever language the browser asks for."""
    page.goto("/login")
    page.locator('input[name="username"]').fill(username)
    page.locator('input[name="password"]').fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.locator('input[name="password"]').press("Enter")


def start_by_phone(page) -> None:
    """On the workstation: Next case, then Start interview, with the mouse."""
    with page.expect_navigation():
        page.locator('form button[data-shortcut="n"]').click()
    with page.expect_navigation():
        page.locator('button[data-shortcut="s"]').click()


def _give(page, name: str, value) -> None:
    form = page.locator("#page-form")
    ticked = form.locator(f'input[type="checkbox"][name="{name}"]:checked')
    for _ in range(ticked.count()):  # a page answered again: its boxes start clear
        ticked.first.locator("xpath=ancestor::label[1]").click()
    for one in value if isinstance(value, list) else [value]:
        field = form.locator(f'[name="{name}"]').first
        if field.get_attribute("type") in ("radio", "checkbox"):
            choice = form.locator(f'input[name="{name}"][value="{one}"]')
            choice.locator("xpath=ancestor::label[1]").click()
        else:  # numbers, texts, dates
            field.fill(one)


def _next(page) -> int:
    """Next, with the mouse; the status of the page shown after it."""
    with page.expect_navigation() as navigation:
        page.locator("#page-form button[data-next]").click()
    status = navigation.value.status
    assert status < 500, page.content()
    return status


def answer_to_the_end(page, questions: dict, rng: random.Random | None = None) -> int:
    """Answer every page until one shows no form (the closing page); the pages answered."""
    for count in range(MAX_PAGES):
        if page.locator("#page-form").count() == 0:
            return count
        for _try in range(MAX_TRIES):
            answers = answers_from(page.content(), questions, rng)
            for name, value in answers.items():
                if name not in HIDDEN:
                    _give(page, name, value)
            status = _next(page)
            if status != 422 or rng is None:
                break
        assert status == 200, page.content()
    raise AssertionError(f"no closing page after {MAX_PAGES} pages")
