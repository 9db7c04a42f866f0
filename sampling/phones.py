"""Phone numbers to E.164 with libphonenumber's metadata (the `phonenumbers` package).

A number is accepted only when libphonenumber says it is valid (a possible length *and* an
assigned range), so typos and impossible numbers never reach the dialler. Parsing is the
slow part of validating a big frame, so batches parse each distinct string once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType
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


def normalize_phone(raw: str, region: str = "ES") -> Phone:
    """Parse `raw` as dialled in `region`; raise SamplingError if it is not a valid number."""
    text = str(raw).strip()
    try:
        number = phonenumbers.parse(text, region)
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
    number_type = phonenumbers.number_type(number)
    if number_type == PhoneNumberType.UNKNOWN:
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
        kind=_KINDS.get(number_type, OTHER),
    )


def normalize_many(values: Iterable[str], region: str = "ES") -> dict[str, Phone | SamplingError]:
    """Normalize each distinct string once; the result maps every input string to its outcome."""
    outcomes: dict[str, Phone | SamplingError] = {}
    for value in values:
        if value in outcomes:
            continue
        try:
            outcomes[value] = normalize_phone(value, region)
        except SamplingError as exc:
            outcomes[value] = exc
    return outcomes


def is_valid_e164(text: str) -> bool:
    """True when `text` is already a valid number written in E.164."""
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return False
    valid = phonenumbers.is_valid_number(number)
    return valid and phonenumbers.format_number(number, PhoneNumberFormat.E164) == text
