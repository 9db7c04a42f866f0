"""XLSForm benchmark: `cati questionnaire check` on the largest form of the corpus, whole and
by stage (pyxform reading the workbook, our import, pyxform's own verdict, our checks).
Prints one JSON line per result.

    .venv/bin/python benchmarks/xlsform_check.py [--form ../shared/xlsform-corpus/X.xlsx]
        [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
import warnings
from pathlib import Path

from pyxform.xls2json_backends import get_xlsform

from questionnaires import check_questionnaire
from questionnaires.checks import check
from questionnaires.xlsform_pyxform import pyxform_refusal
from questionnaires.xlsform_survey import SurveyReader

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "xlsform-corpus"


def timed(work, repeat: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds of ``repeat`` runs of ``work()``."""
    walls, cpus = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - started_cpu)
    return round(statistics.median(walls) * 1000, 1), round(statistics.median(cpus) * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    largest = max(CORPUS.glob("*.xls*"), key=lambda p: p.stat().st_size, default=None)
    parser.add_argument("--form", type=Path, default=largest)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # openpyxl's notes on workbook styles
    form: Path = args.form
    questionnaire, problems = check_questionnaire(form)
    assert questionnaire is not None, [str(p) for p in problems]
    data = get_xlsform(str(form))
    stages = {
        "check_questionnaire": lambda: check_questionnaire(form),
        "pyxform_read": lambda: get_xlsform(str(form)),
        "our_import": lambda: SurveyReader(str(form), data, form.stem, form.parent).read(),
        "pyxform_verdict": lambda: pyxform_refusal(data, str(form)),
        "checks": lambda: check(questionnaire, str(form)),
    }
    for stage, work in stages.items():
        wall, cpu = timed(work, args.repeat)
        print(
            json.dumps(
                {
                    "benchmark": f"xlsform.{stage}",
                    "form": form.name,
                    "bytes": form.stat().st_size,
                    "questions": sum(len(b.questions) for b in questionnaire.all_blocks),
                    "repeat": args.repeat,
                    "median_ms": wall,
                    "median_cpu_ms": cpu,
                    "load_average": os.getloadavg()[0],
                    "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                    f"Python {platform.python_version()}",
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
