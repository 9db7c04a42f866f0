"""Banner letters on a calibrated cluster design come from R survey's domain SEs.

R: ``svyby(~I(awards == "Yes"), ~stype, rk, svymean)`` and ``svyby(~api00, ~stype, rk,
svymean)`` on ``rk``, apiclus1 raked to the school types and ``sch.wide``
(``reference/make_reference.R``, "banner letters"); a pair of columns differs when
|a − b| / √(se_a² + se_b²) passes the t test on ``degf(rk)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cati.stats.banner import BannerVariable, Question, banner_table
from cati.stats.calibration import rake_design
from cati.stats.design import SurveyDesign
from cati.stats.significance import TestSettings, sorted_letters

TYPES = {"E": 4421, "H": 755, "M": 1018}
LEVELS = ("E", "H", "M")  # columns A, B, C
SETTINGS = TestSettings(high_level=0.95, low_level=0.90, min_base=5)


def expected_letters(values: list[float]) -> list[str]:
    estimate, se = np.array(values[:3]), np.array(values[3:])
    df = 14  # degf(rk): 15 districts − 1
    cells = [""] * 3
    for a in range(3):
        for b in range(a + 1, 3):
            t = (estimate[a] - estimate[b]) / np.hypot(se[a], se[b])
            p = 2 * stats.t.sf(abs(t), df)
            higher, lower = (a, b) if t > 0 else (b, a)
            letter = "ABC"[lower]
            cells[higher] += letter if p < 0.05 else letter.lower() if p < 0.10 else ""
    return ["", *sorted_letters(cells)]  # the Total column is not tested


@pytest.fixture(scope="module")
def table(apiclus1: pd.DataFrame, r_values):
    dclus1 = SurveyDesign.from_frame(apiclus1, ids="dnum", weights="pw", fpc="fpc")
    no, yes = r_values["pop.schwide"]
    rk = rake_design(dclus1, apiclus1, {"stype": TYPES, "sch.wide": {"No": no, "Yes": yes}})
    frame = apiclus1.assign(awards=apiclus1["awards"].map({"Yes": 1.0, "No": 2.0}))
    questions = [
        Question("awards", "Awards", "single", ((1.0, "Yes"), (2.0, "No"))),
        Question("api00", "API", "numeric"),
    ]
    banner = [BannerVariable("stype", "School type", tuple((s, s) for s in LEVELS))]
    return banner_table(frame, questions, banner, design=rk, settings=SETTINGS)


def test_share_letters_follow_the_domain_ses_of_r(table, r_values) -> None:
    yes = table.blocks[0].rows[0]
    assert yes.percent[1:] == pytest.approx(
        100 * np.array(r_values["banner.rk.awards.by.stype"][:3])
    )
    assert yes.letters == expected_letters(r_values["banner.rk.awards.by.stype"])
    assert any(yes.letters)  # elementary schools win awards more often: a real difference


def test_mean_letters_follow_the_domain_ses_of_r(table, r_values) -> None:
    mean = next(r for r in table.blocks[1].rows if r.kind == "mean")
    assert mean.value[1:] == pytest.approx(r_values["banner.rk.api00.by.stype"][:3])
    assert mean.letters == expected_letters(r_values["banner.rk.api00.by.stype"])
