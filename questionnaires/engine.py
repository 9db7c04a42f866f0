"""The routing engine: pure and deterministic given the questionnaire, answers, seed and clock.

An ``Engine`` is bound to one questionnaire; its methods take an ``InterviewState`` and return
a new one, never changing the old. The web layer only renders the pages computed here.

The path through the questionnaire is a function of the answers: pages are walked in block
order (blocks possibly shuffled, loop blocks expanded per item) and each page shows the
questions whose ``show_if`` holds. After a page is answered its routing rules run in order;
the first that holds jumps forward (goto), screens out or ends the interview.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from cati.problems import N_
from questionnaires import state as st
from questionnaires.answers import (
    CHECK,
    DONT_KNOW,
    REFUSED,
    REQUIRED,
    TIMED_OUT,
    allows_special,
    message,
    rows_message,
    special,
    validate,
    validate_grid,
)
from questionnaires.errors import ErrorCode, QuestionnaireError, problem
from questionnaires.evaluate import CLOCK, Resolver, truthy
from questionnaires.evaluate import evaluate as evaluate_node
from questionnaires.expressions import parse
from questionnaires.model import Grid, MultipleChoice, Questionnaire, in_mode
from questionnaires.piping import render
from questionnaires.randomize import reorder, rng_for
from questionnaires.state import InterviewState, iso, parse_iso
from questionnaires.structure import BlockPlan, QuestionPlan


@dataclass(frozen=True, slots=True)
class Cursor:
    """A page instance: block position in the realized order, loop item, page index."""

    block_pos: int
    item: int | None
    page: int


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str  # question id, or "question.row" for a grid row
    code: str
    message: str
    check_id: str | None = None  # set for failed checks
    soft: bool = False  # soft checks can be confirmed and the page submitted again


@dataclass(frozen=True, slots=True)
class ShownOption:
    code: int
    label: str
    exclusive: bool = False


@dataclass(frozen=True, slots=True)
class ShownRow:
    id: str
    label: str


@dataclass(frozen=True, slots=True)
class ShownQuestion:
    id: str
    key: str  # the answer key (id, or id[item] inside a loop)
    type: str
    text: str  # HTML-escaped with answers piped in
    instruction: str
    options: tuple[ShownOption, ...]  # in the order to read them out
    rows: tuple[ShownRow, ...]  # grid rows in the order to read them out
    read_out: bool
    dont_know: bool
    refused: bool
    answer: Any  # the stored answer, to prefill when coming back
    warning_at: datetime | None
    closes_at: datetime | None
    question: Any  # the model object, for type details (bounds, unit, ...)


@dataclass(frozen=True, slots=True)
class Page:
    key: str
    block_id: str
    loop_item: int | None
    questions: tuple[ShownQuestion, ...]
    can_go_back: bool
    interview_warning_at: datetime | None
    interview_ends_at: datetime | None
    # The page's place on the path taken (the pages before it + 1): Back then Next shows
    # the same number again, unlike a count of submissions.
    number: int


@dataclass(frozen=True, slots=True)
class SubmitResult:
    state: InterviewState  # the new state, or the unchanged one when there are errors
    errors: tuple[FieldError, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


def offered_codes(question: Any, resolve: Resolver) -> list[int] | None:
    """The codes whose show_if holds, or None when no option has one (all are offered).
    A choice question with none left to offer is not shown."""
    options = getattr(question, "options", None) or ()
    if all(o.show_if is None for o in options):
        return None
    return [o.code for o in options if o.show_if is None or truthy(parse(o.show_if), resolve)]


def _default(question: Any) -> Any:
    """The answer to show filled in before one is given (a list for a multiple choice)."""
    default = getattr(question, "default", None)
    return list(default) if isinstance(default, tuple) else default


def _need_aware(now: datetime | None) -> None:
    if now is not None and now.tzinfo is None:
        raise ValueError("the engine needs timezone-aware datetimes (UTC)")


class Engine:
    def __init__(self, questionnaire: Questionnaire) -> None:
        self.q = questionnaire
        self.plan = questionnaire.plan
        self._block_pos_cache: dict[tuple[str, ...], dict[str, int]] = {}
        self.calculations = {
            qid: qp for qid, qp in self.plan.questions.items() if qp.expression is not None
        }

    # --- starting and resuming ---------------------------------------------------------

    def start(
        self,
        sample_vars: Mapping[str, Any],
        seed: int | str,
        *,
        language: str | None = None,
        now: datetime | None = None,
    ) -> InterviewState:
        _need_aware(now)
        lang = language or self.q.language
        if lang not in self.q.languages:
            raise ValueError(f"language {lang!r} is not one of {list(self.q.languages)}")
        self._check_sample(sample_vars)
        block_order = [b.id for b in self.q.all_blocks]
        for group in self.q.randomize_blocks:
            slots = sorted(block_order.index(b) for b in group)
            shuffled = [block_order[i] for i in slots]
            rng_for(seed, "blocks", *group).shuffle(shuffled)
            for slot, block_id in zip(slots, shuffled, strict=True):
                block_order[slot] = block_id
        option_orders: dict[str, list[int]] = {}
        item_orders: dict[str, list[str]] = {}
        for qid, qp in self.plan.questions.items():
            question = qp.question
            randomize = getattr(question, "randomize", None)
            if randomize:
                options = question.options
                option_orders[qid] = reorder(
                    [o.code for o in options],
                    [o.anchor for o in options],
                    randomize,
                    rng_for(seed, qid, "options"),
                )
            if isinstance(question, Grid) and question.randomize_items:
                ids = [i.id for i in question.items]
                item_orders[qid] = reorder(
                    ids, [False] * len(ids), "shuffle", rng_for(seed, qid, "items")
                )
        state = InterviewState(
            questionnaire_id=self.q.id,
            version=self.q.version,
            language=lang,
            seed=seed,
            sample=dict(sample_vars),
            block_order=block_order,
            option_orders=option_orders,
            item_orders=item_orders,
            started_at=iso(now),
            page_started_at=iso(now),
        )
        first = self._first_visible(state, Cursor(0, None, 0), None)
        if first is None:
            return replace(state, status=st.COMPLETED)
        return replace(state, position=self.page_key(state, first))

    def _check_sample(self, sample_vars: Mapping[str, Any]) -> None:
        """Declared sample variables must have their declared type (missing ones are empty)."""
        for name, declared in self.q.sample_variables.items():
            value = sample_vars.get(name)
            if declared.type == "number":
                ok = value is None or type(value) in (int, float)
            else:
                ok = value is None or isinstance(value, str)
            if not ok:
                raise QuestionnaireError(
                    problem(
                        ErrorCode.INVALID_VALUE,
                        N_("sample variable %(name)r should be %(type)s, got %(value)r"),
                        path=f"sample_variables.{name}",
                        name=name,
                        type=declared.type,
                        value=value,
                    )
                )

    def resume(self, text: str) -> InterviewState:
        """Load a state saved with ``to_json``; it must belong to this questionnaire version
        and point at a page that exists, else QuestionnaireError (nothing half-loaded)."""

        def refuse(template: str, **params: Any) -> QuestionnaireError:
            return QuestionnaireError(problem(ErrorCode.INVALID_VALUE, template, **params))

        try:
            state = InterviewState.from_json(text)
        except (ValueError, TypeError) as exc:
            raise refuse(N_("not a saved interview: %(reason)s"), reason=str(exc)) from None
        if (state.questionnaire_id, state.version) != (self.q.id, self.q.version):
            raise refuse(
                N_(
                    "the saved interview is for %(saved_id)s version %(saved_version)s, "
                    "not %(id)s version %(version)s"
                ),
                saved_id=state.questionnaire_id,
                saved_version=state.version,
                id=self.q.id,
                version=self.q.version,
            )
        if sorted(state.block_order) != sorted(b.block.id for b in self.plan.blocks):
            raise refuse(N_("the saved block order does not match the questionnaire's blocks"))
        for key in [state.position, *(page for page, _ in state.history)]:
            if key is not None and not self._is_page_key(key):
                raise refuse(N_("the saved interview points at an unknown page %(page)r"), page=key)
        return state

    def start_at(self, state: InterviewState, key: str) -> InterviewState:
        """The interview moved to the page ``key`` (its first question's id; ``id[item]`` in
        a loop), or to the first page shown after it, with nothing before it to go back
        to; over when no page is shown from there. A test run starts so part-way."""
        if not self._is_page_key(key):
            raise QuestionnaireError(
                problem(ErrorCode.INVALID_VALUE, N_("there is no page %(page)r"), page=key)
            )
        cursor = self._first_visible(state, self._cursor_of(state, key), state.answers)
        if cursor is None:
            return replace(state, position=None, history=[], status=st.COMPLETED)
        return replace(state, position=self.page_key(state, cursor), history=[])

    def _is_page_key(self, key: str) -> bool:
        qid, bracket, item = key.partition("[")
        qp = self.plan.questions.get(qid)
        if qp is None or self.plan.blocks[qp.block].pages[qp.page][0] != qid:
            return False
        in_loop = self.plan.blocks[qp.block].block.loop is not None
        if not bracket:
            return not in_loop
        return in_loop and item.endswith("]") and item[:-1].lstrip("-").isdigit()

    # --- names and look-ups ------------------------------------------------------------

    def _block_at(self, state: InterviewState, pos: int) -> BlockPlan:
        return self.plan.blocks[self.plan.block_ids[state.block_order[pos]]]

    def _position_of_block(self, state: InterviewState, block_id: str) -> int:
        order = tuple(state.block_order)
        table = self._block_pos_cache.get(order)
        if table is None:
            table = {b: i for i, b in enumerate(order)}
            if len(self._block_pos_cache) < 256:
                self._block_pos_cache[order] = table
        return table[block_id]

    def page_key(self, state: InterviewState, cursor: Cursor) -> str:
        first = self._block_at(state, cursor.block_pos).pages[cursor.page][0]
        return first if cursor.item is None else f"{first}[{cursor.item}]"

    def _cursor_of(self, state: InterviewState, key: str) -> Cursor:
        qid, _, item = key.partition("[")
        qp = self.plan.questions[qid]
        block_id = self.plan.blocks[qp.block].block.id
        return Cursor(
            self._position_of_block(state, block_id), int(item[:-1]) if item else None, qp.page
        )

    @staticmethod
    def answer_key(question_id: str, item: int | None) -> str:
        return question_id if item is None else f"{question_id}[{item}]"

    def resolver(
        self, state: InterviewState, answers: Mapping[str, Any], cursor: Cursor | None
    ) -> Resolver:
        """Map a reference path like ('q1',), ('grid', 'row') or ('sample', 'region')."""
        block = None if cursor is None else self._block_at(state, cursor.block_pos)
        loop = None if block is None else block.block.loop
        item = None if cursor is None else cursor.item
        questions = self.plan.questions
        sample = state.sample

        # today() and now(): the interview's clock, the moment the page was shown (the
        # `now` the caller gave), so that the engine stays deterministic.
        clock = state.page_started_at or state.started_at

        def resolve(path: tuple[Any, ...]) -> Any:
            head = path[0]
            if path == CLOCK:
                return clock
            if head == "sample":
                return sample.get(path[1]) if len(path) == 2 else None
            if loop is not None and head == loop.name:
                return item if len(path) == 1 else None
            qp = questions.get(head)
            if qp is None:
                return None
            rest = path[1:]
            if self.plan.blocks[qp.block].block.loop is not None:
                if rest and type(rest[0]) is int:
                    key, rest = f"{head}[{rest[0]}]", rest[1:]
                elif block is not None and qp.block == block.index:
                    key = f"{head}[{item}]"
                else:
                    return None
            else:
                key = head
            value = answers.get(key)
            for part in rest:
                if not isinstance(value, dict) or not isinstance(part, str):
                    return None
                value = value.get(part)
            return value

        return resolve

    # --- walking the path --------------------------------------------------------------

    def loop_items(
        self, state: InterviewState, block: BlockPlan, answers: Mapping[str, Any]
    ) -> list[int]:
        loop = block.block.loop
        if loop is None:
            return []
        if loop.over is not None:
            chosen = answers.get(loop.over)
            if not isinstance(chosen, list):
                return []
            source = self.plan.questions[loop.over].question
            excluded = set(loop.exclude) if loop.exclude is not None else set()
            if loop.exclude is None and isinstance(source, MultipleChoice):
                excluded = {o.code for o in source.options if o.exclusive}
            order = state.option_orders.get(loop.over) or [o.code for o in source.options]
            return [c for c in order if c in chosen and c not in excluded]
        times: Any = loop.times
        if block.loop_times is not None:
            times = evaluate_node(block.loop_times, self.resolver(state, answers, None))
            if type(times) is not int:
                return []
            times = min(times, loop.max_times)
        return list(range(1, max(times, 0) + 1))

    def _iter_from(
        self, state: InterviewState, cursor: Cursor, answers: Mapping[str, Any]
    ) -> Iterator[Cursor]:
        """Page instances from ``cursor`` (inclusive) to the end, in path order."""
        pos, item, page = cursor.block_pos, cursor.item, cursor.page
        while pos < len(state.block_order):
            block = self._block_at(state, pos)
            if block.block.loop is None:
                items: list[int | None] = [None]
            else:
                items = list(self.loop_items(state, block, answers))
            start_index = 0
            if item is not None:
                start_index = items.index(item) if item in items else len(items)
            elif block.block.loop is not None and page > 0:
                start_index = len(items)  # a loop block is entered at its top only
            for index in range(start_index, len(items)):
                first_page = page if index == start_index else 0
                for p in range(first_page, len(block.pages)):
                    yield Cursor(pos, items[index], p)
            pos, item, page = pos + 1, None, 0

    def visible_questions(
        self, state: InterviewState, cursor: Cursor, answers: Mapping[str, Any]
    ) -> list[QuestionPlan]:
        block = self._block_at(state, cursor.block_pos)
        resolve = self.resolver(state, answers, cursor)
        if block.show_if is not None and not truthy(block.show_if, resolve):
            return []
        return [
            qp
            for qp in self.plan.page_questions(block.index, cursor.page)
            if qp.expression is None  # a calculate is never shown
            and (qp.show_if is None or truthy(qp.show_if, resolve))
            and offered_codes(qp.question, resolve) != []
        ]

    def _first_visible(
        self, state: InterviewState, cursor: Cursor, answers: Mapping[str, Any] | None
    ) -> Cursor | None:
        answers = state.answers if answers is None else answers
        for candidate in self._iter_from(state, cursor, answers):
            if self.visible_questions(state, candidate, answers):
                return candidate
        return None

    def _after(
        self, state: InterviewState, cursor: Cursor, answers: Mapping[str, Any]
    ) -> tuple[str, Cursor | None, str | None]:
        """Where the path goes after ``cursor``: ("page", next, None), ("end", None, None)
        or ("screen_out", None, code)."""
        resolve = self.resolver(state, answers, cursor)
        for qp in self.visible_questions(state, cursor, answers):
            for rule, condition in zip(qp.question.routing, qp.rules, strict=True):
                if condition is not None and not truthy(condition, resolve):
                    continue
                if rule.end:
                    return "end", None, None
                if rule.screen_out is not None:
                    return "screen_out", None, rule.screen_out
                target = self.plan.questions[rule.goto]
                same_block = target.block == qp.block
                target_cursor = Cursor(
                    cursor.block_pos
                    if same_block
                    else self._position_of_block(state, self.plan.blocks[target.block].block.id),
                    cursor.item if same_block else None,
                    target.page,
                )
                nxt = self._first_visible(state, target_cursor, answers)
                return ("page", nxt, None) if nxt else ("end", None, None)
        following = self._iter_from(state, cursor, answers)
        next(following)  # skip the page itself
        for candidate in following:
            if self.visible_questions(state, candidate, answers):
                return "page", candidate, None
        return "end", None, None

    def walk(
        self, state: InterviewState, answers: Mapping[str, Any]
    ) -> Iterator[tuple[Cursor, list[QuestionPlan]]]:
        """The whole path the answers give, from the first page to the end."""
        cursor = self._first_visible(state, Cursor(0, None, 0), answers)
        seen = 0
        while cursor is not None and seen < 100_000:
            seen += 1
            yield cursor, self.visible_questions(state, cursor, answers)
            kind, cursor, _ = self._after(state, cursor, answers)
            if kind != "page":
                return

    # --- pages -------------------------------------------------------------------------

    def current_page(self, state: InterviewState, mode: str = "phone") -> Page | None:
        """The page to show, texts resolved and options in their order; None when over.

        ``mode`` ("phone" or "web") picks the wording of texts that differ by mode.
        """
        if state.position is None or state.finished:
            return None
        cursor = self._cursor_of(state, state.position)
        block = self._block_at(state, cursor.block_pos)
        loop = block.block.loop
        answers = state.answers
        resolve = self.resolver(state, answers, cursor)
        lang = state.language
        page_start = parse_iso(state.page_started_at)
        shown = []
        for qp in self.visible_questions(state, cursor, answers):
            question = qp.question
            key = self.answer_key(question.id, cursor.item)
            options: tuple[ShownOption, ...] = ()
            rows: tuple[ShownRow, ...] = ()
            source = getattr(question, "options", None) or getattr(question, "scale", None)
            if source:
                by_code = {o.code: o for o in source}
                order = state.option_orders.get(question.id) or list(by_code)
                offered = offered_codes(question, resolve)
                if offered is not None:
                    order = [c for c in order if c in offered]
                options = tuple(
                    ShownOption(
                        c,
                        render(by_code[c].label, self.plan, lang, loop, resolve),
                        by_code[c].exclusive,
                    )
                    for c in order
                )
            if isinstance(question, Grid):
                rows = self._shown_rows(state, question, loop, resolve)
            limit = question.time_limit
            warning_at = closes_at = None
            if limit is not None and page_start is not None:
                closes_at = page_start + timedelta(seconds=limit.limit)
                if limit.warning is not None:
                    warning_at = page_start + timedelta(seconds=limit.warning)
            shown.append(
                ShownQuestion(
                    id=question.id,
                    key=key,
                    type=question.type,
                    text=render(in_mode(question.text, mode), self.plan, lang, loop, resolve),
                    instruction=render(question.instruction, self.plan, lang, loop, resolve)
                    if question.instruction
                    else "",
                    options=options,
                    rows=rows,
                    read_out=getattr(question, "read_out", True),
                    dont_know=question.has_value and allows_special(self.q, question, DONT_KNOW),
                    refused=question.has_value and allows_special(self.q, question, REFUSED),
                    answer=answers[key] if key in answers else _default(question),
                    warning_at=warning_at,
                    closes_at=closes_at,
                    question=question,
                )
            )
        started = parse_iso(state.started_at)
        duration = self.q.max_duration
        warn_total = ends_total = None
        if duration is not None and started is not None:
            ends_total = started + timedelta(seconds=duration.limit)
            if duration.warning is not None:
                warn_total = started + timedelta(seconds=duration.warning)
        return Page(
            key=state.position,
            block_id=block.block.id,
            loop_item=cursor.item,
            questions=tuple(shown),
            can_go_back=bool(state.history),
            interview_warning_at=warn_total,
            interview_ends_at=ends_total,
            number=len(state.history) + 1,
        )

    def _shown_rows(
        self, state: InterviewState, question: Grid, loop: Any, resolve: Resolver
    ) -> tuple[ShownRow, ...]:
        """A grid's rows in the order to read them out, labels piped."""
        by_id = {i.id: i for i in question.items}
        return tuple(
            ShownRow(i, render(by_id[i].label, self.plan, state.language, loop, resolve))
            for i in state.item_orders.get(question.id) or list(by_id)
        )

    def _grid_errors(
        self, state: InterviewState, cursor: Cursor, question: Grid, row_errors: dict[str, str]
    ) -> list[FieldError]:
        """A grid's errors naming its rows: one error listing every row still unanswered
        (rather than the same sentence once per row), and each other row error prefixed
        with its row."""
        lang = state.language
        loop = self._block_at(state, cursor.block_pos).block.loop
        rows = self._shown_rows(state, question, loop, self.resolver(state, state.answers, cursor))
        errors = []
        missing = [row.label for row in rows if row_errors.get(row.id) == REQUIRED]
        if missing:
            errors.append(FieldError(question.id, REQUIRED, rows_message(missing, lang)))
        if "_" in row_errors:
            errors.append(FieldError(question.id, row_errors["_"], message(row_errors["_"], lang)))
        for row in rows:
            code = row_errors.get(row.id)
            if code is not None and code != REQUIRED:
                text = f"{row.label}: {message(code, lang)}"
                errors.append(FieldError(f"{question.id}.{row.id}", code, text))
        return errors

    # --- submitting --------------------------------------------------------------------

    def submit(
        self,
        state: InterviewState,
        answers: Mapping[str, Any],
        now: datetime | None = None,
        confirmed: tuple[str, ...] | list[str] = (),
    ) -> SubmitResult:
        """Validate the current page's answers (keyed by question id) and move on.

        ``confirmed`` lists soft-check ids the interviewer has confirmed. Questions past
        their hard time limit are recorded as timed out whatever was sent.
        """
        _need_aware(now)
        if state.position is None or state.finished:
            return SubmitResult(state, (FieldError("", "finished", "The interview is over."),))
        started = parse_iso(state.started_at)
        page_start = parse_iso(state.page_started_at)
        duration = self.q.max_duration
        if (
            duration is not None
            and now is not None
            and started is not None
            and (now - started).total_seconds() > duration.limit
        ):
            outcome = st.PARTIAL if duration.on_limit == "partial" else st.BREAKOFF
            return SubmitResult(
                replace(state, status=outcome, outcome="max_duration", position=None)
            )
        elapsed = None
        if now is not None and page_start is not None:
            elapsed = (now - page_start).total_seconds()
        cursor = self._cursor_of(state, state.position)
        visible = self.visible_questions(state, cursor, state.answers)
        lang = state.language
        errors: list[FieldError] = []
        new_values: dict[str, Any] = {}
        for qp in visible:
            question = qp.question
            if not question.has_value:
                continue
            key = self.answer_key(question.id, cursor.item)
            limit = question.time_limit
            if limit is not None and elapsed is not None and elapsed > limit.limit:
                new_values[key] = special(TIMED_OUT)
                continue
            value = answers.get(question.id)
            if isinstance(question, Grid):
                rows, row_errors = validate_grid(self.q, question, value)
                errors.extend(self._grid_errors(state, cursor, question, row_errors))
                new_values[key] = rows
                continue
            clean, code = validate(self.q, question, value)
            if code is not None:
                errors.append(FieldError(question.id, code, message(code, lang)))
            new_values[key] = clean
        if errors:
            return SubmitResult(state, tuple(errors))
        # Calculates first, so that the page's checks see them with its answers.
        merged = self.calculated(state, {**state.answers, **new_values})
        resolve = self.resolver(state, merged, cursor)
        loop = self._block_at(state, cursor.block_pos).block.loop
        confirmed_now = set(confirmed)
        for qp in visible:
            if new_values.get(self.answer_key(qp.question.id, cursor.item)) == special(TIMED_OUT):
                continue
            for index, (check, node) in enumerate(zip(qp.question.checks, qp.checks, strict=True)):
                if truthy(node, resolve):
                    continue
                check_id = f"{qp.question.id}.checks[{index}]"
                if check.soft and check_id in confirmed_now:
                    continue
                errors.append(
                    FieldError(
                        qp.question.id,
                        CHECK,
                        render(check.message, self.plan, lang, loop, resolve),
                        check_id=check_id,
                        soft=check.soft,
                    )
                )
        if errors:
            hard = [e for e in errors if not e.soft]
            # Soft warnings only matter once nothing must be fixed.
            return SubmitResult(state, tuple(hard or errors))
        return SubmitResult(self._move_on(state, cursor, new_values, merged, now, confirmed_now))

    def _move_on(
        self,
        state: InterviewState,
        cursor: Cursor,
        new_values: dict[str, Any],
        merged: dict[str, Any],
        now: datetime | None,
        confirmed: set[str],
    ) -> InterviewState:
        position = state.position
        assert position is not None
        seconds = dict(state.page_seconds)
        page_start = parse_iso(state.page_started_at)
        if now is not None and page_start is not None:
            seconds[position] = seconds.get(position, 0.0) + (now - page_start).total_seconds()
        changed = any(state.answers.get(k, _MISSING) != v for k, v in new_values.items())
        known = sum(len(keys) for _, keys in state.history) + len(new_values)
        answers = merged
        asked = sum(1 for key in merged if key.partition("[")[0] not in self.calculations)
        pruned = changed and asked > known
        if pruned:
            # An earlier answer changed while later answers exist: keep only what is
            # still on the path.
            answers = self._on_path(state, merged)
        answers = self.calculated(state, answers)
        kind, nxt, outcome = self._after(state, cursor, answers)
        if pruned:
            history = self._history_until(state, answers, nxt)
        else:
            history = [*state.history, [position, list(new_values)]]
        new_state = replace(
            state,
            answers=answers,
            history=history,
            page_started_at=iso(now),
            page_seconds=seconds,
            confirmed_checks=sorted(set(state.confirmed_checks) | confirmed),
        )
        if kind == "page" and nxt is not None:
            return replace(new_state, position=self.page_key(state, nxt))
        status = st.SCREENED_OUT if kind == "screen_out" else st.COMPLETED
        return replace(new_state, position=None, status=status, outcome=outcome)

    def calculated(self, state: InterviewState, answers: dict[str, Any]) -> dict[str, Any]:
        """The answers with every calculate evaluated afresh, in questionnaire order (a
        later one may use an earlier); in a loop block once for each of its items (``id[2]``).
        One not shown by its conditions, or giving nothing, has no value."""
        result = {k: v for k, v in answers.items() if k.partition("[")[0] not in self.calculations}
        for qp in self.calculations.values():
            block = self.plan.blocks[qp.block]
            items: list[int | None] = [None]
            if block.block.loop is not None:
                items = list(self.loop_items(state, block, result))
            for item in items:
                cursor = None
                if item is not None:
                    cursor = Cursor(self._position_of_block(state, block.block.id), item, 0)
                resolve = self.resolver(state, result, cursor)
                if (block.show_if is None or truthy(block.show_if, resolve)) and (
                    qp.show_if is None or truthy(qp.show_if, resolve)
                ):
                    assert qp.expression is not None
                    value = evaluate_node(qp.expression, resolve)
                    if isinstance(value, bool):
                        value = int(value)  # data holds true and false as 1 and 0
                    if isinstance(value, str) or (
                        isinstance(value, int | float) and math.isfinite(value)
                    ):
                        result[self.answer_key(qp.question.id, item)] = value
        return result

    def _page_keys(self, cursor: Cursor, visible: list[QuestionPlan]) -> list[str]:
        return [
            self.answer_key(qp.question.id, cursor.item) for qp in visible if qp.question.has_value
        ]

    def _on_path(self, state: InterviewState, answers: dict[str, Any]) -> dict[str, Any]:
        """The answers to questions on the path those same answers give.

        Dropping an answer can change a later condition (which may have used it), so walk
        again until nothing more drops out; each round removes at least one answer.
        """
        while True:
            kept = {}
            for cursor, visible in self.walk(state, answers):
                for key in self._page_keys(cursor, visible):
                    if key in answers:
                        kept[key] = answers[key]
            if len(kept) == len(answers):
                return kept
            answers = kept

    def _history_until(
        self, state: InterviewState, answers: dict[str, Any], stop: Cursor | None
    ) -> list[list[Any]]:
        history: list[list[Any]] = []
        for cursor, visible in self.walk(state, answers):
            if cursor == stop:
                break
            history.append([self.page_key(state, cursor), self._page_keys(cursor, visible)])
        return history

    def back(self, state: InterviewState, now: datetime | None = None) -> InterviewState:
        """Return to the previous page on the path; its answers stay, to be shown again.

        A page that shows nothing now (its condition used an answer given after it) is
        passed over to the one before it.
        """
        _need_aware(now)
        if state.status in (st.BREAKOFF, st.PARTIAL):
            return state
        history = list(state.history)
        while history:
            previous, _ = history.pop()
            moved = replace(
                state,
                position=previous,
                history=list(history),
                status=st.ACTIVE,
                outcome=None,
                page_started_at=iso(now),
            )
            if self.visible_questions(moved, self._cursor_of(moved, previous), moved.answers):
                return moved
        return state

    def timed_out(self, state: InterviewState, now: datetime) -> bool:
        """Whether the whole interview has passed its ``max_duration`` at ``now``."""
        started = parse_iso(state.started_at)
        duration = self.q.max_duration
        return bool(duration and started and (now - started).total_seconds() > duration.limit)


_MISSING = object()
