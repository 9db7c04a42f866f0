"""The stored R values are what ``reference/make_reference.R`` computes (only where R is).

With ``r-base-core`` and ``r-cran-survey`` (``.ci/run`` installs them) it re-runs the script in
a temporary directory and compares every value to 1e-6 relative. Without R it skips locally (the
other tests read the stored ``reference.json``) and fails under ``CATI_REQUIRE_ALL=1``.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import numpy as np

from tests.cati.stats.conftest import REFERENCE
from tests.conftest import skip_or_fail


def test_reference_script_reproduces_the_stored_values(tmp_path, r_values) -> None:
    if shutil.which("Rscript") is None:
        skip_or_fail("R is not installed: apt-get install r-base-core r-cran-survey")
    script = tmp_path / "make_reference.R"
    shutil.copy(REFERENCE / "make_reference.R", script)
    subprocess.run(
        ["Rscript", script.name], cwd=tmp_path, check=True, capture_output=True, timeout=300
    )
    fresh = json.loads((tmp_path / "reference.json").read_text())
    assert fresh.keys() == r_values.keys()
    for name, values in r_values.items():
        np.testing.assert_allclose(fresh[name], values, rtol=1e-6, atol=1e-12, err_msg=name)
