"""List-assisted RDD from 100-banks. Fictional ranges only: NANP 555-01xx, Ofcom drama."""

import numpy as np
import pandas as pd
import pytest

from sampling.errors import ErrorCode, SamplingError
from sampling.rdd import rdd_sample

BANKS = pd.DataFrame(
    {
        "prefix": ["+1 202 555 01", "+1 212 555 01", "+1 305 555 01", "+44 7700 9001"],
        "listed": [12, 0, 3, 7],
    }
)


def test_banks_below_the_threshold_are_cut_and_pi_is_n_over_the_kept_frame():
    result = rdd_sample(BANKS, 60, min_listed=3, random=1)
    assert result.banks_kept == 3 and result.frame_size == 300
    assert (result.numbers["pi"] == 0.2).all() and (result.numbers["weight"] == 5).all()
    assert not result.numbers["bank"].eq("+121255501").any()


def test_numbers_are_distinct_e164_from_kept_banks_and_impossible_ones_set_aside():
    """Ofcom's drama range is never assigned: libphonenumber rejects it, so it is set aside."""
    result = rdd_sample(BANKS, 300, min_listed=3, random=2)
    numbers = result.numbers["phone"]
    assert numbers.is_unique
    assert numbers.str.match(r"^\+1(202|305)55501\d\d$").all()
    assert len(numbers) == 200 and len(result.rejected) == 100
    assert result.rejected["phone"].str.startswith("+447700900").all()


def test_every_number_in_the_kept_banks_is_equally_likely():
    hits = pd.Series(0, index=[f"+1202555{d:04d}" for d in range(100, 200)])
    banks = BANKS.iloc[[0, 2]]
    for seed in range(1000):
        drawn = rdd_sample(banks, 20, random=seed).numbers["phone"]
        hits[drawn[drawn.str.startswith("+1202")]] += 1
    freq = hits / 1000
    z = (freq - 0.1) / np.sqrt(0.1 * 0.9 / 1000)
    assert z.abs().max() < 4.1  # Bonferroni bound for 100 units at α = 0.001 is 4.06


def test_bad_bank_table_names_the_row():
    bad = pd.DataFrame({"prefix": ["+1 202 555 01", "202-555"], "listed": [1, 2]})
    with pytest.raises(SamplingError) as err:
        rdd_sample(bad, 1)
    place = err.value.problem.place
    assert (err.value.code, place.row, place.column) == (ErrorCode.RDD_INPUT, 3, "prefix")


def test_asking_for_more_numbers_than_the_frame_holds_is_refused():
    with pytest.raises(SamplingError, match="hold 100 numbers"):
        rdd_sample(BANKS, 101, min_listed=10)
