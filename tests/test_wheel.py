"""The built wheel carries every file the packages read at run time, not only their modules:
templates, static files, translations, the common-passwords list, the migrations."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("cati", "questionnaires", "sampling", "exports")
PROJECT_FILES = ("setup.cfg", "pyproject.toml", "README.md", "LICENSE")
SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
# Run against the installed copy: cati must come from it, find its list and its Spanish.
PROBE = """
import gettext, sys
from pathlib import Path
import cati, cati.passwords
assert Path(cati.__file__).is_relative_to(Path(sys.argv[1])), cati.__file__
assert cati.passwords.is_common("password123")
spanish = gettext.translation("messages", Path(cati.__file__).parent / "translations", ["es"])
assert spanish.gettext("Log in") == "Entrar"
"""


def _data_files() -> set[str]:
    """The files of the packages that are not Python modules, as wheel paths."""
    found = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*"):
            if (
                path.is_file()
                and path.suffix not in (".py", ".pyc")
                and "__pycache__" not in path.parts
            ):
                found.add(path.relative_to(ROOT).as_posix())
    return found


def test_the_wheel_holds_every_data_file_and_they_work_installed(tmp_path) -> None:
    source = tmp_path / "source"  # a copy, so that the build leaves the worktree alone
    for package in PACKAGES:
        shutil.copytree(ROOT / package, source / package, ignore=SKIPPED)
    for name in PROJECT_FILES:
        shutil.copy(ROOT / name, source / name)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("cati-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())

    wanted = _data_files()
    assert {
        "cati/data/common-passwords.txt.gz",
        "cati/translations/es/LC_MESSAGES/messages.mo",
        "cati/web/templates/research/brand_preview.svg",
        "cati/web/static/cati.css",
        "cati/migrations/script.py.mako",
        "exports/templates/report.css",
        "questionnaires/library/customer_satisfaction.xlsx",
    } <= wanted
    assert sorted(wanted - names) == []

    # Installed from the wheel alone, the password check finds its list and Spanish loads.
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), wheel],
        check=True,
        capture_output=True,
        timeout=120,
    )
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE)
    env = {**os.environ, "PYTHONPATH": str(site)}
    ran = subprocess.run(
        [sys.executable, str(probe), str(site)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert ran.returncode == 0, ran.stderr
