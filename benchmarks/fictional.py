"""Fictional phone numbers for synthetic samples: NANP 555-0100 to 555-0199.

Those lines are reserved for fiction in every area code; taking every area code that
``phonenumbers`` accepts gives about 45,000 distinct numbers before they repeat.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from functools import cache

import phonenumbers


@cache
def area_codes() -> tuple[int, ...]:
    return tuple(
        area
        for area in range(201, 990)
        if phonenumbers.is_valid_number(phonenumbers.parse(f"+1{area}5550100"))
    )


def numbers() -> Iterator[str]:
    """E.164 fictional numbers, all distinct until the pool runs out, then cycling."""
    pool = [f"+1{area}555{line:04d}" for line in range(100, 200) for area in area_codes()]
    return itertools.cycle(pool)


def sample(n: int, prefix: str = "C"):
    """A sample file's table of `n` cases (id, phone, region), each with a number of its own."""
    import pandas as pd

    phones = numbers()
    return pd.DataFrame(
        {
            "id": [f"{prefix}{i:05d}" for i in range(n)],
            "phone": [next(phones) for _ in range(n)],
            "region": [("north", "south")[i % 2] for i in range(n)],
        }
    )
