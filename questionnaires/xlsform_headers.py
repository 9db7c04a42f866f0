"""XLSForm column headers and types as people write them, reduced to one spelling each.

pyxform accepts many spellings of the same column (``relevance``, ``bind:relevant``,
``constraint message``, ``label:English``, ``label::English (en)``); ODK, KoBo and SurveyCTO
each write some of them. Here every header becomes ``base`` or ``base::language`` with the
base in our spelling, and a language name becomes a language code.
"""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale

# Other spellings of a column -> ours (pyxform's aliases.survey_header and list_header).
COLUMN_ALIASES = {
    "relevance": "relevant",
    "constraining_message": "constraint_message",
    "jr:constraintmsg": "constraint_message",
    "calculate": "calculation",
    "command": "type",
    "tag": "name",
    "value": "name",  # SurveyCTO's choices sheet
    "caption": "label",
    "count": "repeat_count",
    "jr:count": "repeat_count",
    "requiredmsg": "required_message",
    "jr:requiredmsg": "required_message",
    "readonly": "read_only",
    "form_title": "title",
    "set_form_title": "title",
    "form_id": "id_string",
    "set_form_id": "id_string",
}
# Prefixes pyxform strips from a header before reading it (``bind:relevant``).
PREFIXES = ("bind", "control", "body")
# Columns that carry one text per language.
TRANSLATABLE = {
    "label",
    "label_web",
    "hint",
    "constraint_message",
    "required_message",
    "guidance_hint",
    "image",
    "big-image",
    "audio",
    "video",
    "media",
}

_CODE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")
_CODE_IN_PARENS = re.compile(r"\(\s*([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)\s*\)\s*$")


def canonical(header: str) -> str:
    """One header as ``base`` or ``base::language`` (language as written)."""
    key = header.strip()
    language = ""
    if "::" in key:
        key, _, language = key.partition("::")
    while ":" in key:
        prefix, _, rest = key.partition(":")
        if prefix.strip().lower() in PREFIXES:
            key = rest
        elif prefix.strip().lower() in TRANSLATABLE and not language:
            key, language = prefix, rest
        else:
            break
    if "::" in language:  # media::audio::chinese -> audio, chinese
        key, _, language = language.partition("::")
    base = "_".join(key.strip().lower().split())
    base = COLUMN_ALIASES.get(base, base)
    return f"{base}::{language.strip()}" if language.strip() else base


def canonical_row(row: dict[str, str]) -> dict[str, str]:
    """The row with canonical headers; empty cells dropped (pyxform reads them as absent)."""
    result: dict[str, str] = {}
    for key, value in row.items():
        text = value.strip() if isinstance(value, str) else value
        if text in (None, ""):
            continue
        result.setdefault(canonical(key), text)
    return result


# Languages as forms name them in the language itself (English names come from babel).
NATIVE_NAMES = {
    "العربية": "ar",
    "عربي": "ar",
    "español": "es",
    "castellano": "es",
    "français": "fr",
    "francais": "fr",
    "português": "pt",
    "portugues": "pt",
    "kiswahili": "sw",
    "deutsch": "de",
    "italiano": "it",
    "nederlands": "nl",
    "polski": "pl",
    "русский": "ru",
    "українська": "uk",
    "türkçe": "tr",
    "हिन्दी": "hi",
    "हिंदी": "hi",
    "नेपाली": "ne",
    "বাংলা": "bn",
    "اردو": "ur",
    "فارسی": "fa",
    "አማርኛ": "am",
    "中文": "zh",
    "日本語": "ja",
    "한국어": "ko",
    "ไทย": "th",
    "tiếng việt": "vi",
    "bahasa indonesia": "id",
    "soomaali": "so",
    "yorùbá": "yo",
    "català": "ca",
    "euskara": "eu",
    "galego": "gl",
}


@lru_cache(maxsize=1)
def _language_names() -> dict[str, str]:
    """Language names, lowercased, in English (babel's list) and as written natively."""
    names = {
        name.lower(): code
        for code, name in Locale("en").languages.items()
        if re.fullmatch(r"[a-z]{2,3}", code)
    }
    names.update(NATIVE_NAMES)
    return names


