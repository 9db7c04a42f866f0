"""The stored R values are what ``reference/make_reference.R`` computes (only where R is).

Skipped without ``Rscript`` (the other tests read the stored ``reference.json``), so CI need
not install R; with ``r-base-core`` and ``r-cran-survey`` it re-runs the script in a temporary
directory and compares every value to 1e-6 relative.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import numpy as np
import pytest

from tests.cati.stats.conftest import REFERENCE


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R (Rscript) is not installed")
def test_reference_script_reproduces_the_stored_values(tmp_path, r_values) -> None:
    script = tmp_path / "make_reference.R"
    shutil.copy(REFERENCE / "make_reference.R", script)
    subprocess.run(
        ["Rscript", script.name], cwd=tmp_path, check=True, capture_output=True, timeout=300
    )
    fresh = json.loads((tmp_path / "reference.json").read_text())
    assert fresh.keys() == r_values.keys()
    for name, values in r_values.items():
        np.testing.assert_allclose(fresh[name], values, rtol=1e-6, atol=1e-12, err_msg=name)
