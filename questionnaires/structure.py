"""The questionnaire laid out for running: blocks, pages, parsed expressions, look-ups.

Built once per questionnaire (``Questionnaire.plan``) so the engine never re-parses text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from questionnaires.expressions import Node, parse

if TYPE_CHECKING:
    from questionnaires.model import AnyQuestion, Block, Questionnaire


@dataclass(frozen=True, slots=True)
class QuestionPlan:
    question: AnyQuestion
    block: int  # index in questionnaire.all_blocks
    page: int  # index of its page within the block
    order: int  # position in declaration order over the whole questionnaire
    path: str  # where it is written, e.g. "blocks[1].questions[3]"
    show_if: Node | None
    checks: tuple[Node, ...]
    rules: tuple[Node | None, ...]
    expression: Node | None = None  # a calculate's


@dataclass(frozen=True, slots=True)
class BlockPlan:
    block: Block
    index: int
    path: str
    show_if: Node | None
    loop_times: Node | None  # a loop count written as an expression
    pages: tuple[tuple[str, ...], ...]  # question ids, page by page


def _maybe(source: str | None) -> Node | None:
    return None if source is None else parse(source)


class Plan:
    def __init__(self, questionnaire: Questionnaire) -> None:
        self.questionnaire = questionnaire
        self.questions: dict[str, QuestionPlan] = {}
        blocks: list[BlockPlan] = []
        order = 0
        shorthand = not questionnaire.blocks
        for b_index, block in enumerate(questionnaire.all_blocks):
            b_path = "" if shorthand else f"blocks[{b_index}]"
            pages: list[list[str]] = []
            previous_page: str | None = None
            for q_index, question in enumerate(block.questions):
                if question.page is None or question.page != previous_page or not pages:
                    pages.append([])
                pages[-1].append(question.id)
                previous_page = question.page
                q_path = f"{b_path}.questions[{q_index}]" if b_path else f"questions[{q_index}]"
                # Later duplicates are reported by the checks; the first one wins here.
                self.questions.setdefault(
                    question.id,
                    QuestionPlan(
                        question=question,
                        block=b_index,
                        page=len(pages) - 1,
                        order=order,
                        path=q_path,
                        show_if=_maybe(question.show_if),
                        checks=tuple(parse(c.valid_if) for c in question.checks),
                        rules=tuple(_maybe(r.when) for r in question.routing),
                        expression=_maybe(getattr(question, "expression", None)),
                    ),
                )
                order += 1
            loop_times = None
            if block.loop is not None and isinstance(block.loop.times, str):
                loop_times = parse(block.loop.times)
            blocks.append(
                BlockPlan(
                    block=block,
                    index=b_index,
                    path=b_path,
                    show_if=_maybe(block.show_if),
                    loop_times=loop_times,
                    pages=tuple(tuple(p) for p in pages),
                )
            )
        self.blocks: tuple[BlockPlan, ...] = tuple(blocks)
        self.block_ids: dict[str, int] = {}
        for plan in self.blocks:
            self.block_ids.setdefault(plan.block.id, plan.index)

    def page_questions(self, block: int, page: int) -> list[QuestionPlan]:
        return [self.questions[qid] for qid in self.blocks[block].pages[page]]
