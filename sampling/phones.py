"""Phone numbers to E.164 with libphonenumber's metadata (the `phonenumbers` package).

A number is accepted only when libphonenumber says it is valid (a possible length *and* an
assigned range), so typos and impossible numbers never reach the dialler. Parsing is the
slow part of validating a big frame, so batches parse each distinct string once, a number
already in E.164 is read without libphonenumber's parser where that parser would read it
as written (`_parsed_e164`), its type is found with patterns compiled once (`number_type`),
and a frame of many numbers is validated on every core.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache

import phonenumbers
from phonenumbers import (
    COUNTRY_CODE_TO_REGION_CODE,
    PhoneMetadata,
    PhoneNumber,
    PhoneNumberFormat,
    PhoneNumberType,
)
from phonenumbers import timezone as phone_timezone

from cati.problems import N_
from sampling.errors import ErrorCode, SamplingError

FIXED = "fixed"
MOBILE = "mobile"
FIXED_OR_MOBILE = "fixed_or_mobile"
OTHER = "other"

_KINDS = {
    PhoneNumberType.FIXED_LINE: FIXED,
    PhoneNumberType.MOBILE: MOBILE,
    # NANP numbers do not tell fixed from mobile.
    PhoneNumberType.FIXED_LINE_OR_MOBILE: FIXED_OR_MOBILE,
}


@dataclass(frozen=True)
class Phone:
    """A valid number: E.164 text and its kind."""

    e164: str
    kind: str


def zones_of(e164: str) -> tuple[tuple[str, ...], str | None]:
    """The IANA zones libphonenumber places a valid E.164 number in, and its country.

    Looked up only when a unit has no better source (a given zone, coordinates, a postcode
    or region; see `sampling.timezones.infer_zones`): the lookup parses the number again.
    """
    number = phonenumbers.parse(e164, None)
    zones = tuple(
        z
        for z in phone_timezone.time_zones_for_number(number)
        if z != phone_timezone.UNKNOWN_TIMEZONE
    )
    return zones, phonenumbers.region_code_for_number(number)


_E164 = re.compile(r"\+([1-9][0-9]{1,14})")


@cache
def _national_prefix(country_code: int) -> re.Pattern[str] | None:
    """What libphonenumber's parser would strip as a national prefix from the start of a
    number of this country code (its main region's ``national_prefix_for_parsing``)."""
    region = phonenumbers.region_code_for_country_code(country_code)
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(country_code, region)
    prefix = metadata.national_prefix_for_parsing if metadata is not None else None
    return re.compile(prefix) if prefix else None


def _parsed_e164(text: str) -> PhoneNumber | None:
    """``text`` as ``phonenumbers.parse`` reads it, when it is E.164 (+, country code,
    number) and the parser takes the digits after the country code as they are: no
    national prefix it could strip (a NANP number never starts with its prefix 1), no
    leading zero. None otherwise, and the caller parses: the same number either way, the
    parser's country-code search and normalisation skipped (about half of a number's cost).
    """
    found = _E164.fullmatch(text)
    if found is None:
        return None
    digits = found[1]
    # Country codes are prefix-free: the parser also takes the first 1-3 digits that are one.
    size = next((k for k in (1, 2, 3) if int(digits[:k]) in COUNTRY_CODE_TO_REGION_CODE), 0)
    national = digits[size:]
    if not size or len(national) < 2 or national[0] == "0":
        return None
    prefix = _national_prefix(int(digits[:size]))
    if prefix is not None and prefix.match(national):
        return None
    return PhoneNumber(country_code=int(digits[:size]), national_number=int(national))


# The types libphonenumber tells a valid number by, in the order it asks (`_number_type_helper`).
_SPECIAL_TYPES = (
    ("premium_rate", PhoneNumberType.PREMIUM_RATE),
    ("toll_free", PhoneNumberType.TOLL_FREE),
    ("shared_cost", PhoneNumberType.SHARED_COST),
    ("voip", PhoneNumberType.VOIP),
    ("personal_number", PhoneNumberType.PERSONAL_NUMBER),
    ("pager", PhoneNumberType.PAGER),
    ("uan", PhoneNumberType.UAN),
    ("voicemail", PhoneNumberType.VOICEMAIL),
)
Desc = tuple[frozenset[int], re.Pattern[str]] | None


def _desc(desc: object) -> Desc:
    """A number description's possible lengths and pattern, compiled (None: matches nothing)."""
    pattern = getattr(desc, "national_number_pattern", None)
    if not pattern:
        return None
    return frozenset(desc.possible_length), re.compile(pattern)  # type: ignore[attr-defined]


def _matches(national: str, desc: Desc) -> bool:
    if desc is None:
        return False
    lengths, pattern = desc
    return (not lengths or len(national) in lengths) and pattern.fullmatch(national) is not None


@dataclass(frozen=True)
class _Plan:
    """A region's metadata as `_type_in` reads it, its patterns compiled once."""

    general: Desc
    special: tuple[tuple[Desc, int], ...]
    fixed: Desc
    mobile: Desc
    same_fixed_and_mobile: bool
    leading: re.Pattern[str] | None


@cache
def _plan(region: str, country_code: int) -> _Plan | None:
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(country_code, region)
    if metadata is None:
        return None
    return _Plan(
        general=_desc(metadata.general_desc),
        special=tuple((_desc(getattr(metadata, name)), kind) for name, kind in _SPECIAL_TYPES),
        fixed=_desc(metadata.fixed_line),
        mobile=_desc(metadata.mobile),
        same_fixed_and_mobile=bool(metadata.same_mobile_and_fixed_line_pattern),
        leading=re.compile(metadata.leading_digits) if metadata.leading_digits else None,
    )


def _type_in(national: str, plan: _Plan) -> int:
    """libphonenumber's type of a national number against a region's metadata."""
    if not _matches(national, plan.general):
        return PhoneNumberType.UNKNOWN
    for desc, kind in plan.special:
        if _matches(national, desc):
            return kind
    if _matches(national, plan.fixed):
        if plan.same_fixed_and_mobile or _matches(national, plan.mobile):
            return PhoneNumberType.FIXED_LINE_OR_MOBILE
        return PhoneNumberType.FIXED_LINE
    if not plan.same_fixed_and_mobile and _matches(national, plan.mobile):
        return PhoneNumberType.MOBILE
    return PhoneNumberType.UNKNOWN


def number_type(number: PhoneNumber) -> int:
    """``phonenumbers.number_type`` (UNKNOWN for an invalid number), read as it reads it,
    with the patterns compiled once and the type of a country code shared by several
    regions not worked out twice: the region is the first of its country code's whose
    leading digits match, or, for a region without them, whose ranges hold the number,
    and then that test's answer is the type. Three times faster, the same answer
    (tests/sampling/test_phone_numbers.py holds it to the library's)."""
    national = phonenumbers.national_significant_number(number)
    regions = COUNTRY_CODE_TO_REGION_CODE.get(number.country_code, ())
    if len(regions) == 1:
        plan = _plan(regions[0], number.country_code)
        return _type_in(national, plan) if plan is not None else PhoneNumberType.UNKNOWN
    for region in regions:
        plan = _plan(region, number.country_code)
        if plan is None or region == phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY:
            continue
        if plan.leading is not None:
            if plan.leading.match(national):
                return _type_in(national, plan)
        elif (kind := _type_in(national, plan)) != PhoneNumberType.UNKNOWN:
            return kind
    return PhoneNumberType.UNKNOWN


def normalize_phone(raw: str, region: str = "ES") -> Phone:
    """Parse `raw` as dialled in `region`; raise SamplingError if it is not a valid number."""
    text = str(raw).strip()
    try:
        number = _parsed_e164(text) or phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise SamplingError.one(
            ErrorCode.PHONE_UNPARSABLE,
            N_(
                "phone number cannot be read: %(number)r (%(reason)s); write it with digits "
                "only, or in international form with + and the country code"
            ),
            number=text,
            reason=exc._msg,
        ) from None
    # number_type is UNKNOWN exactly when is_valid_number is False (both match the number
    # against its region's ranges); asking once halves the cost of validating a frame.
    kind = number_type(number)
    if kind == PhoneNumberType.UNKNOWN:
        raise SamplingError.one(
            ErrorCode.PHONE_INVALID,
            N_(
                "phone number is impossible or not assigned: %(number)r; check its digits, "
                "and write a number from outside %(region)s with + and its country code"
            ),
            number=text,
            region=region,
        )
    return Phone(
        e164=phonenumbers.format_number(number, PhoneNumberFormat.E164),
        kind=_KINDS.get(kind, OTHER),
    )


# Distinct numbers a worker process is started for at the least: below, its start (an
# interpreter and libphonenumber's metadata, ~0.15 s of CPU) costs more than it saves.
PER_PROCESS = 50_000


def normalize_many(
    values: Iterable[str], region: str = "ES", *, processes: int | None = None
) -> dict[str, Phone | SamplingError]:
    """Normalize each distinct string once; the result maps every input string to its outcome.

    Many distinct numbers are shared among ``processes`` worker processes (None: one per
    core), at most one per ``PER_PROCESS`` numbers; the workers send back the valid ones,
    and the few others are read again here for their errors.
    """
    distinct = list(dict.fromkeys(values))
    workers = min(processes or len(os.sched_getaffinity(0)), len(distinct) // PER_PROCESS)
    if workers <= 1:
        return _outcomes(distinct, region)
    size = -(-len(distinct) // workers)
    slices = [distinct[i : i + size] for i in range(0, len(distinct), size)]
    valid: dict[str, Phone] = {}
    # spawn, not fork: the caller may be a web process with threads and database connections
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(len(slices), mp_context=context) as pool:
        for found in pool.map(_valid, slices, [region] * len(slices)):
            valid.update(found)
    rest = _outcomes([v for v in distinct if v not in valid], region)
    return {v: valid[v] if v in valid else rest[v] for v in distinct}


def _outcomes(values: Iterable[str], region: str) -> dict[str, Phone | SamplingError]:
    outcomes: dict[str, Phone | SamplingError] = {}
    for value in values:
        try:
            outcomes[value] = normalize_phone(value, region)
        except SamplingError as exc:
            outcomes[value] = exc
    return outcomes


def _valid(values: list[str], region: str) -> dict[str, Phone]:
    """The valid numbers of ``values``, in a worker (an error's problems stay here)."""
    return {v: o for v, o in _outcomes(values, region).items() if isinstance(o, Phone)}


def is_valid_e164(text: str) -> bool:
    """True when `text` is already a valid number written in E.164."""
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return False
    valid = phonenumbers.is_valid_number(number)
    return valid and phonenumbers.format_number(number, PhoneNumberFormat.E164) == text
