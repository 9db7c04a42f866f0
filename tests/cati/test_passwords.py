"""The password rules: 12 characters, no user name, not on the shipped list of common ones."""

import pytest

from cati import passwords
from cati.errors import CatiError, ErrorCode


def test_the_shipped_list_holds_the_most_common_passwords():
    words = passwords.common_passwords()
    assert len(words) == 30_000
    assert {"123456", "password", "qwerty", "dragon", "letmein"} <= words


@pytest.mark.parametrize(
    ("password", "code"),
    [
        # The passwords the issue found accepted, and their 12-character versions.
        ("aaaaaaaaaa", ErrorCode.PASSWORD_TOO_SHORT),
        ("1234567890", ErrorCode.PASSWORD_TOO_SHORT),
        ("password12", ErrorCode.PASSWORD_TOO_SHORT),
        ("aaaaaaaaaaaa", ErrorCode.PASSWORD_COMMON),
        ("123456789012", ErrorCode.PASSWORD_COMMON),
        ("password1234", ErrorCode.PASSWORD_COMMON),
        ("Password1234!", ErrorCode.PASSWORD_COMMON),
        ("qwertyuiop12", ErrorCode.PASSWORD_COMMON),
        ("abababababab", ErrorCode.PASSWORD_COMMON),
        ("my name is Ines, really", ErrorCode.PASSWORD_IS_USERNAME),
        # 12 characters with its run of spaces, 8 once the run is one space (ASVS 2.1.1).
        ("tq     vwxyz", ErrorCode.PASSWORD_TOO_SHORT),
        ("x" * 60 + "yz" * 35, ErrorCode.PASSWORD_TOO_LONG),  # 130 characters
    ],
)
def test_weak_passwords_are_refused(password, code):
    with pytest.raises(CatiError) as caught:
        passwords.check_password_policy("ines", password)
    assert caught.value.code is code


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery",
        "tr0ub4dor&3xyz",
        "Dragon2026!!x",
        "x" * 4 + "yzw" * 3,
        "🌵🦎🌵🦎 ñandú 水 🌵🦎🌵",  # any printable Unicode (2.1.4)
        "q" + "vwxyz " * 21 + "k",  # 128 characters: the longest taken (2.1.2)
    ],
)
def test_long_uncommon_passwords_are_accepted(password):
    passwords.check_password_policy("ines", password)
