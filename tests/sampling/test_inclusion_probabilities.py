"""π proportional to size with certainty units."""

import numpy as np
import pytest

from sampling.errors import SamplingError
from sampling.inclusion import inclusion_probabilities


def test_r_sampling_documented_example_a_1_to_20_n_12():
    """R `sampling`'s documented example inclusionprobabilities(1:20, 12).

    12·a/210 exceeds 1 for a = 18, 19, 20; with 9 left over 1..17, a = 17 lands on exactly 1;
    the last 8 spread over 1..16 (sum 136) give π = a/17.
    """
    pi = inclusion_probabilities(np.arange(1, 21), 12)
    expected = np.concatenate((np.arange(1, 17) / 17, np.ones(4)))
    np.testing.assert_allclose(pi, expected, rtol=0, atol=1e-12)
    assert pi.sum() == pytest.approx(12)


def test_proportional_when_no_unit_is_certain():
    np.testing.assert_allclose(inclusion_probabilities([1, 1, 2], 2), [0.5, 0.5, 1.0])
    np.testing.assert_allclose(inclusion_probabilities([1, 2, 3, 4], 1), [0.1, 0.2, 0.3, 0.4])


def test_zero_size_means_never_selected():
    pi = inclusion_probabilities([0, 1, 1, 2], 2)
    assert pi[0] == 0 and pi.sum() == pytest.approx(2)


def test_more_units_than_positive_sizes_is_refused():
    with pytest.raises(SamplingError):
        inclusion_probabilities([0, 1], 2)
