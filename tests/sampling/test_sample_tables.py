"""Sample files as people save them (sampling.tables) and one rule for every unit's zone
(sampling.timezones.infer_zone), through `cati sample check` as a researcher runs it.

Spanish numbers are round placeholders (91 000 00 xx fixed, 600 00 00 xx mobile) that only
exercise parsing; US numbers are NANP 555-01xx. Nothing is dialled.
"""

import math

import pytest
from click.testing import CliRunner

from sampling.commands import sample_group
from sampling.errors import ErrorCode, SamplingError
from sampling.frames import ZONE_SOURCE, FrameSpec, load_frame
from sampling.tables import columns_for, find_column, header_key, read_table, role_of
from sampling.timezones import ZoneSource, infer_zone, phone_zone, postcode_zone, region_zone

# What Excel in Spain writes for "CSV (delimitado por comas)": Windows-1252, ';', CRLF,
# decimal commas, and a phone column that once held numbers, written as floats.
EXCEL_ES = (
    "ID;Teléfono;Móvil;Municipio;Latitud;Longitud\r\n"
    "1;910000011.0;600000001;Cádiz;36,5271;-6,2886\r\n"
    "2;910000012;;Santa Cruz de Tenerife;28,4636;-16,2518\r\n"
    "3;;600000002;Logroño;42,4627;-2,4449\r\n"
)


def test_header_keys_ignore_case_accents_spaces_and_hyphens():
    assert header_key(" Teléfono-Móvil ") == "telefono_movil"
    assert [role_of(h) for h in ("ID", "Case ID", "Teléfono", "MÓVIL 2", "tel2", "Región")] == [
        "id",
        "id",
        "phone",
        "phone",
        "phone",
        "region",
    ]
    assert role_of("Municipio") is None
    columns = ["ID", "Teléfono", "Móvil", "CP"]
    assert columns_for(columns, "phone") == ["Teléfono", "Móvil"]
    assert (find_column(columns, "id"), find_column(columns, "phone")) == ("ID", "Teléfono")
    assert find_column(columns, "postal code") == "CP"
    assert find_column(columns, "province", aliases=False) is None


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("cp1252", b""), ("utf-8", b""), ("utf-8", b"\xef\xbb\xbf")],
    ids=["windows-1252", "utf-8", "utf-8-bom"],
)
def test_excel_s_spanish_csv_is_read_as_the_spreadsheet_showed_it(tmp_path, encoding, bom):
    path = tmp_path / "muestra.csv"
    path.write_bytes(bom + EXCEL_ES.encode(encoding))
    table, first_row = read_table(path)
    assert first_row == 2
    assert list(table.columns) == ["ID", "Teléfono", "Móvil", "Municipio", "Latitud", "Longitud"]
    assert table["Municipio"].tolist() == ["Cádiz", "Santa Cruz de Tenerife", "Logroño"]
    frame = load_frame(path, FrameSpec(phones=("phone", "movil"), latitude="lat", longitude="lon"))
    data = frame.data
    assert data["ID"].tolist() == ["1", "2", "3"]
    assert data["Teléfono"].tolist() == ["+34910000011", "+34910000012", ""]
    assert data["Móvil"].tolist() == ["+34600000001", "", "+34600000002"]
    assert math.isclose(data["Latitud"][0], 36.5271)
    # Coordinates come before phones: Tenerife with a Madrid number is in the Canaries.
    assert data["time_zone"].tolist() == ["Europe/Madrid", "Atlantic/Canary", "Europe/Madrid"]
    assert data[ZONE_SOURCE].tolist() == ["coordinates"] * 3
    by_phone = load_frame(path, FrameSpec(phones=("Teléfono", "móvil"))).data
    assert by_phone["time_zone"].tolist() == ["Europe/Madrid"] * 3  # a mobile: Spain's main
    assert by_phone[ZONE_SOURCE].tolist() == ["phone"] * 3


def test_a_latin_1_file_with_bytes_windows_1252_leaves_undefined_is_still_read(tmp_path):
    path = tmp_path / "frame.txt"
    path.write_bytes("id\tphone\tnote\n1\t+1 202 555 0101\tcaf\xe9 \x81\n".encode("latin-1"))
    table, _ = read_table(path)
    assert table["note"].tolist() == ["café \x81"]


def test_a_row_with_more_cells_than_the_header_says_what_to_do(tmp_path):
    path = tmp_path / "frame.csv"
    path.write_bytes(b"id;phone\r\n1;+1 202 555 0101\r\n2;+1 202 555 0102;extra\r\n")
    with pytest.raises(SamplingError) as caught:
        read_table(path)
    assert caught.value.code is ErrorCode.FILE_FORMAT
    assert "put values that contain the separator ';' in double quotes" in str(caught.value)


