"""Bounded raking against R's ``calibrate(calfun="raking", bounds=)`` on random problems.

Each problem has 400 respondents with design weights, two margins (3 and 4 categories) whose
population counts move the weighted sample by up to ±40 %, and bounds drawn just inside the
range of the unbounded g, so they bind. ``reference/bounded_raking.R`` calibrates them in R;
R runs where it is installed (skipped otherwise, failing under ``CATI_REQUIRE_ALL=1``).
"""

from __future__ import annotations

import json
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from cati.stats.calibration import calibrate, margin_matrix
from cati.stats.design import SurveyDesign
from cati.stats.errors import StatsError
from tests.cati.stats.conftest import REFERENCE
from tests.conftest import skip_or_fail

PROBLEMS = 40


def problems(seed: int = 2) -> list[tuple[pd.DataFrame, dict, tuple[float, float]]]:
    rng = np.random.default_rng(seed)
    made = []
    for _ in range(PROBLEMS):
        frame = pd.DataFrame(
            {
                "a": rng.choice(list("xyz"), 400, p=[0.5, 0.3, 0.2]),
                "b": rng.choice(list("pqrs"), 400, p=[0.4, 0.3, 0.2, 0.1]),
                "w": rng.uniform(0.5, 2, 400),
            }
        )
        margins = {}
        for variable in "ab":
            now = frame.groupby(variable)["w"].sum()
            share = now * rng.uniform(0.7, 1.4, len(now))
            margins[variable] = dict(share / share.sum() * frame["w"].sum())
        free = calibrate(SurveyDesign.from_weights(frame["w"]), frame, margins, calfun="raking")
        g = free.weights / frame["w"].to_numpy()
        low = min(g.min() * rng.uniform(1.0, 1.06), 0.999)
        high = max(g.max() * rng.uniform(0.94, 1.0), 1.001)
        made.append((frame, margins, (float(low), float(high))))
    return made


def test_bounded_raking_equals_r_where_r_converges_and_converges_where_r_does_not(tmp_path):
    if shutil.which("Rscript") is None:
        skip_or_fail("R is not installed: apt-get install r-base-core r-cran-survey")
    made = problems()
    rows = [frame.assign(problem=k) for k, (frame, _, _) in enumerate(made)]
    pd.concat(rows).to_csv(tmp_path / "problems.csv", index=False)
    listed = [{"margins": m, "bounds": b} for _, m, b in made]
    (tmp_path / "problems.json").write_text(json.dumps(listed))
    shutil.copy(REFERENCE / "bounded_raking.R", tmp_path)
    subprocess.run(
        ["Rscript", "bounded_raking.R"], cwd=tmp_path, check=True, capture_output=True, timeout=300
    )
    r = pd.read_csv(tmp_path / "weights.csv")
    r_converged = cati_only = 0
    for k, (frame, margins, bounds) in enumerate(made):
        design = SurveyDesign.from_weights(frame["w"])
        try:
            weights = calibrate(design, frame, margins, calfun="raking", bounds=bounds).weights
        except StatsError:
            weights = None
        theirs = r[r["problem"] == k]
        if theirs["ok"].iloc[0] == 1:
            r_converged += 1
            assert weights is not None, f"problem {k}: R converged, cati did not"
            np.testing.assert_allclose(weights, theirs["weight"], rtol=1e-6, err_msg=str(k))
        elif weights is not None:
            cati_only += 1
            assert_bounded_raking(frame, margins, bounds, weights)
    assert r_converged >= PROBLEMS // 4
    assert cati_only > 0  # R stops with "Calibration failed" where bounded weights exist


def assert_bounded_raking(frame, margins, bounds, weights) -> None:
    """R's definition, checked without R: the margins are met, g is within the bounds and,
    where not clipped, g = exp(xλ) (log g lies in the span of the margins' columns)."""
    x, totals = margin_matrix(frame, margins)
    np.testing.assert_allclose(x.T @ weights, totals, rtol=1e-6)
    g = weights / frame["w"].to_numpy()
    low, high = bounds
    assert g.min() >= low * (1 - 1e-9) and g.max() <= high * (1 + 1e-9)
    free = (g > low * (1 + 1e-9)) & (g < high * (1 - 1e-9))
    lam = np.linalg.lstsq(x[free], np.log(g[free]), rcond=None)[0]
    np.testing.assert_allclose(x[free] @ lam, np.log(g[free]), atol=1e-6)
    clipped_low, clipped_high = g <= low * (1 + 1e-9), g >= high * (1 - 1e-9)
    assert (x[clipped_low] @ lam <= np.log(low) + 1e-6).all()
    assert (x[clipped_high] @ lam >= np.log(high) - 1e-6).all()


def test_impossible_bounds_are_an_error_naming_them() -> None:
    frame, margins, _ = problems()[0]
    design = SurveyDesign.from_weights(frame["w"])
    with pytest.raises(StatsError) as caught:
        calibrate(design, frame, margins, calfun="raking", bounds=(0.99, 1.01))
    assert caught.value.code == "T307" and "between 0.99 and 1.01" in str(caught.value)
