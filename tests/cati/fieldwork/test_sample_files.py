"""Sample files as people save them, imported into a project: the reader of `cati sample
check` (encodings, separators, header spellings), each case's zone by the same rule and
with its source, and calling windows judged in that zone.

US numbers are NANP 555-01xx; Spanish ones are round placeholders (91 000 00 xx fixed,
600 00 00 xx mobile) that only exercise parsing. Nothing is dialled.
"""

from datetime import UTC, datetime

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from cati.fieldwork import dispatch
from cati.fieldwork.cases import import_cases, release_replicate
from cati.fieldwork.sample_import import parse_sample, read_table
from cati.models import Case
from sampling.frames import FrameSpec, load_frame
from sampling.tables import role_of
from tests.cati.test_cli import run  # noqa: F401  (the `cati` command on the test database)

# Monday 30 November 2026, 09:00 UTC: 10:00 in Madrid, 04:00 in New York.
NINE_UTC = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

ID_HEADERS = ["id", "ID", "Id", "case_id", "CASE ID", "Identificador", "caso"]
PHONE_HEADERS = ["phone", "Phone", "Teléfono", "TELEFONO", "telefono", "Móvil", "movil", "tel"]
TOWNS = ["Cádiz", "Logroño", "A Coruña", "Málaga", "Girona", "Ávila"]


