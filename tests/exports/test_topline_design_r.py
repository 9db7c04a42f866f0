"""A topline on a project's design gives R survey's numbers: shares with
``svyciprop(method="logit")`` and means with their t interval, on the design's df.

Reference values: ``tests/cati/stats/reference/make_reference.R`` ("toplines"), on R
survey's ``apistrat`` (stratified, fpc) and ``apiclus1`` raked to the population's school
types and ``sch.wide`` (``rake()``), then trimmed with ``trimWeights(upper=45, strict=TRUE)``, and
``as.svrepdesign(dclus1, type="JK1")``.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from cati.project_design import trim_design
from cati.stats.calibration import rake_design
from cati.stats.design import SurveyDesign
from cati.stats.replicates import ReplicateDesign
from exports.topline import build_topline
from questionnaires import Questionnaire
from tests.cati.stats.conftest import DATA, REFERENCE
from tests.exports.conftest import Col

QUESTIONNAIRE = Questionnaire.model_validate(
    {
        "id": "api",
        "version": "1",
        "title": "Schools",
        "questions": [
            {
                "id": "awards",
                "type": "single",
                "text": "Eligible for awards?",
                "options": [{"code": 1, "label": "Yes"}, {"code": 2, "label": "No"}],
            },
            {"id": "api00", "type": "numeric", "text": "API in 2000"},
        ],
    }
)
COLUMNS = [
    Col("awards", "Eligible for awards?", "numeric", {1: "Yes", 2: "No"}, question_id="awards"),
    Col("api00", "API in 2000", "numeric", question_id="api00"),
]
TYPES = {"E": 4421, "H": 755, "M": 1018}


@pytest.fixture(scope="module")
def r_values() -> dict[str, list[float]]:
    return json.loads((REFERENCE / "reference.json").read_text())


@pytest.fixture(scope="module")
def apistrat() -> pd.DataFrame:
    return pd.read_csv(DATA / "apistrat.csv")


@pytest.fixture(scope="module")
def apiclus1() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "apiclus1.csv")


def frame_of(data: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {"awards": np.where(data["awards"] == "Yes", 1.0, 2.0), "api00": data["api00"]}
    )


def check(design, data: pd.DataFrame, r_values, name: str, rel: float = 1e-9) -> None:
    awards, api00 = build_topline(frame_of(data), COLUMNS, QUESTIONNAIRE, design=design)
    yes = awards.rows[0]
    p, _se, low, high = r_values[f"topline.{name}.awards"]
    assert (yes.percent, yes.low, yes.high) == pytest.approx(
        (100 * p, 100 * low, 100 * high), rel=rel
    )
    mean, se, low, high = r_values[f"topline.{name}.api00"]
    found = api00.estimate
    assert (found.value, found.se, found.low, found.high) == pytest.approx(
        (mean, se, low, high), rel=rel
    )


def raked(apiclus1: pd.DataFrame, r_values) -> SurveyDesign:
    dclus1 = SurveyDesign.from_frame(apiclus1, ids="dnum", weights="pw", fpc="fpc")
    no, yes = r_values["pop.schwide"]
    return rake_design(dclus1, apiclus1, {"stype": TYPES, "sch.wide": {"No": no, "Yes": yes}})


def test_stratified_topline_equals_r(apistrat, r_values) -> None:
    design = SurveyDesign.from_frame(apistrat, strata="stype", weights="pw", fpc="fpc")
    check(design, apistrat, r_values, "dstrat")


def test_raked_cluster_topline_has_the_calibration_aware_se_of_r(apiclus1, r_values) -> None:
    check(raked(apiclus1, r_values), apiclus1, r_values, "rk")


def test_trimmed_topline_equals_r_trim_weights(apiclus1, r_values) -> None:
    design = trim_design(raked(apiclus1, r_values), (0.0, 45.0))
    np.testing.assert_allclose(design.weights, r_values["topline.trimmed.weights"], rtol=1e-9)
    check(design, apiclus1, r_values, "trimmed")


def test_replicate_topline_refits_the_logit_per_replicate_as_r(apiclus1, r_values) -> None:
    dclus1 = SurveyDesign.from_frame(apiclus1, ids="dnum", weights="pw", fpc="fpc")
    # R's svyciprop fits the logit by iterations: agreement to 1e-8
    check(ReplicateDesign.from_design(dclus1, "JK1"), apiclus1, r_values, "jk1", rel=1e-8)