def test_a_missing_declared_column_names_the_headers_the_file_has(tmp_path):
    path = tmp_path / "frame.csv"
    path.write_text("ref,numero\n1,+1 202 555 0101\n")
    with pytest.raises(SamplingError) as caught:
        load_frame(path, FrameSpec())
    assert str(caught.value) == (
        f"{path}: error S102: declared column is missing from the file: id, phone (the "
        "file's columns: ref, numero); name the column in the file's header, or declare the "
        "one it has"
    )


def test_the_zone_rule_takes_the_first_source_that_places_the_unit():
    madrid_fixed, new_york = "+34910000011", "+12125550101"
    assert infer_zone(given="Asia/Tokyo", phone=new_york) == ("Asia/Tokyo", ZoneSource.GIVEN)
    no_place = infer_zone(latitude=math.nan, longitude=-3.7, phone=new_york)
    assert no_place == ("America/New_York", ZoneSource.PHONE)
    tenerife = infer_zone(latitude=28.4636, longitude=-16.2518, phone=madrid_fixed)
    assert tenerife == ("Atlantic/Canary", ZoneSource.COORDINATES)
    assert infer_zone(postcode="38001", phone=madrid_fixed) == (
        "Atlantic/Canary",
        ZoneSource.POSTCODE,
    )
    assert infer_zone(region="Las Palmas", phone=madrid_fixed) == (
        "Atlantic/Canary",
        ZoneSource.REGION,
    )
    assert infer_zone(region="Narnia", phone=new_york) == ("America/New_York", ZoneSource.PHONE)
    assert infer_zone(default="Europe/Lisbon") == ("Europe/Lisbon", ZoneSource.DEFAULT)
    assert infer_zone() == (None, None)


def test_postcodes_and_regions_place_spanish_units():
    assert [postcode_zone(p, "ES") for p in ("28001", "8001", "35001", "51001", "53001")] == [
        "Europe/Madrid",
        "Europe/Madrid",  # Barcelona's 08001 after Excel dropped its zero
        "Atlantic/Canary",
        "Africa/Ceuta",
        None,
    ]
    assert region_zone("ANDALUCIA", "ES") == "Europe/Madrid"
    assert region_zone("Islas Canarias", "ES") == "Atlantic/Canary"
    assert region_zone("Madrid", "US") is None
    assert postcode_zone("28001", "FR") is None  # a country with no table


# Known cities' ZIP codes and their zones (tz database, 49 CFR 71).
US_CITIES = [
    ("10001", "America/New_York"),  # New York
    ("2108", "America/New_York"),  # Boston 02108, its zero dropped by Excel
    ("60601-1234", "America/Chicago"),  # Chicago, ZIP+4
    ("80202", "America/Denver"),  # Denver
    ("85004", "America/Phoenix"),  # Phoenix (no daylight saving)
    ("90012", "America/Los_Angeles"),  # Los Angeles
    ("96813", "Pacific/Honolulu"),  # Honolulu
    ("99501", "America/Anchorage"),  # Anchorage
    ("79901", "America/Denver"),  # El Paso, Texas
    ("75201", "America/Chicago"),  # Dallas
    ("37203", "America/Chicago"),  # Nashville
    ("37902", "America/New_York"),  # Knoxville
    ("32502", "America/Chicago"),  # Pensacola
    ("33131", "America/New_York"),  # Miami
    ("46204", "America/Indiana/Indianapolis"),  # Indianapolis
    ("46402", "America/Chicago"),  # Gary
    ("40202", "America/Kentucky/Louisville"),  # Louisville
    ("48226", "America/Detroit"),  # Detroit
    ("83702", "America/Boise"),  # Boise
    ("83814", "America/Los_Angeles"),  # Coeur d'Alene, Idaho panhandle
    ("57701", "America/Denver"),  # Rapid City
    ("901", "America/Puerto_Rico"),  # San Juan 00901
]


@pytest.mark.parametrize(("postcode", "zone"), US_CITIES)
def test_a_us_zip_code_gives_its_citys_zone(postcode, zone):
    assert postcode_zone(postcode, "US") == zone


def test_a_us_units_postcode_comes_before_its_new_york_number():
    """Someone in El Paso who kept a New York number is called at El Paso's hours."""
    found = infer_zone(postcode="79901", phone="+12125550142", country="US")
    assert found == ("America/Denver", ZoneSource.POSTCODE)
    assert infer_zone(region="TX", phone="+12125550142", country="US") == (
        "America/Chicago",
        ZoneSource.REGION,
    )


