"""AAPOR outcome rates (Standard Definitions): response, cooperation, refusal and contact rates.

Final dispositions fall in eight groups: complete (I) and partial (P) interviews; refusals and
break-offs (R), non-contacts (NC) and other eligible non-interviews (O); unknown if household
(UH) and unknown other (UO); not eligible (NE). ``e``, the share of unknown-eligibility cases
taken as eligible, defaults to the proportional allocation of AAPOR's response rate
calculator: e = (I+P+R+NC+O) / (I+P+R+NC+O+NE).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import asdict, dataclass

import pandas as pd

from cati.problems import N_
from cati.stats.errors import ErrorCode, StatsError, require_columns

CATEGORIES = ("I", "P", "R", "NC", "O", "UH", "UO", "NE")

RATE_NAMES = (
    *(f"RR{i}" for i in range(1, 7)),
    *(f"COOP{i}" for i in range(1, 5)),
    *(f"REF{i}" for i in range(1, 4)),
    *(f"CON{i}" for i in range(1, 4)),
)

# Longest prefix first: "3.9" must not be read as "3." something else.
_CODE_PREFIXES: tuple[tuple[str, str], ...] = (
    ("1.1", "I"),
    ("1.2", "P"),
    ("2.1", "R"),
    ("2.2", "NC"),
    ("2.3", "O"),
    ("3.1", "UH"),
    ("3.2", "UO"),
    ("3.9", "UO"),
    ("4.", "NE"),
)


def category_of(code: str) -> str:
    """AAPOR category of a disposition code such as "1.1", "2.111", "3.13" or "4.70"."""
    text = str(code).strip()
    for prefix, category in _CODE_PREFIXES:
        if text.startswith(prefix):
            return category
    raise StatsError(
        ErrorCode.DISPOSITION_UNKNOWN,
        N_("AAPOR code %(code)r is not a known final disposition (1.1 to 4.x)"),
        code=code,
    )


@dataclass(frozen=True)
class DispositionCounts:
    I: int = 0  # noqa: E741 - AAPOR's own name for complete interviews
    P: int = 0
    R: int = 0
    NC: int = 0
    O: int = 0  # noqa: E741 - AAPOR's own name for other eligible non-interviews
    UH: int = 0
    UO: int = 0
    NE: int = 0

    @classmethod
    def from_codes(cls, codes: Iterable[str]) -> DispositionCounts:
        counts = dict.fromkeys(CATEGORIES, 0)
        for code in codes:
            counts[category_of(code)] += 1
        return cls(**counts)

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if value < 0:
                raise StatsError(
                    ErrorCode.DISPOSITION_COUNT_NEGATIVE,
                    N_("disposition count %(name)s is %(value)s; counts cannot be negative"),
                    name=name,
                    value=value,
                )

    @property
    def estimated_e(self) -> float:
        """Proportional allocation: eligible share among cases whose eligibility is known."""
        eligible = self.I + self.P + self.R + self.NC + self.O
        known = eligible + self.NE
        return eligible / known if known else 0.0


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else float("nan")


def outcome_rates(counts: DispositionCounts, e: float | None = None) -> dict[str, float]:
    """The 16 AAPOR rates as fractions (NaN where a denominator is 0)."""
    if e is None:
        e = counts.estimated_e
    if not 0 <= e <= 1:
        raise StatsError(
            ErrorCode.ELIGIBILITY_SHARE, N_("e must be between 0 and 1; got %(e)s"), e=e
        )
    c = counts
    interviews = c.I + c.P
    eligible_non = c.R + c.NC + c.O
    unknown = c.UH + c.UO
    contacted = interviews + c.R + c.O
    return {
        "RR1": _ratio(c.I, interviews + eligible_non + unknown),
        "RR2": _ratio(interviews, interviews + eligible_non + unknown),
        "RR3": _ratio(c.I, interviews + eligible_non + e * unknown),
        "RR4": _ratio(interviews, interviews + eligible_non + e * unknown),
        "RR5": _ratio(c.I, interviews + eligible_non),
        "RR6": _ratio(interviews, interviews + eligible_non),
        "COOP1": _ratio(c.I, interviews + c.R + c.O),
        "COOP2": _ratio(interviews, interviews + c.R + c.O),
        "COOP3": _ratio(c.I, interviews + c.R),
        "COOP4": _ratio(interviews, interviews + c.R),
        "REF1": _ratio(c.R, interviews + eligible_non + unknown),
        "REF2": _ratio(c.R, interviews + eligible_non + e * unknown),
        "REF3": _ratio(c.R, interviews + eligible_non),
        "CON1": _ratio(contacted, contacted + c.NC + unknown),
        "CON2": _ratio(contacted, contacted + c.NC + e * unknown),
        "CON3": _ratio(contacted, contacted + c.NC),
    }


def rates_by(
    outcomes: pd.DataFrame,
    by: str | Sequence[str] | None = None,
    *,
    code_column: str = "aapor",
    e: float | None = None,
) -> pd.DataFrame:
    """Counts per category, ``e`` and the 16 rates per group (interviewer, replicate, ...).

    One row per final case; with ``by`` the result has one row per group plus a final
    ``"all"`` row for the whole set. ``e`` is estimated per group unless given.
    """
    names = [] if by is None else [by] if isinstance(by, str) else list(by)
    require_columns(outcomes.columns, [code_column, *names])
    categories = outcomes[code_column].map(category_of)

    def row(codes: pd.Series) -> dict[str, float]:
        counts = DispositionCounts(**codes.value_counts().reindex(CATEGORIES, fill_value=0))
        e_used = counts.estimated_e if e is None else e
        return {**asdict(counts), "e": e_used, **outcome_rates(counts, e_used)}

    rows: dict[Hashable, dict[str, float]] = {}
    if names:
        for key, group in categories.groupby([outcomes[n] for n in names], sort=True):
            rows[key[0] if len(names) == 1 else key] = row(group)
    rows["all"] = row(categories)
    return pd.DataFrame.from_dict(rows, orient="index")
