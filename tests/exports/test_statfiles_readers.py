"""SPSS and Stata files of a study with every question type, opened by readers pyreadstat
does not share code with: GNU PSPP for the .sav, pandas (and the file's bytes) for the .dta."""

from __future__ import annotations

import csv
import io
import shutil
import struct
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from cati import questionnaire_store, reporting
from cati.models import Interview, Project
from exports.columns import shorten, without_placeholders
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project
from tests.conftest import skip_or_fail

EVERY_TYPE = Path(__file__).with_name("every_type.yaml")
DK, REF = {"special": "dk"}, {"special": "ref"}
ANSWERS = [
    {
        "region": 1,
        "channels": [1, 2],
        "age": 40,
        "spend": 231.28,
        "nps": 9,
        "why": "Fast service",
        "service": {"speed": 3, "kindness": 2},
        "visit": "2026-11-02",
        "callback": "14:30:00",
        "booked": "2026-12-01T09:15:00",
    },
    {
        "region": 2,
        "channels": [3],
        "age": 98,
        "spend": 0.5,
        "nps": 10,
        "why": DK,
        "service": {"speed": 1, "kindness": DK},
        "visit": DK,
        "callback": REF,
        "booked": "2026-12-03T18:00:00",
    },
    {
        "region": DK,
        "channels": REF,
        "age": DK,
        "spend": REF,
        "nps": 0,
        "why": "Slow",
        "service": {"speed": 2, "kindness": 3},
        "visit": "2026-10-15",
        "callback": "08:00:00",
        "booked": REF,
    },
    {
        "region": 1,
        "channels": [1],
        "age": 65,
        "spend": 12.0,
        "nps": REF,
        "why": REF,
        "service": REF,
        "visit": "2026-11-20",
        "callback": DK,
        "booked": DK,
    },
]


@pytest.fixture
def project(db) -> Project:
    project = make_project(db, name="Every type")
    questionnaire_store.pin(db, project, EVERY_TYPE)
    for case, answers in zip(make_cases(db, project, n=len(ANSWERS)), ANSWERS, strict=True):
        db.add(
            Interview(
                case_id=case.id,
                questionnaire_version_id=project.questionnaire_version_id,
                state="{}",
                answers=answers,
                status="completed",
                started_at=MONDAY_10,
                ended_at=MONDAY_10,
            )
        )
    db.commit()
    return project


