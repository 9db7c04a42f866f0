"""Small factories for questionnaire tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import yaml

from questionnaires import Engine, Questionnaire, read_questionnaire

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def make_questionnaire(questions: list[dict] | None = None, **fields: Any) -> Questionnaire:
    """A checked questionnaire in English from a few question dicts (or blocks=...)."""
    data: dict[str, Any] = {"id": "t", "version": "1", "title": "Test"}
    if questions is not None:
        data["questions"] = questions
    data.update(fields)
    return read_questionnaire(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def single(qid: str, codes: tuple[int, ...] = (1, 2), **extra: Any) -> dict[str, Any]:
    options = [{"code": c, "label": f"option {c}"} for c in codes]
    return {"id": qid, "type": "single", "text": f"Question {qid}?", "options": options, **extra}


def run(engine: Engine, answers: list[dict[str, Any]], seed: int = 1, **start: Any):
    """Start an interview and submit each page's answers; fails on any error."""
    state = engine.start(start.pop("sample", {}), seed, now=T0, **start)
    for page_answers in answers:
        result = engine.submit(state, page_answers, T0)
        assert result.ok, result.errors
        state = result.state
    return state
