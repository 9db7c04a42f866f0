"""Phone numbers to E.164. Only fictional ranges: NANP 555-0100..0199, Ofcom drama numbers."""

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sampling import phones
from sampling.errors import ErrorCode, SamplingError
from sampling.phones import (
    FIXED_OR_MOBILE,
    _parsed_e164,
    is_valid_e164,
    normalize_many,
    normalize_phone,
    number_type,
)
from sampling.timezones import phone_zone

# Area codes in service, each with its reserved fictional 555-01xx block.
AREA_CODES = [201, 202, 212, 305, 312, 415, 512, 617, 713, 808]


@given(st.sampled_from(AREA_CODES), st.integers(0, 99))
def test_national_format_round_trips_through_e164(area, line):
    e164 = f"+1{area}55501{line:02d}"
    national = f"({area}) 555-01{line:02d}"
    phone = normalize_phone(national, "US")
    assert phone.e164 == e164
    assert normalize_phone(phone.e164, "ES").e164 == e164  # idempotent from any region
    assert is_valid_e164(phone.e164)
    formatted = phonenumbers.format_number(
        phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.NATIONAL
    )
    assert normalize_phone(formatted, "US").e164 == e164


def test_nanp_numbers_are_classified_fixed_or_mobile():
    assert normalize_phone("+1 202 555 0123").kind == FIXED_OR_MOBILE


def test_spanish_fixed_line_gets_its_single_time_zone_and_kind():
    """91 is Madrid's fixed range. DEMO number: Spain has no fictional block, so a round
    placeholder is used; it only exercises parsing and is never dialled."""
    phone = normalize_phone("91 000 00 00", "ES")
    assert phone.e164 == "+34910000000"
    assert phone.kind == "fixed"
    assert phone_zone(phone.e164) == "Europe/Madrid"


def test_spanish_mobile_is_classified_mobile():
    """DEMO number (round placeholder in the 6xx mobile range), never dialled."""
    assert normalize_phone("600 00 00 00", "ES").kind == "mobile"


@pytest.mark.parametrize(
    "raw",
    [
        "12345",  # too short anywhere
        "+34 555 000 000",  # Spanish numbers never start with 5
        "07700 900123",  # Ofcom drama range: possible length, never assigned
        "+1 000 555 0100",  # NANP area codes never start with 0
    ],
)
def test_impossible_or_unassigned_numbers_are_rejected(raw):
    with pytest.raises(SamplingError) as err:
        normalize_phone(raw, "GB" if raw.startswith("07") else "ES")
    assert err.value.code is ErrorCode.PHONE_INVALID


@pytest.mark.parametrize("raw", ["", "not a number", "++34"])
def test_text_that_is_not_a_number_is_unparsable(raw):
    with pytest.raises(SamplingError) as err:
        normalize_phone(raw, "ES")
    assert err.value.code in {ErrorCode.PHONE_UNPARSABLE, ErrorCode.PHONE_INVALID}


def test_batch_normalization_parses_each_distinct_string_once_and_keeps_failures():
    outcomes = normalize_many(["+12025550101", "+12025550101", "12"], "ES")
    assert set(outcomes) == {"+12025550101", "12"}
    assert isinstance(outcomes["12"], SamplingError)


UNKNOWN = phonenumbers.PhoneNumberType.UNKNOWN


def _example_numbers() -> list[str]:
    """libphonenumber's own example number of every type in every region, in E.164."""
    found = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in phonenumbers.PhoneNumberType.values():
            example = phonenumbers.example_number_for_type(region, kind)
            if example is not None:
                found.append(
                    phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
                )
    return found


EXAMPLES = _example_numbers()


@given(
    st.sampled_from(sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)),
    st.text("0123456789", min_size=1, max_size=14),
)
def test_the_e164_fast_path_reads_what_the_parser_reads(country_code, digits):
    text = f"+{country_code}{digits}"
    parsed = _parsed_e164(text)
    if parsed is not None:  # else the parser reads it: nothing to compare
        assert parsed == phonenumbers.parse(text, "ES") == phonenumbers.parse(text, None)


def test_the_fast_path_takes_the_example_numbers_of_the_world_as_the_parser_does():
    examples = EXAMPLES
    taken = [e for e in examples if _parsed_e164(e) is not None]
    assert len(taken) > 0.9 * len(examples) > 1000  # most countries have no prefix to strip
    for text in taken:
        assert _parsed_e164(text) == phonenumbers.parse(text, "ES")
    # NANP, Spain and the UK written in E.164 never reach the parser
    assert all(_parsed_e164(t) for t in ["+12025550123", "+34910000000", "+447700900123"])
    assert _parsed_e164("+390612345678") is None  # Rome's leading zero: the parser's rules


def test_many_numbers_on_several_processes_get_the_outcomes_of_one(monkeypatch):
    examples = EXAMPLES
    values = [*examples, "12", "+34 555 000 000", "not a number", examples[0], "+1 000 555 0100"]
    monkeypatch.setattr(phones, "PER_PROCESS", len(values) // 2)
    shared = normalize_many(values, "ES", processes=2)
    alone = normalize_many(values, "ES", processes=1)
    assert list(shared) == list(alone) == list(dict.fromkeys(values))
    for value, outcome in alone.items():
        if isinstance(outcome, SamplingError):
            assert shared[value].code is outcome.code and str(shared[value]) == str(outcome)
        else:
            assert shared[value] == outcome
    assert sum(isinstance(o, SamplingError) for o in shared.values()) >= 4


@given(
    st.sampled_from(sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)),
    st.text("0123456789", min_size=2, max_size=14),
)
def test_number_type_is_the_librarys_for_any_number(country_code, digits):
    number = phonenumbers.PhoneNumber(country_code=country_code, national_number=int(digits))
    assert number_type(number) == phonenumbers.number_type(number)


@given(st.data())
def test_number_type_is_the_librarys_for_numbers_near_the_examples(data):
    """Every region's example numbers, and the same with the last digits changed: valid,
    invalid and of other types, in every region that shares a country code."""
    text = data.draw(st.sampled_from(EXAMPLES))
    tail = data.draw(st.text("0123456789", min_size=0, max_size=3))
    number = phonenumbers.parse(text[: len(text) - len(tail)] + tail, None)
    assert number_type(number) == phonenumbers.number_type(number)


def test_number_type_of_every_example_is_the_librarys():
    for text in EXAMPLES:
        number = phonenumbers.parse(text, None)
        assert number_type(number) == phonenumbers.number_type(number) != UNKNOWN
