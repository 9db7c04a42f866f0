"""Seeds and generators: every design accepts either and is reproducible given it."""

from __future__ import annotations

import numpy as np

RandomState = int | np.random.Generator | None


def as_generator(random: RandomState) -> np.random.Generator:
    """A Generator as given, or a new PCG64 one seeded with `random`."""
    if isinstance(random, np.random.Generator):
        return random
    return np.random.default_rng(random)
