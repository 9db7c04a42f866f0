"""Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP), standard library only.

cati uses what every authenticator app expects: SHA-1, 30-second steps, 6 digits.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6
# One step either side: a phone's clock a little off, or a code typed as it changed.
DRIFT_STEPS = 1


def new_secret() -> str:
    """160 random bits (RFC 4226's recommended key length) in base32, as apps take them."""
    return base64.b32encode(secrets.token_bytes(20)).decode()


def step_at(moment: datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def code(key: bytes, step: int, digits: int = DIGITS, digest: str = "sha1") -> str:
    """RFC 4226 section 5.3: HMAC of the counter, dynamically truncated."""
    mac = hmac.new(key, step.to_bytes(8, "big"), digest).digest()
    offset = mac[-1] & 0x0F
    number = int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def _key(secret: str) -> bytes:
    return base64.b32decode(secret)


def matching_step(secret: str, typed: str, moment: datetime) -> int | None:
    """The step whose code ``typed`` is, within the drift allowed; None if none."""
    typed = typed.strip().replace(" ", "")
    if not (typed.isascii() and typed.isdigit()):  # compare_digest refuses non-ASCII text
        return None
    now = step_at(moment)
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if hmac.compare_digest(code(_key(secret), step), typed):
            return step
    return None


def otpauth_uri(secret: str, account: str, issuer: str) -> str:
    """The Key Uri Format authenticator apps read (Google Authenticator's wiki)."""
    label = quote(f"{issuer}:{account}")
    query = urlencode(
        {"secret": secret, "issuer": issuer, "digits": DIGITS, "period": STEP_SECONDS}
    )
    return f"otpauth://totp/{label}?{query}"


def _normal(typed: str) -> str:
    return typed.strip().lower().replace("-", "").replace(" ", "")


def hash_recovery_code(typed: str) -> str:
    """A random 32-bit salt and SHA-256 (ASVS 2.6.2: the codes have fewer than 112 bits)."""
    salt = secrets.token_hex(4)
    return f"{salt}${hashlib.sha256((salt + _normal(typed)).encode()).hexdigest()}"


def is_recovery_code(typed: str, stored: str) -> bool:
    salt, digest = stored.split("$")
    mine = hashlib.sha256((salt + _normal(typed)).encode()).hexdigest()
    return hmac.compare_digest(mine, digest)  # both hexadecimal: ASCII whatever was typed


def new_recovery_codes(count: int = 10) -> list[str]:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
    return [
        "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(2))
        for _ in range(count)
    ]
