"""The apistrat fixture: R survey's stratified sample of California schools.

``data/apistrat.csv`` is ``data(api); apistrat`` from the R package survey (version 4.1-1,
Debian r-cran-survey), written with ``write.csv(apistrat, row.names=FALSE)``: 200 schools
sampled from the 6,194 in the California Department of Education's Academic Performance
Index (API) 2000 file, stratified by school type (E 100, M 50, H 50), with sampling
weights ``pw`` and stratum population sizes ``fpc``. The same rows are shipped by the samplics
project as ``tests/regression/api_strat.csv``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def apistrat() -> pd.DataFrame:
    return pd.read_csv(DATA / "apistrat.csv")


REFERENCE = Path(__file__).parent / "reference"


@pytest.fixture(scope="session")
def r_values() -> dict[str, list[float]]:
    """Values R survey 4.1-1 computed with ``reference/make_reference.R`` (15 digits)."""
    return json.loads((REFERENCE / "reference.json").read_text())


@pytest.fixture(scope="session")
def apiclus1() -> pd.DataFrame:
    """``data(api); apiclus1``: 15 of 757 districts (PSU dnum), every school in them."""
    return pd.read_csv(REFERENCE / "apiclus1.csv")


@pytest.fixture(scope="session")
def apiclus2() -> pd.DataFrame:
    """``apiclus2``: 40 districts, then up to 5 schools in each (fpc1, fpc2)."""
    return pd.read_csv(REFERENCE / "apiclus2.csv")
