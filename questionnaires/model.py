"""The immutable questionnaire model (pydantic 2, frozen, unknown keys refused)."""

from __future__ import annotations

import hashlib
import json
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from cati.problems import N_
from questionnaires.errors import ErrorCode, InvalidValue, QuestionnaireError, problem
from questionnaires.expressions import parse
from questionnaires.structure import Plan


def _invalid(template: str, **params: Any) -> InvalidValue:
    return InvalidValue(problem(ErrorCode.INVALID_VALUE, template, **params))


def _valid_expression(source: str) -> str:
    try:
        parse(source)
    except QuestionnaireError as exc:
        raise InvalidValue(exc.problem) from None
    return source


IDENTIFIER_PATTERN = r"^[A-Za-z][A-Za-z0-9_]{0,63}$"
Identifier = Annotated[str, Field(pattern=IDENTIFIER_PATTERN)]
LanguageCode = Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")]
Expr = Annotated[str, Field(min_length=1), AfterValidator(_valid_expression)]
# A plain string is the same in every language (brand names, numbers); a mapping gives
# one text per language code.
Text = Annotated[str, Field(min_length=1)] | dict[LanguageCode, Annotated[str, Field(min_length=1)]]
Seconds = Annotated[int, Field(gt=0, le=86_400)]
MODES = ("phone", "web")
# The keys whose values are texts (one string, or one per language; a wording per mode).
TEXT_KEYS = frozenset(
    {
        "title",
        "intro",
        "closing",
        "text",
        "instruction",
        "label",
        "message",
        "unit",
        "min_label",
        "max_label",
        "question",
        "answer",
    }
)


class Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class ModeText(Strict):
    """Wording that differs by mode: read out by the interviewer, or read by a respondent on
    the web. Neither key is a language code, so it never reads as a translations mapping."""

    phone: Text
    web: Text


# Intro, closing and question text may differ by mode; any other text is the same in both.
Wording = Text | ModeText


class Option(Strict):
    code: int = Field(ge=-999_999, le=999_999)
    label: Text
    anchor: bool = False  # keeps its place when the options are shuffled or rotated
    exclusive: bool = False  # multiple choice: cannot be combined with other options
    # The name an XLSForm gave the option (its value there); exports may write it as text.
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    show_if: Expr | None = None  # offered only when this holds (XLSForm choice_filter)


class GridItem(Strict):
    id: Identifier
    label: Text


class TimeLimit(Strict):
    warning: Seconds | None = None
    limit: Seconds

    @model_validator(mode="after")
    def _warning_before_limit(self) -> TimeLimit:
        if self.warning is not None and self.warning >= self.limit:
            raise _invalid(N_("warning must come before the limit"))
        return self


class Check(Strict):
    """``valid_if`` must hold; otherwise the message is shown (soft checks can be confirmed)."""

    valid_if: Expr
    message: Text
    soft: bool = False


class Rule(Strict):
    """After the question's page is answered: if the condition holds, jump or stop."""

    when: Expr | None = Field(default=None, alias="if")
    goto: Identifier | None = None
    screen_out: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,32}$")] | None = None
    end: bool = False

    @model_validator(mode="after")
    def _one_action(self) -> Rule:
        actions = [self.goto is not None, self.screen_out is not None, self.end]
        if sum(actions) != 1:
            raise _invalid(N_("a rule needs exactly one of goto, screen_out or end: true"))
        return self


class SpecialCodes(Strict):
    """Data codes written for answers that are not values (see ``answers.special_codes``)."""

    dont_know: int = 98
    refused: int = 99
    timed_out: int = 97


class QuestionBase(Strict):
    id: Identifier
    text: Wording
    instruction: Text | None = None  # for the interviewer only, never read out
    show_if: Expr | None = None
    page: Identifier | None = None  # consecutive questions with the same page show together
    required: bool = True
    dont_know: bool | None = None  # None: the questionnaire's default
    refused: bool | None = None
    checks: tuple[Check, ...] = ()
    routing: tuple[Rule, ...] = ()
    time_limit: TimeLimit | None = None
    variable: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    variable_label: Annotated[str, Field(min_length=1, max_length=256)] | None = None
    codes: SpecialCodes | None = None  # None: chosen outside the legal answers
    # An answer shown filled in, for the interviewer to confirm or change (XLSForm default).
    default: int | float | str | tuple[int, ...] | None = None

    @property
    def var_name(self) -> str:
        return self.variable or self.id

    @property
    def has_value(self) -> bool:
        return True


class ChoiceBase(QuestionBase):
    options: tuple[Option, ...] = Field(min_length=1)
    randomize: Literal["shuffle", "rotate"] | None = None
    read_out: bool = True  # whether the interviewer reads the options aloud


class SingleChoice(ChoiceBase):
    type: Literal["single"]


class MultipleChoice(ChoiceBase):
    type: Literal["multiple"]
    min_selected: int = Field(default=1, ge=0)
    max_selected: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _bounds(self) -> MultipleChoice:
        if self.max_selected is not None and self.max_selected < self.min_selected:
            raise _invalid(N_("max_selected is smaller than min_selected"))
        return self


class Numeric(QuestionBase):
    type: Literal["numeric"]
    decimals: int = Field(default=0, ge=0, le=6)  # 0: whole numbers only
    min: float | None = None
    max: float | None = None
    unit: Text | None = None

    @model_validator(mode="after")
    def _bounds(self) -> Numeric:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise _invalid(N_("min is greater than max"))
        return self


class OpenText(QuestionBase):
    type: Literal["text"]
    max_length: int = Field(default=1000, ge=1, le=100_000)


