"""List-assisted random digit dialling (Casady & Lepkowski 1993).

The frame is every number in the 100-banks (a prefix plus two final digits) that hold at
least `min_listed` directory-listed numbers; banks below the threshold are cut, which is
where the method saves calls. Numbers are drawn with equal probability and without
replacement from that frame, so π = n / (100 · banks kept) for every generated number.
Each number is then checked with `phonenumbers`: those libphonenumber says cannot exist are
returned apart, as out-of-scope units that keep the others' π unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cati.problems import N_, Place
from sampling.errors import ErrorCode, SamplingError, missing_columns
from sampling.phones import normalize_many
from sampling.randomness import RandomState, as_generator

_PREFIX = re.compile(r"^\+\d{4,13}$")


@dataclass(frozen=True)
class RddDraw:
    numbers: pd.DataFrame  # id, phone (E.164), phone_kind, bank, pi, weight
    rejected: pd.DataFrame  # generated numbers libphonenumber says cannot exist, and why
    banks_kept: int
    frame_size: int


def clean_banks(banks: pd.DataFrame, first_row: int = 2) -> pd.DataFrame:
    """Validate a bank table (columns `prefix`, `listed`); prefixes in international form."""
    missing = {"prefix", "listed"} - set(banks.columns)
    if missing:
        raise missing_columns(sorted(missing), banks.columns)
    prefix = banks["prefix"].astype(str).str.replace(r"[\s\-().]", "", regex=True)
    listed = pd.to_numeric(banks["listed"], errors="coerce")
    for pos in range(len(banks)):
        row = pos + first_row
        if not _PREFIX.match(prefix.iloc[pos]):
            raise SamplingError.one(
                ErrorCode.RDD_INPUT,
                N_("invalid RDD bank table: prefix must be '+' and digits"),
                Place(row=row, column="prefix"),
            )
        value = listed.iloc[pos]
        if not (np.isfinite(value) and value >= 0 and value == int(value)):
            raise SamplingError.one(
                ErrorCode.RDD_INPUT,
                N_("invalid RDD bank table: listed must be a whole number ≥ 0"),
                Place(row=row, column="listed"),
            )
    repeated = prefix.duplicated()
    if repeated.any():
        pos = int(np.flatnonzero(repeated)[0])
        raise SamplingError.one(
            ErrorCode.RDD_INPUT,
            N_("invalid RDD bank table: bank listed twice"),
            Place(row=pos + first_row, column="prefix"),
        )
    return pd.DataFrame({"prefix": prefix.to_numpy(), "listed": listed.astype(int).to_numpy()})


def rdd_sample(
    banks: pd.DataFrame, n: int, *, min_listed: int = 1, random: RandomState = None
) -> RddDraw:
    """Draw n numbers with equal probability from the banks with ≥ `min_listed` listings."""
    table = clean_banks(banks)
    kept = table[table["listed"] >= min_listed].reset_index(drop=True)
    size = 100 * len(kept)
    if not 0 <= n <= size:
        raise SamplingError.one(
            ErrorCode.RDD_INPUT,
            N_(
                "invalid RDD bank table: n = %(n)s but the %(banks)s bank(s) kept hold "
                "%(size)s numbers"
            ),
            n=n,
            banks=len(kept),
            size=size,
        )
    rng = as_generator(random)
    drawn = np.sort(rng.choice(size, size=n, replace=False))
    prefixes = kept["prefix"].to_numpy()[drawn // 100]
    numbers = [f"{p}{d:02d}" for p, d in zip(prefixes, (drawn % 100).tolist(), strict=True)]
    outcomes = normalize_many(numbers, region="001")
    good = [
        (num, p) for num, p in zip(numbers, prefixes, strict=True) if not _failed(outcomes[num])
    ]
    bad = [(num, outcomes[num].problem.message) for num in numbers if _failed(outcomes[num])]
    pi = n / size if size else 0.0
    # The columns of a drawn frame sample, so that the numbers import as a project's cases.
    result = pd.DataFrame(
        {
            "id": [f"RDD{k:06d}" for k in range(1, len(good) + 1)],
            "phone": [outcomes[num].e164 for num, _ in good],
            "phone_kind": [outcomes[num].kind for num, _ in good],
            "bank": [p for _, p in good],
            "pi": pi,
            "weight": 1 / pi if pi else np.inf,
        }
    )
    rejected = pd.DataFrame(bad, columns=["phone", "reason"])
    return RddDraw(result, rejected, len(kept), size)


def _failed(outcome) -> bool:
    return isinstance(outcome, SamplingError)
