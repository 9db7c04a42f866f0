"""The password rules of ASVS 2.1: a length (12 to 128), no user name, nothing from a
common list.

No composition rules (ASVS 2.1.9): length and the list do the work. The list ships with
cati (cati/data/README.md says where it comes from), so the check needs no network.
"""

from __future__ import annotations

import gzip
import re
from functools import cache
from pathlib import Path

from cati.errors import CatiError, ErrorCode

MIN_PASSWORD_LENGTH = 12
# ASVS 2.1.2: at least 64 characters permitted, more than 128 denied.
MAX_PASSWORD_LENGTH = 128
# ASVS 2.1.1 counts the length once runs of spaces are one space.
_SPACES = re.compile(r" {2,}")
_LIST = Path(__file__).parent / "data" / "common-passwords.txt.gz"
# A common password padded at the end ("password1234!", "123456789012") is still common.
_PADDING = re.compile(r"[\d\W_]*")
_SHORTEST_STEM = 6


@cache
def common_passwords() -> frozenset[str]:
    return frozenset(gzip.decompress(_LIST.read_bytes()).decode().split())


def is_common(password: str) -> bool:
    lowered = password.lower()
    if len(set(lowered)) < 4:  # "aaaaaaaaaaaa", "abababababab"
        return True
    words = common_passwords()
    return any(
        lowered[:end] in words and _PADDING.fullmatch(lowered[end:])
        for end in range(len(lowered), _SHORTEST_STEM - 1, -1)
    )


def check_password_policy(username: str, password: str) -> None:
    if len(_SPACES.sub(" ", password)) < MIN_PASSWORD_LENGTH:
        raise CatiError(ErrorCode.PASSWORD_TOO_SHORT, minimum=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise CatiError(ErrorCode.PASSWORD_TOO_LONG, most=MAX_PASSWORD_LENGTH)
    if username.lower() in password.lower():
        raise CatiError(ErrorCode.PASSWORD_IS_USERNAME)
    if is_common(password):
        raise CatiError(ErrorCode.PASSWORD_COMMON)