class Rating(QuestionBase):
    type: Literal["rating"]
    min: int = 0
    max: int = 10
    min_label: Text | None = None
    max_label: Text | None = None
    nps: bool = False  # Net Promoter Score: a 0–10 likelihood-to-recommend scale

    @model_validator(mode="after")
    def _scale(self) -> Rating:
        if self.max <= self.min or self.max - self.min > 100:
            raise _invalid(N_("a rating scale needs min < max and at most 101 points"))
        if self.nps and (self.min, self.max) != (0, 10):
            raise _invalid(N_("an NPS question is rated 0 to 10"))
        return self


class Grid(QuestionBase):
    type: Literal["grid"]
    items: tuple[GridItem, ...] = Field(min_length=1)
    scale: tuple[Option, ...] = Field(min_length=1)
    multiple: bool = False  # several scale points per row
    randomize_items: bool = False


class DateTime(QuestionBase):
    type: Literal["date"]
    kind: Literal["date", "time", "datetime"] = "date"


class Display(QuestionBase):
    type: Literal["display"]
    required: bool = False

    @property
    def has_value(self) -> bool:
        return False


class Calculate(QuestionBase):
    """A computed variable: never shown; after each page its ``expression`` is evaluated on
    the answers so far and stored as its answer (removed while it gives nothing); in a loop
    block once per item. The data holds it as a number when every value is one, else as
    text."""

    type: Literal["calculate"]
    text: Wording | None = None  # nothing is shown; the variable label, if given
    expression: Expr
    required: bool = False


AnyQuestion = (
    SingleChoice
    | MultipleChoice
    | Numeric
    | OpenText
    | Rating
    | Grid
    | DateTime
    | Display
    | Calculate
)

Question = Annotated[
    AnyQuestion,
    Field(discriminator="type"),
]


class Loop(Strict):
    """Repeat a block for each option chosen in a multiple question, or ``times`` times."""

    over: Identifier | None = None
    times: Annotated[int, Field(ge=1, le=100)] | Expr | None = None
    name: Identifier = Field(default="item", alias="as")
    exclude: tuple[int, ...] | None = None  # codes not looped over; default the exclusive ones
    max_times: int = Field(default=20, ge=1, le=100)  # cap for a count given as an expression

    @model_validator(mode="after")
    def _one_source(self) -> Loop:
        if (self.over is None) == (self.times is None):
            raise _invalid(N_("a loop needs exactly one of over or times"))
        return self


class Block(Strict):
    id: Identifier
    title: Text | None = None
    show_if: Expr | None = None
    loop: Loop | None = None
    questions: tuple[Question, ...] = Field(min_length=1)


class MaxDuration(Strict):
    warning: Seconds | None = None
    limit: Seconds
    on_limit: Literal["breakoff", "partial"] = "breakoff"


class SupportItem(Strict):
    question: Text
    answer: Text


class SampleVariable(Strict):
    type: Literal["number", "text"]
    label: str | None = None


class Questionnaire(Strict):
    id: Identifier
    version: Annotated[str, Field(min_length=1, max_length=40)]
    title: Text
    languages: tuple[LanguageCode, ...] = Field(default=("en",), min_length=1)
    default_language: LanguageCode | None = None
    intro: Wording | None = None
    closing: Wording | None = None
    support: tuple[SupportItem, ...] = ()
    max_duration: MaxDuration | None = None
    sample_variables: dict[Identifier, SampleVariable] = Field(default_factory=dict)
    dont_know: bool = True  # offer the interviewer-only Don't know code by default
    refused: bool = True
    codes: SpecialCodes = SpecialCodes()
    randomize_blocks: tuple[tuple[Identifier, ...], ...] = ()
    blocks: tuple[Block, ...] = ()
    questions: tuple[Question, ...] = ()  # shorthand for a single block

    @model_validator(mode="after")
    def _shape(self) -> Questionnaire:
        if bool(self.blocks) == bool(self.questions):
            raise _invalid(N_("give either blocks or questions (not both, not neither)"))
        if self.default_language is not None and self.default_language not in self.languages:
            raise _invalid(
                N_("default_language %(language)r is not in languages"),
                language=self.default_language,
            )
        return self

    @property
    def language(self) -> str:
        return self.default_language or self.languages[0]

    @cached_property
    def all_blocks(self) -> tuple[Block, ...]:
        if self.blocks:
            return self.blocks
        return (Block(id="main", questions=self.questions),)

    @cached_property
    def plan(self) -> Plan:
        """The questionnaire laid out for running, built once."""
        return Plan(self)

    def fingerprint(self) -> str:
        """A digest of the content: two questionnaires with the same one are the same version."""
        data = self.model_dump(mode="json", by_alias=True, exclude_defaults=True)
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def in_mode(text: Any, mode: str = "phone") -> Any:
    """The wording for ``mode`` ("phone" or "web") of a text that may differ by mode."""
    return getattr(text, mode) if isinstance(text, ModeText) else text


def mode_variants(text: Any) -> list[tuple[str, Any]]:
    """(mode, text) for each wording of a text: both modes of a ModeText, else ("", text)."""
    if isinstance(text, ModeText):
        return [(mode, getattr(text, mode)) for mode in MODES]
    return [("", text)]


def text_in(text: Any, language: str, fallback: str, mode: str = "phone") -> str:
    """The text in ``language`` (else ``fallback``, else any); plain strings are shared. A
    text that differs by mode gives its ``mode`` wording (the phone script by default)."""
    text = in_mode(text, mode)
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    return text.get(language) or text.get(fallback) or next(iter(text.values()), "")
