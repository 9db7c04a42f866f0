"""R haven (2.5) reads the .dta and .sav files as R users get them: labelled codes, tagged
missing values .d/.r in Stata, user-missing DK/REF codes in SPSS, an age of 98 kept as an age,
dates as dates. haven shares no code with pyreadstat's writer's Python side, and the checks
are on what R prints, not on cati's own reading."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from cati import reporting
from tests.conftest import skip_or_fail
from tests.exports.test_statfiles_readers import project  # noqa: F401 (fixture)

SCRIPT = r"""
library(haven)
say <- function(key, value) cat(key, "=", paste(value, collapse = "|"), "\n", sep = "")
d <- read_dta("every.dta")
say("dta.region.class", class(d$region)[1])
say("dta.region.labels", paste(names(attr(d$region, "labels")), collapse = ","))
say("dta.region", as.numeric(d$region))
say("dta.age", as.numeric(d$age))
say("dta.age.tags", ifelse(is.na(na_tag(d$age)), "-", na_tag(d$age)))
say("dta.spend.tags", ifelse(is.na(na_tag(d$spend)), "-", na_tag(d$spend)))
say("dta.age.labelled", inherits(d$age, "haven_labelled"))
say("dta.why.label", attr(d$why, "label"))
say("dta.visit.class", class(d$visit)[1])
say("dta.visit", format(d$visit))
s <- read_sav("every.sav", user_na = TRUE)
say("sav.region.class", class(s$region)[1])
say("sav.region.na_values", attr(s$region, "na_values"))
say("sav.age", as.numeric(s$age))
say("sav.age.missing", is.na(s$age))
say("sav.visit.class", class(s$visit)[1])
say("sav.booked", format(s$booked, "%Y-%m-%d %H:%M"))
"""


def haven(tmp_path: Path) -> dict[str, str]:
    if shutil.which("Rscript") is None:
        skip_or_fail("R is not installed: apt-get install r-base-core r-cran-haven")
    probe = subprocess.run(["Rscript", "-e", "library(haven)"], capture_output=True)
    if probe.returncode != 0:
        skip_or_fail("R haven is not installed: apt-get install r-cran-haven")
    (tmp_path / "read.R").write_text(SCRIPT)
    run = subprocess.run(
        ["Rscript", "read.R"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    return dict(line.split("=", 1) for line in run.stdout.splitlines() if "=" in line)


def test_r_haven_reads_the_stata_and_spss_files_as_r_users_expect(db, project, tmp_path):  # noqa: F811
    reporting.export_data(db, project, "dta", tmp_path / "every.dta")
    reporting.export_data(db, project, "sav", tmp_path / "every.sav")
    r = haven(tmp_path)
    # Stata: codes labelled, Don't know and Refused as tagged missing values .d and .r.
    assert r["dta.region.class"] == "haven_labelled"
    assert r["dta.region.labels"] == "North,South,Don't know,Refused"
    assert r["dta.region"] == "1|2|NA|1"
    assert r["dta.age"] == "40|98|NA|65"  # the 98-year-old is an age
    assert r["dta.age.tags"] == "-|-|d|-"
    assert r["dta.spend.tags"] == "-|-|r|-"
    assert r["dta.age.labelled"] == "FALSE"  # numbers are numbers, not categories
    assert r["dta.why.label"] == "Why did you give us [NPS answer]?"
    assert (r["dta.visit.class"], r["dta.visit"]) == ("Date", "2026-11-02|NA|2026-10-15|2026-11-20")
    # SPSS: DK/REF codes declared user-missing, outside the answers' range.
    assert r["sav.region.class"] == "haven_labelled_spss"
    assert r["sav.region.na_values"] == "98|99"
    assert r["sav.age"] == "40|98|998|65"
    assert r["sav.age.missing"] == "FALSE|FALSE|TRUE|FALSE"
    assert r["sav.visit.class"] == "Date"
    assert r["sav.booked"] == "2026-12-01 09:15|2026-12-03 18:00|NA|NA"
