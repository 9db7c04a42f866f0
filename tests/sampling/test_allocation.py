"""Allocation of n across strata."""

import numpy as np
import pandas as pd
import pytest

from sampling.allocation import allocate
from sampling.errors import ErrorCode, SamplingError

POP = {"north": 4000, "south": 3000, "east": 2000, "west": 1000}
SD = {"north": 10.0, "south": 20.0, "east": 5.0, "west": 40.0}


@pytest.mark.parametrize("method", ["proportional", "neyman", "optimal", "equal"])
@pytest.mark.parametrize("n", [1, 7, 99, 100, 1001])
def test_every_method_sums_exactly_to_n(method, n):
    sizes = allocate(POP, n, method, sd=SD, cost={"north": 1, "south": 4, "east": 9, "west": 1})
    assert sizes.sum() == n
    assert (sizes >= 0).all()


def test_neyman_equals_closed_form_when_it_is_integer():
    """n_h = n N_h S_h / Σ N_k S_k: weights 40000, 60000, 10000, 40000 over 150000."""
    sizes = allocate(POP, 150, "neyman", sd=SD)
    assert sizes.to_dict() == {"north": 40, "south": 60, "east": 10, "west": 40}


def test_optimal_with_costs_equals_closed_form():
    """n_h ∝ N_h S_h / √c_h, with costs chosen so the shares are whole numbers."""
    cost = {"north": 4.0, "south": 9.0, "east": 1.0, "west": 16.0}
    # weights: 40000/2 = 20000, 60000/3 = 20000, 10000/1 = 10000, 40000/4 = 10000
    sizes = allocate(POP, 60, "optimal", sd=SD, cost=cost)
    assert sizes.to_dict() == {"north": 20, "south": 20, "east": 10, "west": 10}


def test_proportional_is_proportional_and_rounds_by_largest_remainder():
    assert allocate(POP, 10, "proportional").to_dict() == {
        "north": 4,
        "south": 3,
        "east": 2,
        "west": 1,
    }
    # 7 × (0.4, 0.3, 0.2, 0.1) = 2.8, 2.1, 1.4, 0.7 -> floors 2,2,1,0 and two more by remainder
    assert allocate(POP, 7, "proportional").to_dict() == {
        "north": 3,
        "south": 2,
        "east": 1,
        "west": 1,
    }


def test_minimum_and_maximum_are_respected_and_the_rest_is_respread():
    sizes = allocate(POP, 100, "proportional", minimum=15, maximum={"north": 30})
    assert sizes.sum() == 100
    assert sizes["north"] == 30
    assert (sizes >= 15).all()
    # west would get 10 proportionally; the minimum lifts it and the others give way
    assert sizes["west"] == 15


def test_never_more_than_the_stratum_population():
    sizes = allocate({"a": 5, "b": 1000}, 200, "equal")
    assert sizes.to_dict() == {"a": 5, "b": 195}


def test_infeasible_bounds_are_refused_with_a_code():
    with pytest.raises(SamplingError) as err:
        allocate(POP, 10, "proportional", minimum=5)
    assert err.value.code is ErrorCode.ALLOCATION_INFEASIBLE


def test_accepts_a_series_and_keeps_its_order():
    pop = pd.Series([10, 30], index=["z", "a"])
    sizes = allocate(pop, 4)
    assert list(sizes.index) == ["z", "a"]
    assert np.array_equal(sizes.to_numpy(), [1, 3])
