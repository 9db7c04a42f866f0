"""Triple-S read back by a reader written from the Triple-S XML 2.0 standard: the definition
parsed with xml.etree, each record sliced by BYTES of the declared encoding."""

import re
from datetime import UTC, date, datetime
from xml.etree import ElementTree as ET

import numpy as np
import pandas as pd

from exports.triple_s import write_triple_s
from tests.exports.conftest import Col

DK = {98: "Don't know", 99: "Refused"}
SPECIALS = {"age": {998: "No sabe", 999: "No contesta"}, "why": DK, "born": DK, "ch": DK, "nps": DK}
STUDY = [
    Col("interview_id", "Interview id", "numeric", source="paradata"),
    Col(
        "q1",
        "Satisfacción",
        "numeric",
        {1: "Malo", 2: "Bueno", 98: "Don't know"},
        (98, 99),
        question_id="q1",
    ),
    Col(
        "ch_1",
        "Canales: Teléfono",
        "numeric",
        {0: "Not selected", 1: "Selected"},
        (98, 99),
        question_id="ch",
    ),
    Col(
        "ch_2",
        "Canales: Correo €",
        "numeric",
        {0: "Not selected", 1: "Selected"},
        (98, 99),
        question_id="ch",
    ),
    Col(
        "age",
        "Edad",
        "numeric",
        {998: "No sabe", 999: "No contesta"},
        (998, 999),
        question_id="age",
    ),
    Col("lon", "Longitud", "numeric", {}, (), question_id="lon"),
    Col("nps", "Recomendación", "numeric", {0: "Nada", 10: "Mucho"}, (98, 99), question_id="nps"),
    Col(
        "g_a",
        "Rejilla: precio",
        "numeric",
        {1: "Mal", 2: "Bien", 98: "Don't know"},
        (98,),
        question_id="g",
    ),
    Col("gm_a", "Varios: precio", "numeric", {1: "Mal", 3: "Bien"}, (98,), question_id="gm"),
    Col("why", "¿Por qué?", "string", question_id="why"),
    Col("born", "Fecha", "string", question_id="born"),
    Col("zone", "Sample: zone", "string", source="sample"),
    Col("started_at", "Interview start (UTC)", "numeric", source="paradata"),
]
LONG = "ñ" * 700 + "€" * 400  # 1,100 characters, 2,600 bytes: never cut


def study() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "interview_id": [1, 2, 3, 4],
            "q1": [1.0, 2.0, 98.0, np.nan],
            "ch_1": [1.0, 0.0, 98.0, 0.0],
            "ch_2": [0.0, 1.0, 98.0, 0.0],
            "age": [34.0, 998.0, 71.0, 19.0],
            "lon": [-15.37116, -3.70379, 2.17, np.nan],
            "nps": [0.0, 7.0, 10.0, 99.0],
            "g_a": [1.0, 98.0, 2.0, np.nan],
            "gm_a": ["1;3", 3, None, 98],  # several scale points per row: text
            "why": ["Caña y más", 98, LONG, None],
            "born": ["1980-02-29", 98, None, "2001-12-31"],
            "zone": [7, "Sur", None, 12],  # a sample variable's numbers are values
            "started_at": [datetime(2026, 11, 30, 9, m, tzinfo=UTC) for m in range(4)],
        }
    )


def read_triple_s(sss):
    """Every variable's value per record, as the standard defines them."""
    tree = ET.parse(sss)
    # The data file is in the definition's encoding (XML's default, UTF-8, when undeclared).
    declared = re.match(rb"<\?xml[^>]*encoding=[\"']([\w-]+)", sss.read_bytes())
    encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    record = tree.getroot().find("survey/record")
    lines = (sss.parent / record.get("href")).read_bytes().split(b"\r\n")
    assert lines[-1] == b""
    variables = {}
    for v in record.findall("variable"):
        position = v.find("position")
        start = int(position.get("start"))
        finish = int(position.get("finish", start))
        values = v.find("values")
        codes = {c.get("code"): c.text for c in values.findall("value")} if values else {}
        span = values.find("range") if values is not None else None
        variables[v.findtext("name")] = (v.get("type"), start, finish, codes, span, v)
    rows = []
    for line in lines[:-1]:
        row = {}
        for name, (kind, start, finish, codes, span, _) in variables.items():
            raw = line[start - 1 : finish].decode(encoding)
            row[name] = _value(kind, raw, codes, span, finish - start + 1)
        rows.append(row)
    return variables, rows