@st.composite
def saved_files(draw):
    """A sample as some program saved it: encoding, BOM, separator, line ends, headers,
    phones as text or as a spreadsheet's floats."""
    rows = draw(st.integers(1, 6))
    encoding = draw(st.sampled_from(["utf-8", "cp1252", "latin-1"]))
    bom = draw(st.booleans()) and encoding == "utf-8"
    separator = draw(st.sampled_from([",", ";", "\t"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    id_header, phone_header = (
        draw(st.sampled_from(ID_HEADERS)),
        draw(st.sampled_from(PHONE_HEADERS)),
    )
    floats = draw(st.lists(st.booleans(), min_size=rows, max_size=rows))
    towns = draw(st.lists(st.sampled_from(TOWNS), min_size=rows, max_size=rows))
    lines = [separator.join([id_header, phone_header, "Municipio"])]
    for k in range(rows):
        number = f"9100000{k + 10:02d}" + (".0" if floats[k] else "")
        lines.append(separator.join([f"{k + 1}", number, towns[k]]))
    content = (b"\xef\xbb\xbf" if bom else b"") + newline.join(lines).encode(encoding)
    return content, [f"+349100000{k + 10:02d}" for k in range(rows)], towns


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(saved=saved_files())
def test_every_saved_variant_reads_the_same_at_sample_check_and_at_import(tmp_path, saved):
    content, numbers, towns = saved
    path = tmp_path / "muestra.csv"
    path.write_bytes(content)
    records = parse_sample(read_table(path), path.name, "America/New_York")
    assert [r.external_id for r in records] == [str(k + 1) for k in range(len(numbers))]
    assert [r.phones[0][0] for r in records] == numbers
    assert [r.sample_vars for r in records] == [{"Municipio": town} for town in towns]
    assert {(r.time_zone, r.time_zone_source) for r in records} == {("Europe/Madrid", "phone")}
    checked = load_frame(path, FrameSpec()).data
    phone = next(c for c in checked.columns if role_of(c) == "phone")
    assert checked[phone].tolist() == numbers
    assert checked["Municipio"].tolist() == towns
    assert checked["time_zone"].tolist() == [r.time_zone for r in records]


def spanish_excel(encoding: str, bom: bytes = b"") -> bytes:
    """What Excel in Spain saves as CSV: ';', CRLF, decimal commas, accented headers."""
    text = (
        "ID;Teléfono;Móvil;Provincia;CP;Peso\r\n"
        "E1;910000011.0;;Madrid;28001;12,5\r\n"
        "E2;;600000001;Las Palmas;;12,5\r\n"
        "E3;600000002;;Sevilla;41001;7,25\r\n"
    )
    return bom + text.encode(encoding)


def test_spanish_excel_csv_imports_with_the_cli_in_every_encoding_it_saves(run, db, tmp_path):  # noqa: F811
    assert run("project", "create", "ES1", "--name", "Encuesta").exit_code == 0
    variants = {"cp1252": b"", "utf-8": b"\xef\xbb\xbf"}
    for n, (encoding, bom) in enumerate(variants.items()):
        path = tmp_path / f"muestra{n}.csv"
        path.write_bytes(spanish_excel(encoding, bom).replace(b"E", f"{n}E".encode()))
        result = run("project", "import-sample", "ES1", str(path), "--not-personal", "Provincia")
        assert result.exit_code == 0, result.output
    db.expire_all()
    cases = {c.external_id: c for c in db.scalars(select(Case).order_by(Case.external_id))}
    assert len(cases) == 6
    first = cases["0E1"]
    assert [p.number for p in first.phones] == ["+34910000011"]
    assert first.design_weight == 12.5 and cases["1E3"].design_weight == 7.25
    assert first.sample_vars == {"Provincia": "Madrid", "CP": "28001"}
    zones = {k: (c.time_zone, c.time_zone_source) for k, c in cases.items() if k.startswith("0")}
    assert zones == {
        "0E1": ("Europe/Madrid", "postcode"),
        "0E2": ("Atlantic/Canary", "region"),  # a mobile, placed by its province
        "0E3": ("Europe/Madrid", "postcode"),
    }


def test_rdd_numbers_import_as_a_sample(run, db, tmp_path):  # noqa: F811
    banks, numbers = tmp_path / "banks.csv", tmp_path / "numbers.csv"
    banks.write_text("prefix,listed\n+120255501,4\n+121255501,3\n")
    drawn = run(
        "sample", "rdd", "--banks", str(banks), "--n", "40", "--seed", "5", "--out", str(numbers)
    )
    assert drawn.exit_code == 0, drawn.output
    assert run("project", "create", "RDD", "--name", "RDD").exit_code == 0
    imported = run("project", "import-sample", "RDD", str(numbers), "--region", "US")
    assert imported.exit_code == 0, imported.output
    db.expire_all()
    cases = db.scalars(select(Case)).all()
    assert len(cases) == 40
    assert {c.inclusion_prob for c in cases} == {0.2}
    assert {c.time_zone for c in cases} == {"America/New_York"}
    assert all(set(c.sample_vars) == {"bank"} for c in cases)


def test_nobody_is_called_at_four_in_the_morning_in_new_york(db, interviewer, project, tmp_path):
    """The project is in Madrid; its sample holds a Manhattan number and a Madrid one."""
    path = tmp_path / "sample.csv"
    path.write_text("id,phone\nNY1,+1 212 555 0150\nMAD1,+34 910 000 011\n")
    records = parse_sample(read_table(path), path.name, project.time_zone)
    import_cases(db, project, records, path.name)
    release_replicate(db, project, 1, now=NINE_UTC)
    claim = dispatch.next_case(db, project, interviewer, now=NINE_UTC)
    assert claim.case.external_id == "MAD1"
    assert dispatch.next_case(db, project, interviewer, now=NINE_UTC) is None
    new_york = db.scalar(select(Case).where(Case.external_id == "NY1"))
    assert (new_york.time_zone, new_york.time_zone_source) == ("America/New_York", "phone")
    # Not before 09:00 in New York, 14:00 UTC.
    assert new_york.next_call_at == datetime(2026, 11, 30, 14, 0, tzinfo=UTC)


def test_a_drawn_sample_keeps_the_source_its_frame_gave_each_zone(tmp_path):
    """Tenerife with a Madrid number is in the Canaries by its coordinates, at the frame's
    check and again at the import of the sample drawn from it."""
    frame = pd.DataFrame(
        {
            "id": ["T1", "T2"],
            "phone": ["+34 910 000 011", "+1 212 555 0151"],
            "lat": [28.4636, 40.7128],
            "lon": [-16.2518, -74.0060],
        }
    )
    path, sample = tmp_path / "frame.parquet", tmp_path / "sample.csv"
    frame.to_parquet(path)
    load_frame(path, FrameSpec(latitude="lat", longitude="lon")).data.to_csv(sample, index=False)
    records = parse_sample(read_table(sample), sample.name, "Europe/Madrid")
    assert [(r.time_zone, r.time_zone_source) for r in records] == [
        ("Atlantic/Canary", "coordinates"),
        ("America/New_York", "coordinates"),
    ]
    assert set(records[0].sample_vars) == {"lat", "lon"}


def test_phones_stored_as_numbers_in_xlsx_and_parquet_are_read_as_the_numbers_they_are(tmp_path):
    table = pd.DataFrame(
        {"ID": [1.0, 2.0], "Teléfono": [910000011.0, None], "Móvil": [None, 600000001]}
    )
    for name, write in (("s.xlsx", table.to_excel), ("s.parquet", table.to_parquet)):
        path = tmp_path / name
        write(path, index=False)
        records = parse_sample(read_table(path), name, "Europe/Madrid")
        assert [r.external_id for r in records] == ["1", "2"], name
        assert [r.phones for r in records] == [
            [("+34910000011", "fixed")],
            [("+34600000001", "mobile")],
        ], name