def language_code(written: str) -> tuple[str, bool]:
    """The language code of a column suffix and whether it was written as a code.

    ``English (en)`` and ``en`` give ``en``; ``English``, ``english`` and ``العربية``
    are looked up by name; a name nobody knows becomes ``und-<letters>`` (undetermined)."""
    text = written.strip()
    found = _CODE_IN_PARENS.search(text)
    if found:
        return found.group(1).lower(), True
    if _CODE.match(text) and text.lower() not in _language_names():
        return text.lower(), True
    name = re.sub(r"\s*\(.*\)\s*$", "", text).strip().lower()
    code = _language_names().get(name)
    if code:
        return code, False
    letters = re.sub(r"[^A-Za-z0-9]", "", name)[:8] or "x"
    return f"und-{letters.ljust(2, 'x')}", False


# select types in their spellings -> (our kind, what follows is a list or a file)
SELECT_TYPES = {
    "select_one": "single",
    "select one": "single",
    "select1": "single",
    "select one from": "single",
    "add select one prompt using": "single",
    "select_multiple": "multiple",
    "select all that apply": "multiple",
    "select all that apply from": "multiple",
    "add select multiple prompt using": "multiple",
    "select_one_external": "single",
    "select_one_from_file": "single",
    "select one from file": "single",
    "select_multiple_from_file": "multiple",
    "select multiple from file": "multiple",
    "select one using": "single",
    "select one external": "single",
    "q select1": "single",
    "select multiple from": "multiple",
    "select multiple using": "multiple",
    "q select": "multiple",
    "rank": "rank",
}
_SELECT = re.compile(
    r"^(?P<kind>"
    + "|".join(re.escape(k) for k in sorted(SELECT_TYPES, key=len, reverse=True))
    + r")\s+(?P<list>\S+)(?:\s+(?P<other>or_other|or specify other))?$",
    re.IGNORECASE,
)


def select_type(raw: str) -> tuple[str, str, str, bool] | None:
    """``select one from colors or specify other`` -> ('single', 'colors', spelling, other)."""
    match = _SELECT.match(" ".join(raw.split()))
    if match is None:
        return None
    spelling = match.group("kind").lower()
    return SELECT_TYPES[spelling], match.group("list"), spelling, bool(match.group("other"))


# pyxform's other spellings of a type (question_type_dictionary) -> ours.
TYPE_ALIASES = {
    **dict.fromkeys(("add acknowledge prompt", "q acknowledge", "trigger"), "acknowledge"),
    **dict.fromkeys(("add calculate prompt", "q calculate"), "calculate"),
    **dict.fromkeys(("add date prompt", "q date"), "date"),
    **dict.fromkeys(
        ("add date time prompt", "add datetime prompt", "q date time", "q datetime", "date time"),
        "datetime",
    ),
    **dict.fromkeys(("add decimal prompt", "q decimal"), "decimal"),
    **dict.fromkeys(
        (
            "add integer prompt",
            "q int",
            "number of days in last month",
            "number of days in last six months",
            "number of days in last year",
        ),
        "integer",
    ),
    **dict.fromkeys(("add note prompt", "q note"), "note"),
    **dict.fromkeys(("add text prompt", "q string", "phone number"), "text"),
    **dict.fromkeys(("add location prompt", "location", "q location", "q geopoint"), "geopoint"),
    **dict.fromkeys(("q picture", "q image", "add photo prompt"), "image"),
    **dict.fromkeys(("q audio", "add audio prompt"), "audio"),
    **dict.fromkeys(("q video", "add video prompt"), "video"),
    **dict.fromkeys(("add barcode prompt", "q barcode"), "barcode"),
    "add file prompt": "file",
    "q geoshape": "geoshape",
    "q geotrace": "geotrace",
    **dict.fromkeys(
        (
            "device id",
            "get device id",
            "end time",
            "get end time",
            "start time",
            "get start time",
            "get phone number",
            "sim id",
            "get sim id",
            "subscriber id",
            "get subscriber id",
            "get today",
        ),
        "start",  # metadata: left out
    ),
}


def canonical_type(raw: str) -> str:
    """A type as written -> lowercased, one space between words, aliases resolved."""
    kind = " ".join(str(raw).split()).lower()
    return TYPE_ALIASES.get(kind, kind)
