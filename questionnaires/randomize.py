"""Seeded randomization: option, grid item and block orders, decided once per interview."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def rng_for(seed: int | str, *parts: str) -> random.Random:
    # Seeding with a string is stable across processes (it is hashed with SHA-512,
    # not with the per-process str hash), so the same seed gives the same order anywhere.
    return random.Random("|".join([str(seed), *parts]))


def reorder(values: Sequence[T], anchored: Sequence[bool], how: str, rng: random.Random) -> list[T]:
    """Shuffle or rotate the values whose ``anchored`` flag is false; anchored ones stay put."""
    free_slots = [i for i, fixed in enumerate(anchored) if not fixed]
    free = [values[i] for i in free_slots]
    if how == "shuffle":
        rng.shuffle(free)
    elif how == "rotate" and free:
        start = rng.randrange(len(free))
        free = free[start:] + free[:start]
    result = list(values)
    for slot, value in zip(free_slots, free, strict=True):
        result[slot] = value
    return result
