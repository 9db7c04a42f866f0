"""Render the documentation's report pages from a throw-away demo database.

    .venv/bin/python docs/screenshots/reports.py

Builds the demo study, brands it for a fictional agency (name, logo, colours), simulates
four days of fieldwork by three fictional interviewers, writes every report kind and the
codebook in Spanish and English and turns chosen pages into PNG files beside this script
with ``pdftoppm`` (the other pages stay in the printed folder, to look at).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parents[1]))  # for the simulation helper of the tests

from cati import accounts, branding, demo, migrate, reporting  # noqa: E402
from cati.app import create_app  # noqa: E402
from cati.config import Settings  # noqa: E402
from cati.fieldwork.projects import assign, get_project  # noqa: E402
from tests.cati.fieldwork_simulation import simulate  # noqa: E402

MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("Europe/Madrid"))
LOGO = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="180" height="60" viewBox="0 0 180 60">'
    b'<rect width="180" height="60" rx="8" fill="#fff"/><circle cx="30" cy="30" r="18" '
    b'fill="#e8a33d"/><path d="M55 42 L75 18 L95 42 Z" fill="#1b5e63"/><rect x="105" y="20" '
    b'width="60" height="6" fill="#1b5e63"/><rect x="105" y="34" width="45" height="6" '
    b'fill="#e8a33d"/></svg>'
)
KINDS = ("topline", "banner", "fieldwork", "questionnaire", "codebook")
# (report, language, page to show, file name)
PAGES = [
    ("topline", "es", 1, "report-cover.png"),
    ("topline", "en", 1, "report-cover-en.png"),
    ("topline", "es", 5, "report-topline-nps.png"),
    ("topline", "es", 7, "report-topline-grid.png"),
    ("banner", "es", 5, "report-banner.png"),
    ("fieldwork", "es", 5, "report-fieldwork-rates.png"),
    ("fieldwork", "es", 7, "report-fieldwork-map.png"),
    ("questionnaire", "en", 6, "report-questionnaire.png"),
    ("questionnaire", "es", 6, "report-questionnaire-es.png"),
    ("codebook", "en", 4, "report-codebook.png"),
]


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder}/demo.db"
    migrate.upgrade(url)
    settings = Settings(instance_path=str(folder))
    app = create_app(
        {
            "SECRET_KEY": "shots",
            "SQLALCHEMY_DATABASE_URL": url,
            "CATI_SETTINGS": settings,
        }
    )
    session = app.extensions["cati.sessionmaker"]()
    demo.ensure_demo_users(session, settings.password_hash_method)
    demo.ensure_demo_project(session, MONDAY)
    project = get_project(session, demo.DEMO_PROJECT)
    staff = [accounts.find_user(session, "interviewer")]
    for username in ("marta", "jorge"):
        user = accounts.create_user(
            session,
            username,
            "interviewer",
            demo.DEMO_PASSWORD,
            full_name=f"{username.title()} (ficticio)",
            hash_method=settings.password_hash_method,
        )
        assign(session, project, user)
        staff.append(user)
    branding.set_branding(
        session,
        project,
        agency="Sondeos Atlántico (ficticia)",
        primary="#1b5e63",
        accent="#e8a33d",
        logo=("logo.svg", LOGO),
    )
    simulate(session, project, staff, MONDAY, days=4, calls_per_day=15)
    for kind, language in [(k, lang) for k in KINDS for lang in ("es", "en")]:
        out = folder / f"{kind}-{language}.pdf"
        if kind == "codebook":
            reporting.export_data(session, project, "codebook", out, language=language)
            continue
        reporting.export_report(
            session,
            project,
            kind,
            out,
            language=language,
            weights="design_weight",
            banner=["region"] if kind != "banner" else ["problem"],
        )
    for kind, language, page, name in PAGES:
        stem = folder / f"{kind}-{language}-{page}"
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "60",
                "-png",
                "-singlefile",
                "-f",
                str(page),
                "-l",
                str(page),
                str(folder / f"{kind}-{language}.pdf"),
                str(stem),
            ],
            check=True,
        )
        (HERE / name).write_bytes(stem.with_suffix(".png").read_bytes())
    print(f"pages written to {HERE}; PDFs in {folder}")


if __name__ == "__main__":
    main()
