"""`cati estimate`: a project's estimates with the design its sample file described."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from cati import cli, estimation, questionnaire_store
from cati import weighting_targets as wt
from cati.errors import CatiError, ErrorCode
from cati.stats.design import SurveyDesign
from cati.stats.estimates import survey_mean
from cati.stats.specification import DesignSpec
from tests.cati.fieldwork.conftest import make_cases, make_project
from tests.cati.test_weighting_targets import LIBRARY, complete

# (psu, row, completes, answer to purchase_confirmed): clusters of like-minded customers
CELLS = [
    ("p1", "r1", 6, 1),
    ("p1", "r1", 2, 2),
    ("p2", "r2", 3, 1),
    ("p2", "r2", 5, 2),
    ("p3", "r1", 4, 1),
    ("p3", "r2", 4, 1),
    ("p4", "r2", 1, 1),
    ("p4", "r2", 6, 2),
]


@pytest.fixture
def clustered(db):
    project = make_project(db)
    questionnaire_store.pin(db, project, LIBRARY / "customer_satisfaction.yaml")
    for psu, row, n, answer in CELLS:
        cases = make_cases(db, project, n=n, sample_vars={"psu": psu, "row": row})
        complete(db, project, cases, answers={"purchase_confirmed": answer})
    return project


def by_hand() -> tuple[pd.DataFrame, np.ndarray]:
    rows = [(psu, a) for psu, _, n, a in CELLS for _ in range(n)]
    frame = pd.DataFrame(rows, columns=["psu", "answer"])
    return frame, (frame["answer"] == 1).to_numpy(dtype=float)


def test_clustered_estimate_uses_the_psus_of_the_sample(db, clustered) -> None:
    result = estimation.estimate(db, clustered, ["purchase_confirmed=1"], DesignSpec(psu=("psu",)))
    frame, yes = by_hand()
    expected = survey_mean(SurveyDesign.from_frame(frame, ids="psu"), yes, df=3)
    row = result.table.loc["purchase_confirmed=1"]
    assert (row["mean"], row["se"], row["low"]) == pytest.approx(
        (expected.value, expected.se, expected.low), rel=1e-12
    )
    assert result.variance_method == "Taylor linearisation, clustered (4 PSUs)"
    assert result.degrees_of_freedom == 3
    # Ignoring the clusters understates this SE: customers of a PSU answer alike.
    unclustered = estimation.estimate(db, clustered, ["purchase_confirmed=1"], DesignSpec())
    assert unclustered.table.loc["purchase_confirmed=1", "se"] < row["se"]


def test_weighted_estimate_is_raked_with_a_calibrated_variance(db, clustered) -> None:
    wt.set_targets(db, clustered, {"row": {"r1": 0.5, "r2": 0.5}}, replace_all=True)
    result = estimation.estimate(
        db, clustered, ["row=r1", "purchase_confirmed=1"], DesignSpec(psu=("psu",)), weighted=True
    )
    assert result.table.loc["row=r1", "mean"] == pytest.approx(0.5, abs=1e-9)
    assert result.table.loc["row=r1", "se"] < 1e-9  # a raking margin's own share
    assert result.table.loc["purchase_confirmed=1", "se"] > 0
    assert "raked" in result.variance_method


def test_unknown_variable_is_named(db, clustered) -> None:
    with pytest.raises(CatiError) as caught:
        estimation.estimate(db, clustered, ["nothing"], DesignSpec())
    assert caught.value.code is ErrorCode.ESTIMATE_FAILED and "nothing" in str(caught.value)


def test_the_command_prints_estimates_and_the_variance_method(
    db, clustered, database_url, tmp_path, monkeypatch, app
) -> None:
    monkeypatch.setenv("CATI_DATABASE_URL", database_url)
    monkeypatch.setenv("CATI_INSTANCE_PATH", str(tmp_path))
    cli._app.cache_clear()
    try:
        args = ["estimate", clustered.code, "purchase_confirmed=1", "--psu", "psu"]
        result = CliRunner().invoke(cli.main, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert "purchase_confirmed=1" in result.output
        assert "Variance: Taylor linearisation, clustered (4 PSUs); df 3" in result.output
        bad = CliRunner().invoke(cli.main, ["estimate", clustered.code, "nothing"])
        assert bad.exit_code == 1 and "E2850" in bad.output
    finally:
        cli._app.cache_clear()