def pspp(tmp_path: Path, sav: Path, commands: str) -> str:
    if shutil.which("pspp") is None:
        skip_or_fail("GNU PSPP is not installed (apt-get install pspp)")
    syntax = tmp_path / "read.sps"
    syntax.write_text(f"GET FILE='{sav}'.\n{commands}")
    out = tmp_path / "out.csv"
    run = subprocess.run(["pspp", str(syntax), "-o", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "warning" not in run.stdout + run.stderr, run.stdout + run.stderr
    return out.read_text(encoding="utf-8")


def tables(output: str) -> dict[str, list[list[str]]]:
    """PSPP's CSV output: table title → its rows (header first)."""
    found = {}
    for block in output.split("\n\n"):
        line, _, body = block.strip().partition("\n")
        [title] = next(csv.reader([line]))  # a title with a comma is quoted
        if title.startswith("Table: "):
            found[title.removeprefix("Table: ")] = list(csv.reader(io.StringIO(body)))
    return found


def frequencies(rows: list[list[str]]) -> dict[tuple[str, str], int]:
    """A FREQUENCIES table as (Valid or Missing, value) → count."""
    counts = {}
    section = ""
    for row in rows[1:]:
        section = row[0] or section
        if section in ("Valid", "Missing") and row[1] != ".":
            counts[section, row[1]] = int(row[2])
    return counts


LONG_REGION = (
    "Where do you live, thinking of the town where you spend most nights of the week these days?"
)


def test_pspp_reads_levels_formats_labels_missing_values_mr_sets_and_frequencies(
    db, project, tmp_path
):
    sav = tmp_path / "every.sav"
    reporting.export_data(db, project, "sav", sav)
    names = "region channels_1 age spend nps why why_sp service_kindness visit visit_sp callback"
    names += " callback_sp booked booked_sp"
    found = tables(
        pspp(
            tmp_path,
            sav,
            f"DISPLAY DICTIONARY.\nMRSETS /DISPLAY NAME=ALL.\nFREQUENCIES /VARIABLES={names}.\n",
        )
    )
    header, *rows = found["Variables"]
    variables = {row[0]: dict(zip(header, row, strict=True)) for row in rows}

    def described(name: str) -> tuple[str, str, str]:
        v = variables[name]
        return v["Measurement Level"], v["Print Format"], v["Missing Values"]

    assert described("region") == ("Nominal", "F3.0", "98; 99")
    assert described("channels_2") == ("Nominal", "F3.0", "98; 99")
    assert described("age") == ("Scale", "F8.0", "998; 999")
    assert described("spend") == ("Scale", "F8.2", "9998; 9999")
    assert described("nps") == ("Ordinal", "F3.0", "98; 99")
    assert described("service_speed") == ("Ordinal", "F3.0", "98; 99")
    assert described("why") == ("Nominal", "A12", "")
    assert described("visit") == ("Scale", "DATE11", "")
    assert described("callback") == ("Scale", "TIME8.0", "")
    assert described("booked") == ("Scale", "DATETIME20.0", "")
    assert described("started_at")[1] == "DATETIME20.0"
    for companion in ("why_sp", "visit_sp", "callback_sp", "booked_sp"):
        assert described(companion) == ("Nominal", "F3.0", "98; 99")
    assert variables["region"]["Label"] == LONG_REGION  # SPSS keeps the whole label
    assert variables["why"]["Label"] == "Why did you give us [NPS answer]?"
    assert variables["why_sp"]["Label"] == "Why did you give us [NPS answer]? (special answer)"
    labels = [row[0] for row in found["Value Labels"]] + [v["Label"] for v in variables.values()]
    assert not [label for label in labels if "{" in label]

    [_, channels] = found["Multiple Response Sets"]
    assert channels[:4] == ["$channels", "Which channels do you use?", "Dichotomies", "1"]
    assert channels[4].split() == ["channels_1", "channels_2", "channels_3"]

    def counts(label: str) -> dict[tuple[str, str], int]:
        assert label in found, list(found)
        return frequencies(found[label])

    assert counts(LONG_REGION) == {
        ("Valid", "North"): 2,
        ("Valid", "South"): 1,
        ("Missing", "Don't know"): 1,
    }
    assert counts("Which channels do you use?: Phone") == {
        ("Valid", "Not selected"): 1,
        ("Valid", "Selected"): 2,
        ("Missing", "Refused"): 1,
    }
    assert counts("How old are you?") == {
        ("Valid", "40"): 1,
        ("Valid", "65"): 1,
        ("Valid", "98"): 1,  # a real age: the question's Don't know is 998
        ("Missing", "Don't know"): 1,
    }
    assert counts("How much did you spend last month?") == {
        ("Valid", ".50"): 1,
        ("Valid", "12.00"): 1,
        ("Valid", "231.28"): 1,
        ("Missing", "Refused"): 1,
    }
    assert counts("How likely are you to recommend us?") == {
        ("Valid", "Not at all likely"): 1,
        ("Valid", "9"): 1,
        ("Valid", "Extremely likely"): 1,
        ("Missing", "Refused"): 1,
    }
    assert counts("Kindness — How do you rate our service?") == {
        ("Valid", "Fair"): 1,
        ("Valid", "Good"): 1,
        ("Missing", "Don't know"): 1,
        ("Missing", "Refused"): 1,
    }
    # Text and dates hold only answers; their special answers are in the companion.
    assert counts("Why did you give us [NPS answer]?") == {
        ("Valid", ""): 2,
        ("Valid", "Fast service"): 1,
        ("Valid", "Slow"): 1,
    }
    assert counts("Why did you give us [NPS answer]? (special answer)") == {
        ("Missing", "Don't know"): 1,
        ("Missing", "Refused"): 1,
    }
    assert counts("When did you last visit?") == {
        ("Valid", "15-OCT-2026"): 1,
        ("Valid", "02-NOV-2026"): 1,
        ("Valid", "20-NOV-2026"): 1,
    }
    assert counts("When did you last visit? (special answer)") == {("Missing", "Don't know"): 1}
    assert counts("What time suits you for a call?") == {
        ("Valid", "08:00:00"): 1,
        ("Valid", "14:30:00"): 1,
    }
    assert counts("What time suits you for a call? (special answer)") == {
        ("Missing", "Don't know"): 1,
        ("Missing", "Refused"): 1,
    }
    assert counts("When is your appointment?") == {
        ("Valid", "01-DEC-2026 09:15:00"): 1,
        ("Valid", "03-DEC-2026 18:00:00"): 1,
    }
    assert counts("When is your appointment? (special answer)") == {
        ("Missing", "Don't know"): 1,
        ("Missing", "Refused"): 1,
    }


STATA_TYPES = {65526: "double", 65527: "float", 65528: "long", 65529: "int", 65530: "byte"}


def stata_types(dta: Path) -> dict[str, str]:
    """Variable name → storage type, read from the bytes of a release 118 file."""
    data = dta.read_bytes()
    k = struct.unpack_from("<H", data, data.index(b"<K>") + 3)[0]
    types_at = data.index(b"<variable_types>") + len(b"<variable_types>")
    codes = struct.unpack_from(f"<{k}H", data, types_at)
    names_at = data.index(b"<varnames>") + len(b"<varnames>")
    names = [
        data[names_at + 129 * i : names_at + 129 * (i + 1)].split(b"\0")[0].decode()
        for i in range(k)
    ]
    return {n: STATA_TYPES.get(c, f"str{c}") for n, c in zip(names, codes, strict=True)}


def test_stata_118_stores_codes_as_integers_and_pandas_reads_numbers_as_numbers(
    db, project, tmp_path
):
    dta = tmp_path / "every.dta"
    reporting.export_data(db, project, "dta", dta)
    assert dta.read_bytes().startswith(b"<stata_dta><header><release>118</release>")
    types = stata_types(dta)
    for name in ("region", "channels_1", "age", "nps", "service_speed", "why_sp", "visit_sp"):
        assert types[name] in ("byte", "int", "long"), name
    assert types["spend"] == "double"

    frame = pd.read_stata(dta)  # default options: labelled variables become categorical
    assert pd.api.types.is_float_dtype(frame["age"])  # 40, 98, Don't know, 65
    assert frame["age"].tolist()[:2] == [40.0, 98.0]
    assert pd.api.types.is_float_dtype(frame["spend"])
    assert isinstance(frame["region"].dtype, pd.CategoricalDtype)
    assert frame["region"].tolist()[:2] == ["North", "South"]
    assert frame["channels_1"].tolist()[:2] == ["Selected", "Not selected"]
    assert frame["visit"].dt.strftime("%Y-%m-%d").tolist()[:1] == ["2026-11-02"]
    assert frame["booked"].tolist()[0] == pd.Timestamp("2026-12-01 09:15:00")

    raw = pd.read_stata(dta, convert_categoricals=False, convert_missing=True, convert_dates=False)
    # Don't know is .d and Refused .r, in every variable.
    assert [str(v) for v in raw["region"]] == ["1", "2", ".d", "1"]
    assert [str(v) for v in raw["age"]] == ["40", "98", ".d", "65"]
    assert [str(v) for v in raw["spend"]] == ["231.28", "0.5", ".r", "12.0"]
    assert [str(v) for v in raw["service_kindness"]] == ["2", ".d", "3", ".r"]
    assert raw["callback"].tolist() == ["14:30:00", "", "08:00:00", ""]
    assert [str(v) for v in raw["callback_sp"]] == [".", "99", ".", "98"]

    with pd.io.stata.StataReader(dta) as reader:
        labels = reader.variable_labels()
        value_labels = reader.value_labels()
    region = labels["region"]
    assert len(region) <= 80 and region.endswith("…") and LONG_REGION.startswith(region[:-1])
    assert LONG_REGION[len(region) - 1] == " "  # cut at a word
    assert labels["why"] == "Why did you give us [NPS answer]?"
    # Numbers carry no value labels (so age and spend were not categorical above); codes
    # do, their .d and .r included.
    assert {"North", "South", "Don't know", "Refused"} in [
        set(labels.values()) for labels in value_labels.values()
    ]


def test_stata_119_on_request_and_the_codebook_keeps_the_long_label(db, project, tmp_path):
    dta = tmp_path / "every.dta"
    reporting.export_data(db, project, "dta", dta, stata_release=119)
    assert b"<release>119</release>" in dta.read_bytes()[:60]
    codebook = tmp_path / "codebook.html"
    reporting.export_data(db, project, "codebook", codebook)
    text = codebook.read_text(encoding="utf-8")
    assert LONG_REGION in text
    assert "Why did you give us [NPS answer]?" in text and "{nps}" not in text


def test_labels_are_shortened_at_a_word_and_placeholders_become_stand_ins():
    assert shorten("Short enough", 80) == "Short enough"
    assert shorten("How satisfied are you with the speed, the kindness and the price", 30) == (
        "How satisfied are you with…"
    )
    assert len(shorten("x" * 100, 80)) == 80  # no word to cut at: cut at the limit
    assert without_placeholders("Why {nps}, {sample.name}?") == "Why [NPS answer], [name]?"
