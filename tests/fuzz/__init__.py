"""Fuzzing: Hypothesis against every upload and every form (issue #10)."""

from hypothesis import settings


def budget(share: float) -> settings:
    """Settings for a test worth ``share`` of the profile's examples (at least 5): the
    costly fuzzers run fewer in CI and scale up with ``HYPOTHESIS_PROFILE=long``."""
    return settings(max_examples=max(5, int(settings.default.max_examples * share)))
