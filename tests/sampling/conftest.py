"""Small frames shared by the sampling tests."""

import numpy as np
import pytest

# The R BalancedSampling documentation's check of the local pivotal methods uses these π.
UNEQUAL_PI = np.array([0.2, 0.25, 0.35, 0.4, 0.5, 0.5, 0.55, 0.65, 0.7, 0.9])


@pytest.fixture
def unequal_pi() -> np.ndarray:
    return UNEQUAL_PI.copy()


@pytest.fixture
def points10() -> np.ndarray:
    return np.random.default_rng(12345).random((10, 2))
