"""Questionnaire benchmark: load+check a generated 1,000-question questionnaire, and the
time to compute the next page while walking it. Prints one JSON line per result.

    .venv/bin/python benchmarks/questionnaire.py [--questions 1000] [--repeat 15]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

import yaml

from questionnaires import Engine, read_questionnaire

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
LANGS = ("es", "en")


def _text(words: str) -> dict[str, str]:
    return {"es": f"{words} (es)", "en": f"{words} (en)"}


def generate(n_questions: int, seed: int = 7) -> str:
    """A realistic mix: choices, numbers, ratings, grids, texts; conditions and piping on
    earlier answers; soft checks; go-tos; one loop block over a multiple question."""
    rng = random.Random(seed)
    per_block = 20
    blocks = []
    singles: list[str] = []
    numerics: list[str] = []
    count = 0
    while count < n_questions:
        block_index = len(blocks)
        questions = []
        for i in range(min(per_block, n_questions - count)):
            qid = f"q{count + 1}"
            kind = ("single", "single", "multiple", "numeric", "rating", "grid", "text")[
                (count * 7 + i) % 7
            ]
            q: dict = {"id": qid, "type": kind, "text": _text(f"Question {qid}")}
            if kind in ("single", "multiple"):
                q["options"] = [{"code": c, "label": _text(f"Option {c}")} for c in range(1, 7)]
                if kind == "multiple":
                    q["options"][-1]["exclusive"] = True
                    q["randomize"] = "shuffle"
                    q["options"][-1]["anchor"] = True
            elif kind == "numeric":
                q.update(min=0, max=100)
                if numerics:
                    q["checks"] = [
                        {
                            "valid_if": f"not answered({numerics[-1]}) or {qid} >= 0",
                            "soft": True,
                            "message": _text("Sure?"),
                        }
                    ]
            elif kind == "rating":
                q.update(min=1, max=5)
            elif kind == "grid":
                q["items"] = [{"id": f"r{r}", "label": _text(f"Row {r}")} for r in range(4)]
                q["scale"] = [{"code": c, "label": _text(str(c))} for c in range(1, 6)]
            if singles and rng.random() < 0.3:
                q["show_if"] = f"{rng.choice(singles[-30:])} in [1, 2, 3, 4]"
            if singles and rng.random() < 0.1:
                q["text"] = {lang: f"{text} {{{singles[-1]}}}" for lang, text in q["text"].items()}
            questions.append(q)
            if kind == "single":
                singles.append(qid)
            if kind == "numeric":
                numerics.append(qid)
            count += 1
        first_single = next((q for q in questions[:-3] if q["type"] == "single"), None)
        if first_single is not None and rng.random() < 0.3:
            target = questions[-2]["id"]
            first_single["routing"] = [{"if": f"{first_single['id']} = 6", "goto": target}]
        blocks.append({"id": f"b{block_index}", "questions": questions})
    doc = {
        "id": "benchmark",
        "version": "1",
        "title": _text("Generated benchmark questionnaire"),
        "languages": list(LANGS),
        "blocks": blocks,
    }
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def answer(shown, rng: random.Random):
    kind = shown.type
    if kind == "single":
        return rng.choice(shown.options).code
    if kind == "multiple":
        return [rng.choice([o.code for o in shown.options if not o.exclusive])]
    if kind == "numeric":
        return rng.randint(0, 100)
    if kind == "rating":
        return rng.randint(1, 5)
    if kind == "grid":
        return {row.id: 3 for row in shown.rows}
    if kind == "text":
        return "ok"
    return None


def emit(**fields) -> None:
    print(json.dumps(fields), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    text = generate(args.questions)
    machine = (
        f"{platform.machine()} {platform.system()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )

    load_times, load_cpu = [], []
    for _ in range(args.repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        questionnaire = read_questionnaire(text, "generated.yaml")
        load_times.append(time.perf_counter() - started)
        load_cpu.append(time.process_time() - started_cpu)
    emit(
        benchmark="questionnaire.load_and_check",
        questions=args.questions,
        yaml_bytes=len(text.encode()),
        runs=args.repeat,
        median_ms=round(statistics.median(load_times) * 1000, 2),
        min_ms=round(min(load_times) * 1000, 2),
        median_cpu_ms=round(statistics.median(load_cpu) * 1000, 2),
        limit_ms=300,
        load_average=os.getloadavg()[0],
        machine=machine,
    )

    engine = Engine(questionnaire)
    rng = random.Random(3)
    submit_times, page_times = [], []
    state = engine.start({}, 11, now=T0)
    now = T0
    while not state.finished:
        page = engine.current_page(state)
        answers = {shown.id: answer(shown, rng) for shown in page.questions}
        now += timedelta(seconds=5)
        started = time.perf_counter()
        result = engine.submit(state, answers, now, confirmed=[])
        if not result.ok:
            result = engine.submit(state, answers, now, [e.check_id for e in result.errors])
        middle = time.perf_counter()
        engine.current_page(result.state)
        page_times.append(time.perf_counter() - started)
        submit_times.append(middle - started)
        state = result.state
    emit(
        benchmark="questionnaire.next_page",
        questions=args.questions,
        pages=len(page_times),
        what="submit(answers) + current_page() of the next page",
        median_ms=round(statistics.median(page_times) * 1000, 4),
        p95_ms=round(sorted(page_times)[int(len(page_times) * 0.95)] * 1000, 4),
        max_ms=round(max(page_times) * 1000, 4),
        limit_median_ms=1,
        load_average=os.getloadavg()[0],
        machine=machine,
    )


if __name__ == "__main__":
    main()
