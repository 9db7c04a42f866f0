"""AAPOR rates on a hand-worked example (formulas of the Standard Definitions)."""

from __future__ import annotations

import pandas as pd
import pytest

from cati.stats.aapor import DispositionCounts, category_of, outcome_rates, rates_by
from cati.stats.errors import StatsError, UnknownVariableError

# I=200, P=20, R=100, NC=80, O=20, UH=40, UO=60, NE=80.
# Interviews I+P = 220; eligible non-interviews R+NC+O = 200; unknown UH+UO = 100.
# e = (I+P+R+NC+O) / (I+P+R+NC+O+NE) = 420 / 500 = 0.84, so e·(UH+UO) = 84.
# Denominators: with all unknowns 220+200+100 = 520; with e 220+200+84 = 504; none 420.
# Contacted (I+P)+R+O = 340; CON denominators 340+NC+unknown: 520, 504, 420.
EXAMPLE = DispositionCounts(I=200, P=20, R=100, NC=80, O=20, UH=40, UO=60, NE=80)
EXPECTED = {
    "RR1": 200 / 520,
    "RR2": 220 / 520,
    "RR3": 200 / 504,
    "RR4": 220 / 504,
    "RR5": 200 / 420,
    "RR6": 220 / 420,
    "COOP1": 200 / 340,  # I / ((I+P) + R + O)
    "COOP2": 220 / 340,
    "COOP3": 200 / 320,  # I / ((I+P) + R)
    "COOP4": 220 / 320,
    "REF1": 100 / 520,
    "REF2": 100 / 504,
    "REF3": 100 / 420,
    "CON1": 340 / 520,
    "CON2": 340 / 504,
    "CON3": 340 / 420,
}


def test_estimated_e_is_proportional_allocation() -> None:
    assert EXAMPLE.estimated_e == pytest.approx(0.84)


def test_sixteen_rates_on_the_hand_worked_example() -> None:
    rates = outcome_rates(EXAMPLE)
    assert rates == pytest.approx(EXPECTED)
    assert outcome_rates(EXAMPLE, e=0.5)["RR3"] == pytest.approx(200 / 470)  # 420 + 0.5·100


def test_codes_map_to_categories() -> None:
    codes = {"1.1": "I", "1.2": "P", "2.111": "R", "2.12": "R", "2.21": "NC", "2.33": "O"}
    codes |= {"3.12": "UH", "3.13": "UH", "3.21": "UO", "3.90": "UO", "4.70": "NE", "4.2": "NE"}
    assert {code: category_of(code) for code in codes} == codes
    with pytest.raises(StatsError, match=r"'5\.1'"):
        category_of("5.1")


def test_rates_by_interviewer_and_overall() -> None:
    frame = pd.DataFrame(
        {
            "interviewer": ["ana"] * 4 + ["bo"] * 4,
            "aapor": ["1.1", "1.1", "2.111", "4.70", "1.1", "2.21", "3.13", "3.13"],
        }
    )
    table = rates_by(frame, "interviewer")
    # ana: I=2, R=1, NE=1 -> RR1 = 2/3, e = 3/4. bo: I=1, NC=1, UH=2 -> e = 1, RR3 = 1/4.
    assert table.loc["ana", "RR1"] == pytest.approx(2 / 3)
    assert table.loc["ana", "e"] == pytest.approx(0.75)
    assert table.loc["bo", "RR3"] == pytest.approx(1 / 4)
    # all: I=3, R=1, NC=1, UH=2, NE=1 -> e = 5/6, RR3 = 3 / (5 + 5/6·2).
    assert table.loc["all", "RR3"] == pytest.approx(3 / (5 + 2 * 5 / 6))
    with pytest.raises(UnknownVariableError, match="'replicate'"):
        rates_by(frame, "replicate")
