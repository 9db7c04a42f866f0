"""TOTP against RFC 6238's test vectors (Appendix B), and the key URI apps read."""

import base64
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from cati import totp

# RFC 6238 Appendix B: the seeds are ASCII digits, 20, 32 and 64 bytes long.
SEEDS = {
    "sha1": b"12345678901234567890",
    "sha256": b"12345678901234567890123456789012",
    "sha512": b"1234567890123456789012345678901234567890123456789012345678901234",
}
VECTORS = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]


@pytest.mark.parametrize(("seconds", "sha1", "sha256", "sha512"), VECTORS)
def test_rfc_6238_appendix_b(seconds, sha1, sha256, sha512):
    step = totp.step_at(datetime.fromtimestamp(seconds, UTC))
    for digest, expected in (("sha1", sha1), ("sha256", sha256), ("sha512", sha512)):
        assert totp.code(SEEDS[digest], step, digits=8, digest=digest) == expected


def test_six_digit_codes_match_within_one_step_only():
    secret = base64.b32encode(SEEDS["sha1"]).decode()
    at_59 = datetime.fromtimestamp(59, UTC)  # step 1; its 8-digit code is 94287082
    assert totp.matching_step(secret, "287082", at_59) == 1
    assert totp.matching_step(secret, "287 082", datetime.fromtimestamp(89, UTC)) == 1
    assert totp.matching_step(secret, "287082", datetime.fromtimestamp(120, UTC)) is None
    assert totp.matching_step(secret, "000000", at_59) is None
    assert totp.matching_step(secret, "\x80", at_59) is None  # found by the form fuzzer
    assert totp.matching_step(secret, "２８７０８２", at_59) is None  # full-width digits


def test_the_key_uri_names_issuer_account_and_secret():
    uri = urlsplit(totp.otpauth_uri("JBSWY3DPEHPK3PXP", "ines", "cati"))
    assert (uri.scheme, uri.netloc, uri.path) == ("otpauth", "totp", "/cati%3Aines")
    assert parse_qs(uri.query) == {
        "secret": ["JBSWY3DPEHPK3PXP"],
        "issuer": ["cati"],
        "digits": ["6"],
        "period": ["30"],
    }


def test_recovery_codes_are_ten_distinct_salted_and_match_whatever_the_typing():
    codes = totp.new_recovery_codes()
    assert len(set(codes)) == 10
    first, again = totp.hash_recovery_code(codes[0]), totp.hash_recovery_code(codes[0])
    assert first != again  # each its own salt
    typed = " " + codes[0].upper().replace("-", "") + " "
    assert totp.is_recovery_code(typed, first) and totp.is_recovery_code(typed, again)
    assert not totp.is_recovery_code(codes[1], first)
