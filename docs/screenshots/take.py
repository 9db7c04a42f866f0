"""Take the documentation's screenshots from a throw-away demo database.

    .venv/bin/python docs/screenshots/take.py

Serves the demo study on a free port with the clock set to a Monday 10:00 in Madrid, drives
Debian's Chromium through Playwright and writes PNG files beside this script.
"""

from __future__ import annotations

import tempfile
import threading
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from cati import demo, migrate
from cati.app import create_app
from cati.config import Settings
from cati.fieldwork import weblinks
from cati.fieldwork.projects import get_project

HERE = Path(__file__).parent
MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("Europe/Madrid"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def log_in(page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def main() -> None:
    folder = tempfile.mkdtemp()
    url = f"sqlite:///{folder}/demo.db"
    migrate.upgrade(url)
    app = create_app(
        {
            "SECRET_KEY": "screens",
            "SQLALCHEMY_DATABASE_URL": url,
            "CATI_SETTINGS": Settings(instance_path=folder),
            "CATI_CLOCK": lambda: MONDAY,
        }
    )
    session = app.extensions["cati.sessionmaker"]()
    demo.ensure_demo_users(session)
    demo.ensure_demo_project(session, MONDAY)
    token = weblinks.issue_links(session, get_project(session, demo.DEMO_PROJECT))[5][1]
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
        phone = browser.new_page(
            base_url=base, viewport={"width": 390, "height": 844}, is_mobile=True, locale="es-ES"
        )
        phone.goto(f"/r/{token}")
        phone.get_by_role("button", name="Siguiente").click()
        phone.wait_for_load_state()
        phone.screenshot(path=HERE / "web-phone.png")
        admin = browser.new_page(base_url=base, viewport={"width": 1200, "height": 520})
        log_in(admin, "admin")
        admin.screenshot(path=HERE / "admin.png")
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
