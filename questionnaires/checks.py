"""Static checks of a questionnaire: everything that can be wrong before fieldwork starts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cati.problems import N_, Problem
from questionnaires.answers import (
    DONT_KNOW,
    REFUSED,
    TIMED_OUT,
    data_codes,
    is_legal,
    legal_bounds,
    validate,
)
from questionnaires.errors import ErrorCode, QuestionnaireError, placed, problem
from questionnaires.evaluate import evaluate
from questionnaires.expressions import (
    Binary,
    Call,
    Index,
    ListExpr,
    Literal,
    Member,
    Name,
    Node,
    Unary,
    names_in,
    parse,
    root_name,
)
from questionnaires.model import (
    MODES,
    TEXT_KEYS,
    AnyQuestion,
    Calculate,
    DateTime,
    Display,
    Grid,
    MultipleChoice,
    Numeric,
    OpenText,
    Questionnaire,
    Rating,
    SingleChoice,
    mode_variants,
)
from questionnaires.piping import segments
from questionnaires.structure import BlockPlan, QuestionPlan
from questionnaires.variables import variable_problems

# Types of expression values, for the type checks.
NUMBER, TEXT, BOOL, CODES, LIST, NULL, ANY = (
    "number",
    "text",
    "bool",
    "codes",
    "list",
    "null",
    "any",
)
# What the XPath functions of expressions.FUNCTIONS give (their arguments are any value).
RESULT_TYPES = {
    **dict.fromkeys(
        ("string_length", "int", "round", "number", "sqrt", "pow", "abs", "floor", "ceiling"),
        NUMBER,
    ),
    **dict.fromkeys(("min", "max", "pi", "atan2", "sin", "cos", "tan", "asin", "acos"), NUMBER),
    **dict.fromkeys(("atan", "exp", "log", "log10"), NUMBER),
    **dict.fromkeys(("regex", "contains", "starts_with", "ends_with"), BOOL),
    **dict.fromkeys(("today", "now", "concat", "string", "substr", "format_date", "date"), TEXT),
    **dict.fromkeys(("if", "coalesce", "lookup"), ANY),
}
_ANSWER_TYPES: dict[type, str] = {
    SingleChoice: NUMBER,
    MultipleChoice: CODES,
    Numeric: NUMBER,
    Rating: NUMBER,
    OpenText: TEXT,
    DateTime: TEXT,
    Calculate: ANY,  # a number or a text, whatever its expression gives
}


class _TypeProblem(Exception):
    def __init__(self, code: ErrorCode, template: str, **params: Any) -> None:
        self.code = code
        self.template = template
        self.params = params


@dataclass
class _Scope:
    """Where an expression is written: which block (for loop items) and which question."""

    block: BlockPlan | None
    order: int  # declaration position of the question it belongs to (for forward references)
    own_question: str | None


class Checker:
    def __init__(self, questionnaire: Questionnaire, file: str | None = None) -> None:
        self.q = questionnaire
        self.plan = questionnaire.plan
        self.block_of_order = {qp.order: qp.block for qp in self.plan.questions.values()}
        self.file = file
        self.problems: list[Problem] = []

    # --- reporting ---------------------------------------------------------------------

    def report(
        self, code: ErrorCode, template: str, path: str, severity: str = "error", **params: Any
    ) -> None:
        self.problems.append(
            problem(code, template, path=path, file=self.file, severity=severity, **params)
        )

    # --- entry point -------------------------------------------------------------------

    def run(self) -> list[Problem]:
        self.check_ids()
        self.check_languages()
        self.check_blocks()
        for qp in self.plan.questions.values():
            self.check_question(qp)
        self.check_reachability()
        self.problems.extend(placed(p, file=self.file) for p in variable_problems(self.q))
        return self.problems

    # --- ids ---------------------------------------------------------------------------

    def check_ids(self) -> None:
        seen_questions: set[str] = set()
        seen_blocks: set[str] = set()
        for block in self.plan.blocks:
            if block.block.id in seen_blocks:
                self.report(
                    ErrorCode.DUPLICATE_ID,
                    N_("block id %(id)r is used twice"),
                    f"{block.path}.id",
                    id=block.block.id,
                )
            seen_blocks.add(block.block.id)
            for index, question in enumerate(block.block.questions):
                q_path = f"{block.path}.questions[{index}]" if block.path else f"questions[{index}]"
                if question.id in seen_questions:
                    self.report(
                        ErrorCode.DUPLICATE_ID,
                        N_("question id %(id)r is used twice"),
                        f"{q_path}.id",
                        id=question.id,
                    )
                seen_questions.add(question.id)
                if question.id == "sample" or any(
                    b.loop is not None and b.loop.name == question.id for b in self.q.all_blocks
                ):
                    self.report(
                        ErrorCode.DUPLICATE_ID,
                        N_("question id %(id)r is a reserved or loop name"),
                        f"{q_path}.id",
                        id=question.id,
                    )
                for field in ("options", "scale"):
                    codes = [o.code for o in getattr(question, field, ())]
                    for dup in sorted({c for c in codes if codes.count(c) > 1}):
                        self.report(
                            ErrorCode.DUPLICATE_ID,
                            N_("option code %(option)s is used twice"),
                            f"{q_path}.{field}",
                            option=dup,
                        )
                self.check_special_codes(question, q_path)
                if isinstance(question, Grid):
                    ids = [i.id for i in question.items]
                    for dup in sorted({i for i in ids if ids.count(i) > 1}):
                        self.report(
                            ErrorCode.DUPLICATE_ID,
                            N_("grid item %(id)r is used twice"),
                            f"{q_path}.items",
                            id=dup,
                        )

    def check_special_codes(self, question: AnyQuestion, path: str) -> None:
        """The data code of don't know, refused or timed out must not be a legal answer: an
        option code or a number inside the question's range."""
        codes = data_codes(self.q, question)
        messages = {  # one per kind, so that each translates
            DONT_KNOW: N_(
                "option code %(option)s is also the data code for don't know (see codes:)"
            ),
            REFUSED: N_("option code %(option)s is also the data code for refused (see codes:)"),
            TIMED_OUT: N_(
                "option code %(option)s is also the data code for timed out (see codes:)"
            ),
        }
        for field in ("options", "scale"):
            for index, option in enumerate(getattr(question, field, ())):
                for kind, code in codes.items():
                    if option.code == code:
                        self.report(
                            ErrorCode.DUPLICATE_ID,
                            messages[kind],
                            f"{path}.{field}[{index}].code",
                            option=option.code,
                        )
        if not codes or not isinstance(question, Numeric | Rating):
            return
        low, high = legal_bounds(question)
        if low is None and high is None:
            self.report(
                ErrorCode.SPECIAL_CODE,
                N_(
                    "question %(id)s has no min or max, so an answer of %(codes)s cannot be "
                    "told from don't know or refused in the data files; give it min, max "
                    "or codes:"
                ),
                path,
                severity="warning",
                id=question.id,
                codes=", ".join(str(c) for c in sorted(codes.values())),
            )
            return
        for code in sorted(set(codes.values())):
            if is_legal(question, code):
                self.report(
                    ErrorCode.SPECIAL_CODE,
                    N_(
                        "the data code %(value)s of don't know, refused or timed out is a legal "
                        "answer of question %(id)s (%(low)s to %(high)s); choose codes: "
                        "outside its range"
                    ),
                    f"{path}.codes" if question.codes is not None else "codes",
                    value=code,
                    id=question.id,
                    low="…" if low is None else f"{low:g}",
                    high="…" if high is None else f"{high:g}",
                )

    # --- translations ------------------------------------------------------------------

    def check_languages(self) -> None:
        data = self.q.model_dump(by_alias=True, exclude_defaults=True)
        languages = set(self.q.languages)

        def check_text(text: dict[str, Any], path: str) -> None:
            if set(text) == set(MODES):  # phone and web wordings, each translated
                for mode, wording in text.items():
                    if isinstance(wording, dict):
                        check_text(wording, f"{path}.{mode}")
                return
            missing = sorted(languages - set(text))
            extra = sorted(set(text) - languages)
            if missing:
                self.report(
                    ErrorCode.MISSING_TRANSLATION,
                    N_("no text in %(languages)s"),
                    path,
                    languages=", ".join(missing),
                )
            if extra:
                self.report(
                    ErrorCode.MISSING_TRANSLATION,
                    N_("text in undeclared language %(languages)s"),
                    path,
                    "warning",
                    languages=", ".join(extra),
                )

        def walk(value: Any, path: str) -> None:
            if isinstance(value, dict):
                for key, child in value.items():
                    child_path = f"{path}.{key}" if path else key
                    if key in TEXT_KEYS and isinstance(child, dict):
                        check_text(child, child_path)
                    elif key != "sample_variables":
                        walk(child, child_path)
            elif isinstance(value, list | tuple):
                for index, child in enumerate(value):
                    walk(child, f"{path}[{index}]")

        walk(data, "")

    # --- blocks, loops and block randomization -----------------------------------------

    def check_blocks(self) -> None:
        for block in self.plan.blocks:
            scope = _Scope(block if block.block.loop else None, self._first_order(block), None)
            if block.block.show_if:
                self.check_expression(
                    block.block.show_if,
                    f"{block.path}.show_if",
                    _Scope(scope.block, scope.order, None),
                    BOOL,
                )
            loop = block.block.loop
            if loop is None:
                continue
            if loop.over is not None:
                source = self.plan.questions.get(loop.over)
                if source is None:
                    self.report(
                        ErrorCode.LOOP_SOURCE,
                        N_("loop over unknown question %(question)r"),
                        f"{block.path}.loop.over",
                        question=loop.over,
                    )
                elif not isinstance(source.question, MultipleChoice):
                    self.report(
                        ErrorCode.LOOP_SOURCE,
                        N_("a loop goes over a multiple-choice question; %(question)r is %(type)s"),
                        f"{block.path}.loop.over",
                        question=loop.over,
                        type=source.question.type,
                    )
                elif source.block >= block.index:
                    self.report(
                        ErrorCode.LOOP_SOURCE,
                        N_("the loop's question %(question)r must come in an earlier block"),
                        f"{block.path}.loop.over",
                        question=loop.over,
                    )
            elif isinstance(loop.times, str):
                self.check_expression(
                    loop.times,
                    f"{block.path}.loop.times",
                    _Scope(None, self._first_order(block), None),
                    NUMBER,
                )
        all_ids = [b.block.id for b in self.plan.blocks]
        used: set[str] = set()
        for g_index, group in enumerate(self.q.randomize_blocks):
            path = f"randomize_blocks[{g_index}]"
            unknown = [b for b in group if b not in all_ids]
            if unknown:
                self.report(
                    ErrorCode.RANDOMIZE_GROUP,
                    N_("unknown block(s) %(blocks)s"),
                    path,
                    blocks=unknown,
                )
                continue
            if used & set(group) or len(set(group)) != len(group):
                self.report(
                    ErrorCode.RANDOMIZE_GROUP, N_("a block is in more than one group"), path
                )
            used |= set(group)
            positions = sorted(all_ids.index(b) for b in group)
            if positions != list(range(positions[0], positions[0] + len(positions))):
                self.report(
                    ErrorCode.RANDOMIZE_GROUP,
                    N_("blocks randomized together must follow each other"),
                    path,
                )

    def _first_order(self, block: BlockPlan) -> int:
        return self.plan.questions[block.block.questions[0].id].order

    # --- one question ------------------------------------------------------------------

    def check_question(self, qp: QuestionPlan) -> None:
        question = qp.question
        block = self.plan.blocks[qp.block]
        scope = _Scope(block if block.block.loop else None, qp.order, question.id)
        if question.show_if:
            self.check_expression(
                question.show_if, f"{qp.path}.show_if", _Scope(scope.block, qp.order, None), BOOL
            )
            self.check_same_page(qp)
        for index, check in enumerate(question.checks):
            self.check_expression(
                check.valid_if, f"{qp.path}.checks[{index}].valid_if", scope, BOOL
            )
        if isinstance(question, Calculate):
            self.check_calculate(qp, question)
        default = getattr(question, "default", None)
        if default is not None and not isinstance(question, Grid | Display | Calculate):
            given = list(default) if isinstance(default, tuple) else default
            if validate(self.q, question, given)[1] is not None:
                self.report(
                    ErrorCode.INVALID_VALUE,
                    N_("the default %(value)r is not an answer this question takes"),
                    f"{qp.path}.default",
                    value=default,
                )
        for index, option in enumerate(getattr(question, "options", ())):
            if option.show_if:  # offered on earlier answers, as a question is shown
                self.check_expression(
                    option.show_if,
                    f"{qp.path}.options[{index}].show_if",
                    _Scope(scope.block, qp.order, None),
                    BOOL,
                )
        for index, rule in enumerate(question.routing):
            path = f"{qp.path}.routing[{index}]"
            if rule.when is not None:
                self.check_expression(rule.when, f"{path}.if", scope, BOOL)
            if rule.goto is not None:
                self.check_goto(qp, rule.goto, f"{path}.goto")
        if (
            isinstance(question, MultipleChoice)
            and question.max_selected is not None
            and (question.max_selected > len(question.options))
        ):
            self.report(
                ErrorCode.INVALID_VALUE,
                N_("max_selected is more than the options"),
                f"{qp.path}.max_selected",
                "warning",
            )
        self.check_piping(qp, scope)

    def check_calculate(self, qp: QuestionPlan, question: Calculate) -> None:
        # Evaluated again after every page, so it may use questions asked after it; in a
        # loop block once per item, seeing that item's answers.
        block = self.plan.blocks[qp.block]
        after_all = _Scope(block if block.block.loop else None, len(self.plan.questions), None)
        self.check_expression(question.expression, f"{qp.path}.expression", after_all, None)

    def check_same_page(self, qp: QuestionPlan) -> None:
        for reference in names_in(parse(qp.question.show_if or "true")):
            other = self.plan.questions.get(root_name(reference))
            if other is qp:
                self.report(
                    ErrorCode.TYPE_ERROR,
                    N_("a question's show_if cannot depend on its own answer"),
                    f"{qp.path}.show_if",
                )
            elif other is not None and (other.block, other.page) == (qp.block, qp.page):
                self.report(
                    ErrorCode.UNDEFINED_NAME,
                    N_(
                        "%(question)r is on the same page, so this condition sees its "
                        "answer only when the page is shown again; put them on separate pages"
                    ),
                    f"{qp.path}.show_if",
                    "warning",
                    question=other.question.id,
                )

    def check_goto(self, qp: QuestionPlan, target_id: str, path: str) -> None:
        target = self.plan.questions.get(target_id)
        if target is None:
            self.report(
                ErrorCode.GOTO_TARGET,
                N_("go-to an unknown question %(target)r"),
                path,
                target=target_id,
            )
            return
        if (target.block, target.page) == (qp.block, qp.page):
            self.report(
                ErrorCode.GOTO_CYCLE,
                N_("go-to %(target)r stays on the same page, which would show it again"),
                path,
                target=target_id,
            )
            return
        if target.order <= qp.order:
            self.report(
                ErrorCode.GOTO_CYCLE,
                N_(
                    "go-to %(target)r goes backwards and would make a cycle; "
                    "routing only jumps forward"
                ),
                path,
                target=target_id,
            )
            return
        target_block = self.plan.blocks[target.block]
        if target.block != qp.block:
            if target_block.block.loop is not None:
                self.report(
                    ErrorCode.GOTO_TARGET,
                    N_("go-to %(target)r jumps into the middle of a loop"),
                    path,
                    target=target_id,
                )
            randomized = {b for group in self.q.randomize_blocks for b in group}
            own = self.plan.blocks[qp.block].block.id
            if own in randomized or target_block.block.id in randomized:
                self.report(
                    ErrorCode.GOTO_TARGET,
                    N_("go-to cannot leave or enter a block whose order is randomized"),
                    path,
                )

    def check_piping(self, qp: QuestionPlan, scope: _Scope) -> None:
        question = qp.question
        texts: list[tuple[str, Any]] = [
            (f"text.{mode}" if mode else "text", wording)
            for mode, wording in mode_variants(question.text)
        ]
        texts.append(("instruction", question.instruction))
        for field in ("options", "scale", "items"):
            for index, option in enumerate(getattr(question, field, ())):
                texts.append((f"{field}[{index}].label", option.label))
        for index, check in enumerate(question.checks):
            texts.append((f"checks[{index}].message", check.message))
        for where, text in texts:
            if text is None:
                continue
            variants = text.items() if isinstance(text, dict) else [("", text)]
            for language, variant in variants:
                path = f"{qp.path}.{where}" + (f".{language}" if language else "")
                if "{" not in variant:
                    continue
                try:
                    parts = segments(variant)
                except QuestionnaireError as exc:
                    syntax = ErrorCode.EXPRESSION_SYNTAX
                    self.problems.append(placed(exc.problem, syntax, path=path, file=self.file))
                    continue
                for part in parts:
                    if not isinstance(part, str):
                        self.check_node(part, path, scope, None)

    # --- expressions -------------------------------------------------------------------

    def check_expression(self, source: str, path: str, scope: _Scope, want: str | None) -> None:
        self.check_node(parse(source), path, scope, want)

    def check_node(self, node: Node, path: str, scope: _Scope, want: str | None) -> None:
        for reference in names_in(node):
            self._check_order(reference, path, scope)
        try:
            found = self.infer(node, scope)
        except _TypeProblem as refused:
            self.report(refused.code, refused.template, path, **refused.params)
            return
        if want == NUMBER and found not in (NUMBER, ANY, NULL):
            self.report(
                ErrorCode.TYPE_ERROR, N_("expected a number, got %(type)s"), path, type=found
            )

    def _check_order(self, reference: Node, path: str, scope: _Scope) -> None:
        root = reference
        while isinstance(root, Member | Index):
            root = root.obj
        assert isinstance(root, Name)
        target = self.plan.questions.get(root.name)
        if target is None:
            return
        if (
            isinstance(reference, Index)
            and scope.block is not None
            and target.block == scope.block.index
        ):
            return  # a round of its own loop (`more[2]` in the loop's times): asked by then
        own_block = self.block_of_order.get(scope.order, -1)
        if target.block != own_block and self._shuffled_together(target.block, own_block):
            self.report(
                ErrorCode.UNDEFINED_NAME,
                N_(
                    "%(name)r is in a block asked in random order with this one, so it may "
                    "have no answer yet"
                ),
                path,
                "warning",
                name=root.name,
            )
        elif target.order > scope.order:
            self.report(
                ErrorCode.UNDEFINED_NAME,
                N_("%(name)r is asked later, so it has no answer here"),
                path,
                "warning",
                name=root.name,
            )

    def _shuffled_together(self, first: int, second: int) -> bool:
        ids = {self.plan.blocks[first].block.id, self.plan.blocks[second].block.id}
        return any(ids <= set(group) for group in self.q.randomize_blocks)

    def infer(self, node: Node, scope: _Scope) -> str:
        if isinstance(node, Literal):
            value = node.value
            if value is None:
                return NULL
            if isinstance(value, bool):
                return BOOL
            return TEXT if isinstance(value, str) else NUMBER
        if isinstance(node, Name | Member | Index):
            return self.reference_type(node, scope)
        if isinstance(node, ListExpr):
            for item in node.items:
                self.infer(item, scope)
            return LIST
        if isinstance(node, Unary):
            operand = self.infer(node.operand, scope)
            if node.op == "-" and operand not in (NUMBER, ANY, NULL):
                raise _TypeProblem(
                    ErrorCode.TYPE_ERROR, N_("cannot negate a %(type)s"), type=operand
                )
            return BOOL if node.op == "not" else NUMBER
        if isinstance(node, Call):
            return self.call_type(node, scope)
        assert isinstance(node, Binary)
        left = self.infer(node.left, scope)
        right = self.infer(node.right, scope)
        op = node.op
        if op in ("and", "or"):
            return BOOL
        if op in ("in", "not in"):
            if right not in (LIST, CODES, ANY):
                raise _TypeProblem(
                    ErrorCode.TYPE_ERROR,
                    N_("'%(op)s' needs a list or a multiple-choice answer, not a %(type)s"),
                    op=op,
                    type=right,
                )
            return BOOL
        if op in ("+", "-", "*", "/", "%"):
            if op == "+" and left == right == TEXT:
                return TEXT
            for side in (left, right):
                if side not in (NUMBER, ANY, NULL):
                    raise _TypeProblem(
                        ErrorCode.TYPE_ERROR,
                        N_("cannot use '%(op)s' on a %(type)s"),
                        op=op,
                        type=side,
                    )
            return NUMBER
        self.comparable(op, left, right)
        return BOOL

    @staticmethod
    def comparable(op: str, left: str, right: str) -> None:
        if ANY in (left, right) or (NULL in (left, right) and op in ("=", "!=")):
            return
        if CODES in (left, right):
            raise _TypeProblem(
                ErrorCode.TYPE_ERROR,
                N_("a multiple-choice answer is a set of codes; use selected() or in"),
            )
        if op in ("=", "!=") and BOOL in (left, right) and left == right:
            return
        if left != right or left not in (NUMBER, TEXT):
            raise _TypeProblem(
                ErrorCode.TYPE_ERROR,
                N_("cannot compare a %(left)s with a %(right)s"),
                left=left,
                right=right,
            )

    def call_type(self, node: Call, scope: _Scope) -> str:
        args = [self.infer(arg, scope) for arg in node.args]
        if node.func == "between":
            for arg in args:
                if arg not in (NUMBER, ANY, NULL):
                    raise _TypeProblem(
                        ErrorCode.TYPE_ERROR, N_("between() needs numbers, not %(type)s"), type=arg
                    )
            return BOOL
        if node.func == "count_selected":
            if args[0] not in (CODES, ANY):
                raise _TypeProblem(
                    ErrorCode.TYPE_ERROR, N_("count_selected() needs a multiple-choice question")
                )
            return NUMBER
        if node.func == "selected":
            if args[0] not in (CODES, NUMBER, ANY):
                raise _TypeProblem(ErrorCode.TYPE_ERROR, N_("selected() needs a choice question"))
            if args[1] not in (NUMBER, ANY):
                raise _TypeProblem(ErrorCode.TYPE_ERROR, N_("selected() needs an option code"))
            return BOOL
        if node.func in RESULT_TYPES:
            return RESULT_TYPES[node.func]
        return BOOL  # answered, dk, refused, timed_out

    def reference_type(self, node: Node, scope: _Scope) -> str:
        chain: list[Node] = []
        root = node
        while isinstance(root, Member | Index):
            chain.append(root)
            root = root.obj
        assert isinstance(root, Name)
        chain.reverse()
        name = root.name
        if name == "sample":
            if not chain or not isinstance(chain[0], Member) or len(chain) > 1:
                raise _TypeProblem(ErrorCode.UNDEFINED_NAME, N_("write sample.<variable>"))
            variable = self.q.sample_variables.get(chain[0].attr)
            if variable is None:
                raise _TypeProblem(
                    ErrorCode.UNDEFINED_NAME,
                    N_("sample variable %(name)r is not declared in sample_variables"),
                    name=chain[0].attr,
                )
            return variable.type
        loop = scope.block.block.loop if scope.block is not None else None
        if loop is not None and name == loop.name:
            if chain:
                raise _TypeProblem(
                    ErrorCode.TYPE_ERROR, N_("the loop item %(name)r has no parts"), name=name
                )
            return NUMBER
        qp = self.plan.questions.get(name)
        if qp is None:
            raise _TypeProblem(
                ErrorCode.UNDEFINED_NAME,
                N_("%(name)r is not a question, loop item or sample variable"),
                name=name,
            )
        question: AnyQuestion = qp.question
        if self.plan.blocks[qp.block].block.loop is not None:
            if chain and isinstance(chain[0], Index):
                if self.infer(chain[0].index, scope) not in (NUMBER, ANY):
                    raise _TypeProblem(
                        ErrorCode.TYPE_ERROR, N_("a loop answer is indexed by a code")
                    )
                chain = chain[1:]
            elif scope.block is None or scope.block.index != qp.block:
                raise _TypeProblem(
                    ErrorCode.TYPE_ERROR,
                    N_("'%(name)s' is asked in a loop; write %(name)s[item code]"),
                    name=name,
                )
        if isinstance(question, Display):
            raise _TypeProblem(
                ErrorCode.TYPE_ERROR, N_("%(name)r displays text and has no answer"), name=name
            )
        if isinstance(question, Grid):
            if not chain or not isinstance(chain[0], Member) or len(chain) > 1:
                raise _TypeProblem(
                    ErrorCode.TYPE_ERROR,
                    N_("'%(name)s' is a grid; write %(name)s.<row>"),
                    name=name,
                )
            if chain[0].attr not in {i.id for i in question.items}:
                raise _TypeProblem(
                    ErrorCode.UNDEFINED_NAME,
                    N_("grid %(name)r has no row %(row)r"),
                    name=name,
                    row=chain[0].attr,
                )
            return CODES if question.multiple else NUMBER
        if chain:
            raise _TypeProblem(
                ErrorCode.TYPE_ERROR, N_("%(name)r has no parts to select"), name=name
            )
        return _ANSWER_TYPES[type(question)]

    # --- reachability ------------------------------------------------------------------

    def check_reachability(self) -> None:
        ordered = sorted(self.plan.questions.values(), key=lambda qp: qp.order)
        if not ordered:
            return
        never_shown = {qp.question.id for qp in ordered if _constant_false(qp.question.show_if)}
        for block in self.plan.blocks:
            if _constant_false(block.block.show_if):
                never_shown |= {q.id for q in block.block.questions}
        reachable = {ordered[0].question.id}
        for index, qp in enumerate(ordered):
            if qp.question.id not in reachable:
                continue
            falls_through = True
            if qp.question.id in never_shown:  # skipped over: its rules never run
                if index + 1 < len(ordered):
                    reachable.add(ordered[index + 1].question.id)
                continue
            for rule in qp.question.routing:
                if _constant_false(rule.when):
                    continue
                if rule.goto is not None:
                    reachable.add(rule.goto)
                if rule.when is None or _constant_true(rule.when):
                    falls_through = False
                    break
            if falls_through and index + 1 < len(ordered):
                reachable.add(ordered[index + 1].question.id)
        for qp in ordered:
            if qp.question.id not in reachable or qp.question.id in never_shown:
                self.report(
                    ErrorCode.UNREACHABLE,
                    N_("question %(id)r can never be asked"),
                    qp.path,
                    id=qp.question.id,
                )


def _constant(source: str | None) -> Any:
    if source is None:
        return None
    node = parse(source)
    if names_in(node):
        return None
    return evaluate(node, lambda path: None)


def _constant_false(source: str | None) -> bool:
    return source is not None and _constant(source) is not None and not _constant(source)


def _constant_true(source: str | None) -> bool:
    return source is not None and bool(_constant(source))


def check(questionnaire: Questionnaire, file: str | None = None) -> list[Problem]:
    """Every problem found, errors and warnings, each with its place (lines added by the
    loader, which knows them)."""
    return Checker(questionnaire, file).run()