def test_us_states_canadian_provinces_and_mexican_states_give_their_main_zone():
    assert [region_zone(r, "US") for r in ("NY", "California", "texas", "Hawaii", "AZ")] == [
        "America/New_York",
        "America/Los_Angeles",
        "America/Chicago",
        "Pacific/Honolulu",
        "America/Phoenix",
    ]
    assert [region_zone(r, "CA") for r in ("Québec", "BC", "Saskatchewan", "NL", "Nunavut")] == [
        "America/Toronto",
        "America/Vancouver",
        "America/Regina",
        "America/St_Johns",
        "America/Iqaluit",
    ]
    assert [
        region_zone(r, "MX") for r in ("Jalisco", "Baja California", "Sonora", "Quintana Roo")
    ] == [
        "America/Mexico_City",
        "America/Tijuana",
        "America/Hermosillo",
        "America/Cancun",
    ]
    assert region_zone("Narnia", "CA") is None


def test_canadian_and_mexican_postcodes_give_their_citys_zone():
    canada = ("M5V 3L9", "H2Y 1C6", "V6B4Y8", "T2P 1J9", "R3C 4T3", "A1C 5M2", "X1A 2P7")
    assert [postcode_zone(p, "CA") for p in canada] == [
        "America/Toronto",  # Toronto
        "America/Toronto",  # Montréal
        "America/Vancouver",  # Vancouver
        "America/Edmonton",  # Calgary
        "America/Winnipeg",  # Winnipeg
        "America/St_Johns",  # St. John's
        "America/Yellowknife",  # Yellowknife
    ]
    mexico = ("06600", "44100", "22000", "82000", "83000", "77500", "32000", "6600")
    assert [postcode_zone(p, "MX") for p in mexico] == [
        "America/Mexico_City",  # Ciudad de México
        "America/Mexico_City",  # Guadalajara
        "America/Tijuana",  # Tijuana
        "America/Mazatlan",  # Mazatlán
        "America/Hermosillo",  # Hermosillo
        "America/Cancun",  # Cancún
        "America/Ciudad_Juarez",  # Ciudad Juárez
        "America/Mexico_City",  # 06600 with its zero dropped
    ]


def test_portugal_tells_madeira_and_the_azores_apart_and_the_uk_and_ireland_have_one_zone():
    assert [postcode_zone(p, "PT") for p in ("1100-148", "4000", "9000-018", "9500-150")] == [
        "Europe/Lisbon",  # Lisboa
        "Europe/Lisbon",  # Porto
        "Atlantic/Madeira",  # Funchal
        "Atlantic/Azores",  # Ponta Delgada
    ]
    assert [region_zone(r, "PT") for r in ("Açores", "Madeira", "Porto")] == [
        "Atlantic/Azores",
        "Atlantic/Madeira",
        "Europe/Lisbon",
    ]
    assert postcode_zone("SW1A 1AA", "GB") == "Europe/London"
    assert region_zone("Scotland", "GB") == "Europe/London"
    assert postcode_zone("D02 X285", "IE") == "Europe/Dublin"
    assert postcode_zone("", "GB") is None


def test_a_number_in_several_zones_takes_the_default_then_its_country_s_main_zone():
    mobile = "+34600000001"  # libphonenumber: Madrid or the Canaries
    assert phone_zone(mobile) == "Europe/Madrid"
    assert phone_zone(mobile, default="Atlantic/Canary") == "Atlantic/Canary"
    assert phone_zone(mobile, default="America/New_York") == "Europe/Madrid"
    toll_free = "+18005550100"  # every NANP zone: no country rule picks one
    assert phone_zone(toll_free) is None
    assert phone_zone(toll_free, default="America/Chicago") == "America/Chicago"


def _check(*args):
    return CliRunner().invoke(sample_group, ["check", *args])


def test_sample_check_reads_spanish_mobiles_and_takes_a_default_zone(tmp_path):
    frame = tmp_path / "frame.csv"
    frame.write_bytes("ID;Móvil\r\n1;600 00 00 01\r\n2;+1 800 555 0100\r\n".encode("cp1252"))
    refused = _check(str(frame))
    assert refused.exit_code == 1
    assert "row 3, column 'time_zone': S121" in refused.output
    assert "give a time_zone column or a default zone (--default-zone)" in refused.output
    checked = _check(str(frame), "--default-zone", "America/Chicago")
    assert checked.exit_code == 0, checked.output
    assert "Time zones: Europe/Madrid 1, America/Chicago 1" in checked.output
    wrong = _check(str(frame), "--default-zone", "Mars/Olympus")
    assert wrong.exit_code == 2 and "'Mars/Olympus' is not an IANA time zone" in wrong.output
