"""A design from the columns a sample file carried (text values, as sample variables are)."""

from __future__ import annotations

import pandas as pd
import pytest

from cati.project_design import variance_method
from cati.stats.errors import StatsError
from cati.stats.estimates import survey_mean
from cati.stats.replicates import ReplicateDesign
from cati.stats.specification import DesignSpec, build_design, replicate_columns
from tests.cati.stats.conftest import REFERENCE
from tests.cati.stats.test_designs_r import check
from tests.cati.stats.test_replicates_r import BRR


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(str)


def test_cluster_design_from_text_columns(apiclus1, r_values) -> None:
    frame = as_text(apiclus1[["dnum", "pw", "fpc"]]).assign(api00=apiclus1["api00"])
    design = build_design(frame, DesignSpec(weights="pw", psu=("dnum",), fpc=("fpc",)))
    check(survey_mean(design, frame["api00"]), r_values, "clus1.mean.api00")
    assert variance_method(design, None, "en") == (
        "Taylor linearisation, clustered (15 PSUs), finite population correction"
    )


def test_replicate_design_from_numbered_columns(r_values) -> None:
    """The scd BRR example with its replicate columns named repw1..repw4 (in any order)."""
    scd = pd.read_csv(REFERENCE / "scd.csv")
    frame = scd.assign(w="1", **{f"repw{i + 1}": BRR[:, i].astype(str) for i in (3, 2, 1, 0)})
    assert replicate_columns(frame, "repw") == ["repw1", "repw2", "repw3", "repw4"]
    design = build_design(
        frame, DesignSpec(weights="w", replicate_prefix="repw", replicate_type="BRR")
    )
    assert isinstance(design, ReplicateDesign)
    check(survey_mean(design, frame["arrests"]), r_values, "scd.brr.mean.arrests")
    assert variance_method(design, None, "es") == "Pesos replicados BRR (4 réplicas)"


def test_bad_cells_name_the_column(apiclus1) -> None:
    frame = as_text(apiclus1[["dnum", "pw"]])
    frame.loc[3, "pw"] = "n/a"
    with pytest.raises(StatsError) as caught:
        build_design(frame, DesignSpec(weights="pw", psu=("dnum",)))
    assert caught.value.code == "T308"
    assert caught.value.problem.place.column == "pw"
    with pytest.raises(StatsError) as caught:
        build_design(frame, DesignSpec(weights="pw", replicate_prefix="repw"))
    assert caught.value.code == "T306"
