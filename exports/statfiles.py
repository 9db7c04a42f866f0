"""SPSS ``.sav`` and Stata ``.dta`` files with variable labels, value labels and missing values.

With the questionnaire, each question variable gets what its question type says
(``kind_of``): codes (single choice, rating, grid, the 0/1 of a multiple choice) are whole
numbers with value labels; numbers keep the question's decimals; dates, times and datetimes
are the packages' own date types.

SPSS keeps the special codes (97, 98, 99) as data and declares them user-missing (at most
three discrete values per variable, SPSS's own limit). Stata has no user-missing codes but
extended missing values: Don't know is ``.d``, Refused ``.r``, Timed out ``.t`` (without the
questionnaire, ``.a``, ``.b``… in code order), labelled where the variable has value labels.

A date or text variable cannot hold a numeric code (and readstat's long-string missing
values do not read in PSPP), so its special answers go to a companion variable
``<name>_sp`` right after it: blank for an answer, else the labelled, declared-missing code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from string import ascii_lowercase

import numpy as np
import pandas as pd
import pyreadstat

from exports.columns import COMPANION, ColumnLike, kind_of, shorten, without_placeholders
from exports.spss_mrsets import MrSet, add_mr_sets
from questionnaires import DONT_KNOW, REFUSED, TIMED_OUT
from questionnaires.answers import data_codes
from questionnaires.model import AnyQuestion, Questionnaire
from questionnaires.variables import SPECIAL_LABELS, special_labels_in

SPSS_MAX_MISSING = 3
STATA_MAX_LABEL = 80  # Stata variable labels are at most 80 characters
STATA_MAX_STRING = 2045  # longer text needs strL, which pyreadstat does not write
STATA_MAX_NAME = 32
STATA_RELEASES = {118: 14, 119: 15}  # file release → pyreadstat's `version`
STATA_LETTERS = {DONT_KNOW: "d", REFUSED: "r", TIMED_OUT: "t"}
DATE_FORMATS = {"date": "DATE11", "time": "TIME8", "datetime": "DATETIME20"}
MEASURES = {"code": "nominal", "ordinal": "ordinal", "number": "scale", "text": "nominal"}
MEASURES |= dict.fromkeys(DATE_FORMATS, "scale")


@dataclass(frozen=True)
class _Column:
    """One variable as the statistics packages get it."""

    name: str
    source: str  # the frame's column it is made of
    label: str
    kind: str  # code, ordinal, number, text, date, time, datetime
    decimals: int | None  # None: as the data has them (paradata)
    value_labels: dict[int, str]
    missing: dict[int, str]  # code → special kind ("" when the kind is not known)
    companion: bool = False  # holds the special answers of its text or date source
    has_companion: bool = False  # a text or date answer whose special codes are elsewhere


def _special(column: ColumnLike, questionnaire: Questionnaire | None) -> dict[int, str]:
    question = _question(column, questionnaire)
    if question is None:
        return dict.fromkeys(column.missing, "")
    return {code: kind for kind, code in data_codes(questionnaire, question).items()}


def _question(column: ColumnLike, questionnaire: Questionnaire | None) -> AnyQuestion | None:
    if questionnaire is None or column.question_id is None:
        return None
    plan = questionnaire.plan.questions.get(column.question_id)
    return plan.question if plan is not None else None


SPECIAL_ANSWER = {"en": "{label} (special answer)", "es": "{label} (respuesta especial)"}


def _columns(
    frame: pd.DataFrame,
    columns: Sequence[ColumnLike],
    questionnaire: Questionnaire | None,
    language: str,
) -> list[_Column]:
    result = []
    built_in = special_labels_in(language)
    taken = {c.name for c in columns}
    for c in columns:
        kind, decimals = kind_of(c, questionnaire, frame[c.name])
        label = without_placeholders(c.label, questionnaire)
        labels = {k: without_placeholders(v, questionnaire) for k, v in c.value_labels.items()}
        special = _special(c, questionnaire)
        for code, special_kind in special.items():
            if special_kind in built_in:
                labels.setdefault(code, built_in[special_kind])
        if kind in ("text", *DATE_FORMATS):
            has_companion = bool(special) and c.source == "question"
            result.append(_Column(c.name, c.name, label, kind, 0, {}, {}, False, has_companion))
            if has_companion:
                name = _free(c.name + COMPANION, taken)
                specials = {code: built_in.get(k, str(code)) for code, k in special.items()}
                about = SPECIAL_ANSWER.get(language, SPECIAL_ANSWER["en"]).format(label=label)
                result.append(_Column(name, c.name, about, "code", 0, specials, special, True))
            continue
        result.append(_Column(c.name, c.name, label, kind, decimals, labels, special))
    return result


def _free(name: str, taken: set[str]) -> str:
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name}{n}"
    taken.add(candidate)
    return candidate


def _is_special(value: object) -> bool:
    return isinstance(value, int | float | np.number) and not isinstance(value, bool)


def _moments(series: pd.Series) -> pd.Series:
    """Answers and timestamps as naive UTC datetime64 (NaT for special codes); vectorized,
    since a data set may have 100,000 rows."""
    if not pd.api.types.is_datetime64_any_dtype(series):
        answers = series.where(series.map(lambda v: isinstance(v, str | datetime)))
        series = pd.to_datetime(answers, format="ISO8601", errors="coerce", utc=True)
    if series.dt.tz is not None:
        series = series.dt.tz_convert("UTC").dt.tz_localize(None)
    return series


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def _values(frame: pd.DataFrame, column: _Column) -> pd.Series:
    series = frame[column.source]
    if column.companion:
        return series.map(lambda v: float(v) if _is_special(v) else np.nan)
    if column.kind == "time":  # SPSS times are seconds since midnight
        answers = series.where(series.map(lambda v: isinstance(v, str)))
        return pd.to_timedelta(answers, errors="coerce").dt.total_seconds()
    if column.kind in DATE_FORMATS:  # SPSS dates are datetimes shown as a date
        return _moments(series)
    if column.kind == "text" and column.has_companion:
        return series.map(lambda v: "" if _is_special(v) else _text(v))
    if column.kind == "text":
        return series.map(_text)
    return pd.to_numeric(series, errors="coerce").astype(float)


def _data(frame: pd.DataFrame, stat_columns: list[_Column]) -> pd.DataFrame:
    out = {c.name: _values(frame, c) for c in stat_columns}
    return pd.DataFrame(out).reset_index(drop=True)


def _width(series: pd.Series, codes: Mapping[int, object], decimals: int) -> int:
    """Print width: the widest value or code, its sign and decimals."""
    values = [abs(v) for v in series.dropna()] + [abs(k) for k in codes]
    digits = len(str(int(max(values, default=0))))
    negative = bool((series.dropna() < 0).any())
    return digits + negative + (decimals + 1 if decimals else 0)


def _format(column: _Column, series: pd.Series) -> str | None:
    if column.kind in DATE_FORMATS:
        return DATE_FORMATS[column.kind]
    if column.kind == "text":
        return None
    if column.kind == "number" and column.decimals is None:  # paradata: whole or not
        whole = bool((series.dropna() % 1 == 0).all())
        decimals = 0 if whole else 4
    else:
        decimals = column.decimals or 0
    width = max(3 if column.kind != "number" else 8, _width(series, column.missing, decimals))
    return f"F{width}.{decimals}"


def _spss_missing(column: _Column) -> list[float | dict[str, float]]:
    codes = sorted(column.missing)
    if len(codes) <= SPSS_MAX_MISSING:
        return [float(m) for m in codes]
    return [{"lo": float(codes[0]), "hi": float(codes[-1])}]


def mr_sets(columns: Sequence[ColumnLike], questionnaire: Questionnaire | None) -> list[MrSet]:
    """One multiple dichotomy set per multiple choice question (and loop item)."""
    if questionnaire is None:
        return []
    groups: dict[str, list[ColumnLike]] = {}
    for c in columns:
        question = _question(c, questionnaire)
        if question is not None and question.type == "multiple":
            groups.setdefault(c.name.rsplit("_", 1)[0], []).append(c)
    sets = []
    for prefix, members in groups.items():
        question = _question(members[0], questionnaire)
        label = question.variable_label or members[0].label.rsplit(": ", 1)[0]
        names = tuple(m.name for m in members)
        sets.append(MrSet(prefix, without_placeholders(label, questionnaire), names))
    return sets


def write_sav(
    frame: pd.DataFrame,
    columns: Sequence[ColumnLike],
    path: Path,
    *,
    file_label: str = "",
    questionnaire: Questionnaire | None = None,
    language: str = "en",
) -> None:
    """SPSS system file; built-in labels in ``language``."""
    stat_columns = _columns(frame, columns, questionnaire, language)
    data = _data(frame, stat_columns)
    formats = {c.name: f for c in stat_columns if (f := _format(c, data[c.name]))}
    pyreadstat.write_sav(
        data,
        path,
        file_label=file_label,
        column_labels={c.name: c.label for c in stat_columns},
        variable_value_labels={
            c.name: {float(k): v for k, v in c.value_labels.items()}
            for c in stat_columns
            if c.value_labels
        },
        missing_ranges={c.name: _spss_missing(c) for c in stat_columns if c.missing},
        variable_measure={c.name: MEASURES[c.kind] for c in stat_columns},
        variable_format=formats,
    )
    add_mr_sets(path, mr_sets(columns, questionnaire))


def stata_letters(missing: Mapping[int, str]) -> dict[int, str]:
    """Declared missing code → Stata extended missing letter: by kind (.d, .r, .t), or in
    code order (.a, .b…) for codes of no known kind."""
    if missing and all(kind in STATA_LETTERS for kind in missing.values()):
        return {code: STATA_LETTERS[kind] for code, kind in missing.items()}
    return {code: ascii_lowercase[i] for i, code in enumerate(sorted(missing)[:26])}


def _stata_values(series: pd.Series, column: _Column, letters: Mapping[int, str]) -> pd.Series:
    """Whole numbers as ints (Stata stores them as integers, so value labels attach), a
    declared missing code as its letter."""
    whole = column.kind in ("code", "ordinal") or (column.kind == "number" and not column.decimals)
    known = series.dropna()
    whole = whole and not known.empty and bool((known % 1 == 0).all())

    def value(v: float) -> object:
        if v != v:
            return None
        if v.is_integer() and int(v) in letters:
            return letters[int(v)]
        return int(v) if whole else v

    if not (whole or letters):
        return series
    # A list, not Series.map: map would turn ints and None back into floats.
    return pd.Series([value(v) for v in series], index=series.index, dtype=object)


def write_dta(
    frame: pd.DataFrame,
    columns: Sequence[ColumnLike],
    path: Path,
    *,
    file_label: str = "",
    questionnaire: Questionnaire | None = None,
    release: int = 118,
    language: str = "en",
) -> None:
    """Stata release 118 (Stata 14 and later read it) or 119 (Stata 15 and later; more than
    32,767 variables); built-in labels in ``language``."""
    if release not in STATA_RELEASES:
        raise ValueError(f"Stata release {release} is not written; one of 118, 119")
    stat_columns = _columns(frame, columns, questionnaire, language)
    too_long = [c.name for c in stat_columns if len(c.name) > STATA_MAX_NAME]
    if too_long:
        raise ValueError(
            f"Stata names have at most {STATA_MAX_NAME} characters; rename {', '.join(too_long)} "
            "(the questionnaire's `variable:`) or export to SPSS"
        )
    data = _data(frame, stat_columns)
    labels: dict[str, dict[float | str, str]] = {}
    missing: dict[str, list[str]] = {}
    for c in stat_columns:
        if c.kind == "text":
            data[c.name] = data[c.name].str.slice(0, STATA_MAX_STRING)
            continue
        if c.kind == "time":  # Stata has no time of day: the answer as text
            answers = frame[c.source].map(lambda v: v if isinstance(v, str) else "")
            data[c.name] = answers.to_numpy()
            continue
        if c.kind == "date":  # date objects become Stata's %td
            days = data[c.name]
            data[c.name] = pd.Series(days.dt.date, dtype=object).where(days.notna(), None)
            continue
        if c.kind == "datetime":
            continue
        letters = {} if c.companion else stata_letters(c.missing)
        data[c.name] = _stata_values(data[c.name], c, letters)
        # Numbers carry no value labels, so pandas and R read them as numbers.
        value_labels: dict[float | str, str] = (
            {} if c.kind == "number" else {k: v for k, v in c.value_labels.items()}
        )
        for code, letter in letters.items():
            text = c.value_labels.get(code) or SPECIAL_LABELS.get(c.missing[code])
            value_labels.pop(code, None)
            if text and c.kind != "number":
                value_labels[letter] = text
        if letters:
            missing[c.name] = list(letters.values())
        if value_labels:
            labels[c.name] = value_labels
    pyreadstat.write_dta(
        data,
        path,
        file_label=shorten(file_label, STATA_MAX_LABEL),
        column_labels={c.name: shorten(c.label, STATA_MAX_LABEL) for c in stat_columns},
        version=STATA_RELEASES[release],
        variable_value_labels=labels,
        missing_user_values=missing,
    )
