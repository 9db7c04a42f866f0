"""Take the documentation's screenshots from a throw-away demo database.

    .venv/bin/python docs/screenshots/take.py

Serves the demo study on a free port with the clock set to a Monday 10:00 in Madrid, drives
Debian's Chromium through Playwright and writes PNG files beside this script.
"""

from __future__ import annotations

import tempfile
import threading
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

from cati import accounts, demo, login_throttle, migrate, weighting_targets
from cati.app import create_app
from cati.config import Settings
from cati.fieldwork import dispatch, presence, weblinks
from cati.fieldwork.disposition import record_outcome
from cati.fieldwork.projects import get_project
from cati.models import Case, CaseState
from sampling.demo import demo_frame

HERE = Path(__file__).parent
MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("Europe/Madrid"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def log_in(page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)


OUTCOMES = [
    "NO_ANSWER",
    "BUSY",
    "COMPLETE",
    "AM_MESSAGE",
    "REFUSAL_SOFT",
    "NO_ANSWER",
    "COMPLETE",
    "NON_WORKING",
    "NO_ANSWER",
    "COMPLETE",
]


def interview_by_keys(page) -> None:
    """From the NPS page: a grid left half answered (its error names the open rows), then
    the stop form with an appointment typed as "+1 19:30\"."""
    for keys in (["Enter"], ["Fast delivery", "Enter"], ["5", "4", "Enter"]):
        for key in keys[:-1]:
            page.keyboard.type(key) if len(key) > 1 else page.keyboard.press(key)
        with page.expect_navigation():
            page.keyboard.press(keys[-1])
    page.screenshot(path=HERE / "interview-grid-error.png")
    page.keyboard.press("x")
    page.keyboard.press("1")
    page.keyboard.type("+1 19:30")
    page.keyboard.press("Tab")  # leaving the date reads it: 2026-12-01 and 19:30
    page.locator("#stop").scroll_into_view_if_needed()
    page.screenshot(path=HERE / "interview-stop.png", full_page=True)


def simulate_shift(session, project, interviewer, start: datetime, hours: int) -> None:
    """Calls every six minutes from ``start``; the interviewer logs off at the end."""
    presence.set_status(session, interviewer, "available", start)
    for k in range(10 * hours):
        now = start + timedelta(minutes=2 + 6 * k)
        claim = dispatch.next_case(session, project, interviewer, now=now)
        outcome = OUTCOMES[(k + start.day) % len(OUTCOMES)]
        record_outcome(session, claim.case, interviewer, outcome, now=now + timedelta(minutes=4))
    presence.set_status(session, interviewer, "offline", start + timedelta(hours=hours))


def simulate_fieldwork(session, project) -> None:
    """Three mornings last week and an hour today, so the supervisor has something to watch."""
    interviewer = accounts.get_user(session, "interviewer")
    for days_ago in (5, 4, 3):
        simulate_shift(session, project, interviewer, MONDAY - timedelta(days=days_ago, hours=1), 3)
    simulate_shift(session, project, interviewer, MONDAY - timedelta(hours=1), 1)
    presence.set_status(session, interviewer, "on_call", MONDAY)
    session.commit()


def draw_sample(page, folder: Path) -> None:
    """Draw a spread sample from a demo frame in the browser and photograph the preview."""
    frame = folder / "households.csv"
    demo_frame(3000, random=4).to_csv(frame, index=False)
    form = page.locator("#draw form")
    form.locator("[name=file]").set_input_files(frame)
    values = {"strata": "region", "n": "300", "seed": "2026", "replicates": "5", "region": "US"}
    for name, value in values.items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/draws/*")
    page.wait_for_function("document.querySelector('[data-testid=map]').naturalWidth > 0")
    page.screenshot(path=HERE / "research-draw.png", full_page=True)


def refused_questionnaire(browser, base: str, folder: Path) -> None:
    """A questionnaire with mistakes uploaded by a Spanish-speaking researcher: the problems
    listed above the page, each with its line and path, in Spanish."""
    source = Path(__file__).parents[2] / "questionnaires/library/customer_satisfaction.yaml"
    broken = folder / "satisfaccion.yaml"
    # Two references to a question that does not exist: the static checks name each place.
    text = source.read_text().replace('show_if: "purchase_confirmed = 1"', 'show_if: "compra = 1"')
    broken.write_text(text)
    page = browser.new_page(base_url=base, viewport={"width": 1280, "height": 900}, locale="es-ES")
    page.goto("/login")
    page.locator("[name=username]").fill("researcher")
    page.locator("[name=password]").fill(demo.DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"/research/{demo.DEMO_PROJECT}/")
    form = page.locator("form[action$='/questionnaire']")
    form.locator("[name=file]").set_input_files(broken)
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=problems]")
    page.locator("[data-testid=problems]").scroll_into_view_if_needed()
    page.screenshot(path=HERE / "research-questionnaire-problems.png")


def changed_questionnaire(browser, base: str, folder: Path) -> None:
    """Version 1.1 of the questionnaire uploaded mid-field: the changes listed with the
    button that pins it (nothing is pinned here)."""
    source = Path(__file__).parents[2] / "questionnaires/library/customer_satisfaction.yaml"
    text = source.read_text().replace('version: "1.0"', 'version: "1.1"', 1)
    detail = text.index("      - id: problem_detail")
    text = text[:detail] + text[text.index("      - id: problem_solved") :]
    text = text.replace(
        '          - {code: 3, label: {es: "No", en: "No"}}\n',
        '          - {code: 3, label: {es: "No", en: "No"}}\n'
        '          - {code: 4, label: {es: "Está en ello", en: "Being solved"}}\n',
        1,
    )
    changed = folder / "customer_satisfaction-1.1.yaml"
    changed.write_text(text)
    page = browser.new_page(base_url=base, viewport={"width": 1280, "height": 640}, locale="en-GB")
    log_in(page, "researcher")
    page.goto(f"/research/{demo.DEMO_PROJECT}/")
    form = page.locator("form[action$='/questionnaire']")
    form.locator("[name=file]").set_input_files(changed)
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=pin-changes]")
    page.screenshot(path=HERE / "research-questionnaire-changes.png")


def set_population_targets(session, project) -> None:
    """Weighting targets: the households per region of the frame the sample was drawn from."""
    from sampling.demo import demo_frame

    population = demo_frame(3000, random=2026)["region"].value_counts().sort_index()
    counts = {str(region): float(n) for region, n in population.items()}
    weighting_targets.set_targets(session, project, {"region": counts}, replace_all=True)


def main() -> None:
    folder = tempfile.mkdtemp()
    url = f"sqlite:///{folder}/demo.db"
    migrate.upgrade(url)
    settings = Settings(instance_path=folder)
    app = create_app(
        {
            "SECRET_KEY": "screens",
            "SQLALCHEMY_DATABASE_URL": url,
            "CATI_SETTINGS": settings,
            "CATI_CLOCK": lambda: MONDAY,
        }
    )
    session = app.extensions["cati.sessionmaker"]()
    demo.ensure_demo_users(session, settings.password_hash_method)
    demo.ensure_demo_project(session, MONDAY - timedelta(days=5, hours=2))
    project = get_project(session, demo.DEMO_PROJECT)
    simulate_fieldwork(session, project)
    # A web link for a case in play that nobody has called yet.
    uncalled = set(
        session.scalars(
            select(Case.external_id).where(
                Case.project_id == project.id, Case.state == CaseState.ACTIVE, Case.attempts == 0
            )
        )
    )
    token = next(t for case_id, t in weblinks.issue_links(session, project) if case_id in uncalled)
    set_population_targets(session, project)
    for _ in range(7):  # a mistyped password: the admin's lock list shows the pair waiting
        login_throttle.record_failure(session, "ines", "192.0.2.10", MONDAY - timedelta(minutes=1))
    session.commit()
    session.close()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(
            base_url=base, viewport={"width": 1200, "height": 780}, locale="en-GB"
        )
        log_in(page, "interviewer")
        page.get_by_role("button", name="English").click()
        page.screenshot(path=HERE / "workstation.png")
        page.keyboard.press("n")
        page.wait_for_url("**/case/**")
        page.screenshot(path=HERE / "case.png", full_page=True)
        page.keyboard.press("s")
        page.wait_for_url("**/interview/**")
        for key in ("Enter", "1", "Enter"):
            if key == "Enter":
                with page.expect_navigation():
                    page.keyboard.press(key)
            else:
                page.keyboard.press(key)
        page.keyboard.press("9")
        page.screenshot(path=HERE / "interview.png")
        interview_by_keys(page)
        phone = browser.new_page(
            base_url=base, viewport={"width": 390, "height": 844}, is_mobile=True, locale="es-ES"
        )
        phone.goto(f"/r/{token}")
        phone.screenshot(path=HERE / "web-intro.png")
        phone.goto("/r/not-a-link")
        phone.screenshot(path=HERE / "web-bad-link.png")
        phone.goto(f"/r/{token}")
        phone.get_by_role("button", name="Siguiente").click()
        phone.wait_for_load_state()
        phone.screenshot(path=HERE / "web-phone.png")
        boss = browser.new_page(
            base_url=base, viewport={"width": 1280, "height": 900}, locale="en-GB"
        )
        log_in(boss, "supervisor")
        boss.screenshot(path=HERE / "supervisor-monitor.png", full_page=True)
        boss.get_by_role("link", name="Cases").click()
        boss.wait_for_url("**/cases")
        boss.screenshot(path=HERE / "supervisor-cases.png")
        researcher = browser.new_page(
            base_url=base, viewport={"width": 1280, "height": 900}, locale="en-GB"
        )
        log_in(researcher, "researcher")
        researcher.goto(f"/research/{demo.DEMO_PROJECT}/")
        researcher.screenshot(path=HERE / "research-project.png", full_page=True)
        draw_sample(researcher, Path(folder))
        researcher.goto(f"/research/{demo.DEMO_PROJECT}/outcomes")
        researcher.screenshot(path=HERE / "research-outcomes.png", full_page=True)
        researcher.goto(f"/research/{demo.DEMO_PROJECT}/weighting?variable=region")
        researcher.screenshot(path=HERE / "research-weighting.png", full_page=True)
        refused_questionnaire(browser, base, Path(folder))
        changed_questionnaire(browser, base, Path(folder))
        admin = browser.new_page(base_url=base, viewport={"width": 1200, "height": 520})
        log_in(admin, "admin")
        admin.screenshot(path=HERE / "admin.png")
        admin.get_by_role("link", name="client", exact=True).click()
        admin.wait_for_url("**/admin/users/*")
        admin.screenshot(path=HERE / "admin-user.png", full_page=True)
        admin.goto("/admin/logins")
        admin.screenshot(path=HERE / "admin-logins.png")
        customer = browser.new_page(
            base_url=base, viewport={"width": 1200, "height": 900}, locale="en-GB"
        )
        log_in(customer, "client")
        customer.get_by_test_id("study").get_by_role("link").click()
        customer.wait_for_url(f"**/client/{demo.DEMO_PROJECT}/")
        customer.screenshot(path=HERE / "client.png", full_page=True)
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
