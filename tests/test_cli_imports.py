"""The `cati` command imports what the command it runs uses: no Flask, database or report
libraries for a sampling command, none of numpy, pandas or scipy for a help page."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sampling.demo import demo_frame

ROOT = Path(__file__).resolve().parent.parent
WEB = ("flask", "flask_login", "flask_wtf", "werkzeug", "sqlalchemy", "alembic", "jinja2")
REPORTS = ("weasyprint", "matplotlib", "pypdf")
NUMBERS = ("numpy", "pandas", "scipy", "phonenumbers")


def imported_by(*args: str, cwd: Path = ROOT) -> set[str]:
    """The top-level packages a fresh `cati ARGS` has imported when it ends."""
    probe = (
        "import json, sys\n"
        "from cati.cli import main\n"
        f"sys.argv = ['cati', *{list(args)!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exit:\n"
        "    assert not exit.code, exit.code\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=cwd,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize("args", [["--help"], ["sample", "--help"], ["sample", "draw", "--help"]])
def test_help_pages_import_neither_the_web_nor_the_numbers(args):
    modules = imported_by(*args)
    assert not modules & {*WEB, *REPORTS, *NUMBERS}


def test_a_sample_draw_imports_no_web_framework(tmp_path):
    demo_frame(300, random=3).to_csv(tmp_path / "frame.csv", index=False)
    modules = imported_by(
        "sample", "draw", "--frame", "frame.csv", "--n", "30", "--design", "lpm2",
        "--seed", "4", "--out", "sample.csv", cwd=tmp_path,
    )  # fmt: skip
    assert (tmp_path / "sample.csv").read_text().count("\n") == 31  # the header and 30 units
    assert not modules & {*WEB, *REPORTS}
    assert {"numpy", "pandas", "phonenumbers"} <= modules  # what a draw does use