def _value(kind, raw, codes, span, width):
    """A field's value, checked against the definition: every value is declared."""
    if kind == "character":
        return raw.rstrip() or None
    if not raw.strip():
        return None
    if kind == "multiple":
        assert len(raw) == width == len(codes) and set(raw) <= {"0", "1"}
        return [int(code) for code, bit in zip(codes, raw, strict=True) if bit == "1"]
    text = raw.strip()
    if text in codes:
        return codes[text]
    assert kind in ("quantity", "date"), f"{text!r} is not a declared code"
    low, high = span.get("from"), span.get("to")
    if kind == "date":
        assert len(text) == 8 and low <= text <= high
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    assert float(low) <= float(text) <= float(high), f"{text} outside {low}..{high}"
    return float(text)


def test_every_value_of_every_question_type_reads_back_declared(tmp_path):
    sss = tmp_path / "s.sss"
    now = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    write_triple_s(
        study(),
        STUDY,
        sss,
        name="s",
        title="Estudio ñ",
        now=now,
        serial="interview_id",
        special_labels=SPECIALS,
    )
    variables, rows = read_triple_s(sss)
    kinds = {name: v[0] for name, v in variables.items()}
    assert kinds == {
        "interview_id": "quantity",
        "q1": "single",
        "ch": "multiple",
        "age": "quantity",
        "lon": "quantity",
        "nps": "quantity",
        "g_a": "single",
        "gm_a": "character",
        "gm_a_sp": "single",
        "why": "character",
        "why_sp": "single",
        "born": "date",
        "zone": "character",
        "started_at": "character",
    }
    assert variables["interview_id"][5].get("use") == "serial"
    assert [r["q1"] for r in rows] == ["Malo", "Bueno", "Don't know", None]
    # Options 1, 2 then Don't know 3 and Refused 4: Don't know is not "none selected".
    assert variables["ch"][3] == {
        "1": "Teléfono",
        "2": "Correo €",
        "3": "Don't know",
        "4": "Refused",
    }
    assert [r["ch"] for r in rows] == [[1], [2], [3], []]
    assert [r["age"] for r in rows] == [34.0, "No sabe", 71.0, 19.0]
    assert variables["age"][4].attrib == {"from": "19", "to": "71"}
    assert [r["lon"] for r in rows] == [-15.37116, -3.70379, 2.17, None]
    assert [r["nps"] for r in rows] == ["Nada", 7.0, "Mucho", "Refused"]
    assert [r["g_a"] for r in rows] == ["Mal", "Don't know", "Bien", None]
    assert [r["gm_a"] for r in rows] == ["1;3", "3", None, None]
    assert [r["gm_a_sp"] for r in rows] == [None, None, None, "98"]
    assert [r["why"] for r in rows] == ["Caña y más", None, LONG, None]
    assert [r["why_sp"] for r in rows] == [None, "Don't know", None, None]
    assert [r["born"] for r in rows] == [date(1980, 2, 29), "Don't know", None, date(2001, 12, 31)]
    assert [r["zone"] for r in rows] == ["7", "Sur", None, "12"]
    assert rows[1]["started_at"] == "2026-11-30T09:01:00+00:00"
    previous = 0
    for _, start, finish, *_ in variables.values():
        assert start == previous + 1
        previous = finish
    lines = (tmp_path / "s.asc").read_bytes().split(b"\r\n")[:-1]
    assert {len(line) for line in lines} == {previous}  # every record as long, in bytes


def test_the_fixture_data_set_reads_back_too(tmp_path, frame, columns):
    now = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    write_triple_s(
        frame,
        columns,
        tmp_path / "d.sss",
        name="d",
        title="Demo <&>",
        now=now,
        weight="design_weight",
    )
    variables, rows = read_triple_s(tmp_path / "d.sss")
    assert ET.parse(tmp_path / "d.sss").getroot().findtext("survey/title") == "Demo <&>"
    assert variables["design_weight"][5].get("use") == "weight"
    assert [r["spend"] for r in rows] == [12.5, "99", 3.25, None]  # the label of an unnamed code
    assert rows[2]["why"].startswith("<script>")
