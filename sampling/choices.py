"""The names the sampling commands and forms offer, importable before numpy or scipy: a
command line's options are built before the command knows which of them it will run."""

from __future__ import annotations

DESIGNS = ("srs", "systematic", "ordered_pivotal", "random_pivotal", "lpm2", "spread", "cube")
# The allocations a researcher picks by name (sampling.allocation has "optimal" too, which
# also needs a cost per stratum).
ALLOCATIONS = ("proportional", "neyman", "equal")
