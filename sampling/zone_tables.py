"""Postcodes and regions to IANA time zones, country by country (`sampling.timezones`).

Each country has a postcode rule and a region table, keyed by `header_key` (case, accents
and spaces do not matter). Where a region spans zones its main zone (where most of its
people live) is taken; a postcode tells more where the table below says so. Sources:

- United States: ZIP Code prefixes (the first three digits) by state, USPS Publication 65
  "National Five-Digit ZIP Code and Post Office Directory" (as listed in Wikipedia's "List
  of ZIP Code prefixes"); zones by county, 49 CFR Part 71 ("Standard time zone
  boundaries") and the IANA tz database's zone comments (America/Indiana/*,
  America/Kentucky/*, America/Boise, America/Phoenix).
- Canada: the first letter of a postal code is the province (Canada Post, "Addressing
  guidelines", forward sortation areas); provinces' zones from the IANA tz database.
- Mexico: the first two digits of a código postal are the state (SEPOMEX, Servicio Postal
  Mexicano, catálogo nacional de códigos postales); zones by state, Ley de los Husos
  Horarios en los Estados Unidos Mexicanos (DOF 28-10-2022) and the IANA tz database.
- Portugal: código postal 9000-9399 is Madeira and 9500-9999 the Azores (CTT Correios de
  Portugal); the rest is Europe/Lisbon.
- United Kingdom and Ireland: one zone each.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sampling.tables import header_key

NEW_YORK, CHICAGO, DENVER, PHOENIX = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
)
LOS_ANGELES, ANCHORAGE, HONOLULU = "America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu"
INDIANAPOLIS, LOUISVILLE, DETROIT, BOISE = (
    "America/Indiana/Indianapolis",
    "America/Kentucky/Louisville",
    "America/Detroit",
    "America/Boise",
)

# State (postal code, name) -> its main zone.
_US_STATES: dict[str, tuple[str, str]] = {
    "AL": ("Alabama", CHICAGO),
    "AK": ("Alaska", ANCHORAGE),
    "AZ": ("Arizona", PHOENIX),
    "AR": ("Arkansas", CHICAGO),
    "CA": ("California", LOS_ANGELES),
    "CO": ("Colorado", DENVER),
    "CT": ("Connecticut", NEW_YORK),
    "DE": ("Delaware", NEW_YORK),
    "DC": ("District of Columbia", NEW_YORK),
    "FL": ("Florida", NEW_YORK),
    "GA": ("Georgia", NEW_YORK),
    "HI": ("Hawaii", HONOLULU),
    "ID": ("Idaho", BOISE),
    "IL": ("Illinois", CHICAGO),
    "IN": ("Indiana", INDIANAPOLIS),
    "IA": ("Iowa", CHICAGO),
    "KS": ("Kansas", CHICAGO),
    "KY": ("Kentucky", NEW_YORK),
    "LA": ("Louisiana", CHICAGO),
    "ME": ("Maine", NEW_YORK),
    "MD": ("Maryland", NEW_YORK),
    "MA": ("Massachusetts", NEW_YORK),
    "MI": ("Michigan", DETROIT),
    "MN": ("Minnesota", CHICAGO),
    "MS": ("Mississippi", CHICAGO),
    "MO": ("Missouri", CHICAGO),
    "MT": ("Montana", DENVER),
    "NE": ("Nebraska", CHICAGO),
    "NV": ("Nevada", LOS_ANGELES),
    "NH": ("New Hampshire", NEW_YORK),
    "NJ": ("New Jersey", NEW_YORK),
    "NM": ("New Mexico", DENVER),
    "NY": ("New York", NEW_YORK),
    "NC": ("North Carolina", NEW_YORK),
    "ND": ("North Dakota", CHICAGO),
    "OH": ("Ohio", NEW_YORK),
    "OK": ("Oklahoma", CHICAGO),
    "OR": ("Oregon", LOS_ANGELES),
    "PA": ("Pennsylvania", NEW_YORK),
    "RI": ("Rhode Island", NEW_YORK),
    "SC": ("South Carolina", NEW_YORK),
    "SD": ("South Dakota", CHICAGO),
    "TN": ("Tennessee", CHICAGO),
    "TX": ("Texas", CHICAGO),
    "UT": ("Utah", DENVER),
    "VT": ("Vermont", NEW_YORK),
    "VA": ("Virginia", NEW_YORK),
    "WA": ("Washington", LOS_ANGELES),
    "WV": ("West Virginia", NEW_YORK),
    "WI": ("Wisconsin", CHICAGO),
    "WY": ("Wyoming", DENVER),
    "PR": ("Puerto Rico", "America/Puerto_Rico"),
    "VI": ("Virgin Islands", "America/St_Thomas"),
    "GU": ("Guam", "Pacific/Guam"),
}
# ZIP prefix ranges (first, last) -> state, USPS Publication 65 (military 090-099 and
# 962-966 have no zone).
_ZIP_STATES = (
    (5, 5, "NY"), (6, 7, "PR"), (8, 8, "VI"), (9, 9, "PR"), (10, 27, "MA"), (28, 29, "RI"),
    (30, 38, "NH"), (39, 49, "ME"), (50, 54, "VT"), (55, 55, "MA"), (56, 59, "VT"),
    (60, 69, "CT"), (70, 89, "NJ"), (100, 149, "NY"), (150, 196, "PA"), (197, 199, "DE"),
    (200, 200, "DC"), (201, 201, "VA"), (202, 205, "DC"), (206, 219, "MD"), (220, 246, "VA"),
    (247, 268, "WV"), (270, 289, "NC"), (290, 299, "SC"), (300, 319, "GA"), (320, 349, "FL"),
    (350, 369, "AL"), (370, 385, "TN"), (386, 397, "MS"), (398, 399, "GA"), (400, 427, "KY"),
    (430, 459, "OH"), (460, 479, "IN"), (480, 499, "MI"), (500, 528, "IA"), (530, 549, "WI"),
    (550, 567, "MN"), (570, 577, "SD"), (580, 588, "ND"), (590, 599, "MT"), (600, 629, "IL"),
    (630, 658, "MO"), (660, 679, "KS"), (680, 693, "NE"), (700, 714, "LA"), (716, 729, "AR"),
    (730, 749, "OK"), (750, 799, "TX"), (800, 816, "CO"), (820, 831, "WY"), (832, 838, "ID"),
    (840, 847, "UT"), (850, 865, "AZ"), (870, 884, "NM"), (885, 885, "TX"), (889, 898, "NV"),
    (900, 961, "CA"), (967, 968, "HI"), (969, 969, "GU"), (970, 979, "OR"), (980, 994, "WA"),
    (995, 999, "AK"),
)  # fmt: skip
# Prefixes in another zone than their state's main one (49 CFR 71; tz database comments).
_ZIP_ZONES = {
    **dict.fromkeys((324, 325), CHICAGO),  # Florida's panhandle west of the Apalachicola
    **dict.fromkeys((373, 374, 376, 377, 378, 379), NEW_YORK),  # East Tennessee
    **dict.fromkeys((400, 401, 402), LOUISVILLE),  # Louisville
    **dict.fromkeys((420, 421, 422, 423, 424), CHICAGO),  # western Kentucky
    **dict.fromkeys((463, 464, 476, 477), CHICAGO),  # Gary and Evansville, Indiana
    **dict.fromkeys((577,), DENVER),  # western South Dakota (Rapid City)
    **dict.fromkeys((586,), DENVER),  # south-western North Dakota (Dickinson)
    **dict.fromkeys((693,), DENVER),  # the Nebraska panhandle (Scottsbluff)
    **dict.fromkeys((798, 799, 885), DENVER),  # El Paso, Texas
    **dict.fromkeys((838,), LOS_ANGELES),  # the Idaho panhandle
    **dict.fromkeys((979,), BOISE),  # Malheur County, Oregon
}

_CA_PROVINCES = {
    "NL": ("Newfoundland and Labrador", "America/St_Johns", "A"),
    "NS": ("Nova Scotia", "America/Halifax", "B"),
    "PE": ("Prince Edward Island", "America/Halifax", "C"),
    "NB": ("New Brunswick", "America/Moncton", "E"),
    "QC": ("Québec", "America/Toronto", "GHJ"),  # header_key drops the accent: Quebec
    "ON": ("Ontario", "America/Toronto", "KLMNP"),
    "MB": ("Manitoba", "America/Winnipeg", "R"),
    "SK": ("Saskatchewan", "America/Regina", "S"),
    "AB": ("Alberta", "America/Edmonton", "T"),
    "BC": ("British Columbia", "America/Vancouver", "V"),
    "NT": ("Northwest Territories", "America/Yellowknife", ""),
    "NU": ("Nunavut", "America/Iqaluit", ""),
    "YT": ("Yukon", "America/Whitehorse", "Y"),
}

MEXICO_CITY = "America/Mexico_City"
# State -> (its two-digit postcode prefixes, zone); every other state is Mexico City's.
_MX_STATES = {
    "Baja California": ((21, 22), "America/Tijuana"),
    "Baja California Sur": ((23,), "America/Mazatlan"),
    "Nayarit": ((63,), "America/Mazatlan"),
    "Sinaloa": ((80, 81, 82), "America/Mazatlan"),
    "Sonora": ((83, 84, 85), "America/Hermosillo"),
    "Chihuahua": ((31, 33), "America/Chihuahua"),
    "Quintana Roo": ((77,), "America/Cancun"),
    **dict.fromkeys(
        (
            "Aguascalientes", "Campeche", "Chiapas", "Ciudad de México", "CDMX",
            "Distrito Federal", "Coahuila", "Colima", "Durango", "Guanajuato", "Guerrero",
            "Hidalgo", "Jalisco", "Estado de México", "México", "Michoacán", "Morelos",
            "Nuevo León", "Oaxaca", "Puebla", "Querétaro", "San Luis Potosí", "Tabasco",
            "Tamaulipas", "Tlaxcala", "Veracruz", "Yucatán", "Zacatecas",
        ),
        ((), MEXICO_CITY),
    ),
}  # fmt: skip
_MX_POSTCODES = {prefix: zone for prefixes, zone in _MX_STATES.values() for prefix in prefixes} | {
    32: "America/Ciudad_Juarez"
}  # Ciudad Juárez keeps Mountain time (DOF 2022)

LISBON, MADEIRA, AZORES = "Europe/Lisbon", "Atlantic/Madeira", "Atlantic/Azores"
_PT_REGIONS = {
    "Madeira": MADEIRA,
    "Região Autónoma da Madeira": MADEIRA,
    "Funchal": MADEIRA,
    "Açores": AZORES,
    "Azores": AZORES,
    "Região Autónoma dos Açores": AZORES,
    "Ponta Delgada": AZORES,
    "Angra do Heroísmo": AZORES,
    "Horta": AZORES,
    **dict.fromkeys(
        (
            "Continente", "Aveiro", "Beja", "Braga", "Bragança", "Castelo Branco", "Coimbra",
            "Évora", "Faro", "Guarda", "Leiria", "Lisboa", "Lisbon", "Portalegre", "Porto",
            "Oporto", "Santarém", "Setúbal", "Viana do Castelo", "Vila Real", "Viseu",
        ),
        LISBON,
    ),
}  # fmt: skip

ONE_ZONE = {"GB": "Europe/London", "IE": "Europe/Dublin"}


def _us_postcode(code: str) -> str | None:
    match = re.fullmatch(r"(\d{3,5})(?:-\d{4})?", code)
    if match is None:
        return None
    prefix = int(match.group(1).zfill(5)[:3])  # Excel drops leading zeros: 501 is 00501
    if prefix in _ZIP_ZONES:
        return _ZIP_ZONES[prefix]
    state = next((s for first, last, s in _ZIP_STATES if first <= prefix <= last), None)
    return None if state is None else _US_STATES[state][1]


def _ca_postcode(code: str) -> str | None:
    if not re.fullmatch(r"[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d", code):
        return None
    letter = code[0].upper()
    if letter == "X":  # X0A-X0C Nunavut, the rest of X the Northwest Territories
        return _CA_PROVINCES["NU" if code[:3].upper() in ("X0A", "X0B", "X0C") else "NT"][1]
    return next((zone for _, zone, letters in _CA_PROVINCES.values() if letter in letters), None)


def _mx_postcode(code: str) -> str | None:
    if not re.fullmatch(r"\d{4,5}", code):
        return None
    prefix = int(code.zfill(5)[:2])
    return _MX_POSTCODES.get(prefix, MEXICO_CITY) if 1 <= prefix <= 99 else None


def _pt_postcode(code: str) -> str | None:
    match = re.fullmatch(r"(\d{4})(?:-\d{3})?", code)
    if match is None:
        return None
    number = int(match.group(1))
    if 9000 <= number <= 9399:
        return MADEIRA
    return AZORES if 9500 <= number <= 9999 else LISBON


POSTCODE_RULES: dict[str, Callable[[str], str | None]] = {
    "US": _us_postcode,
    "CA": _ca_postcode,
    "MX": _mx_postcode,
    "PT": _pt_postcode,
}

REGION_TABLES: dict[str, dict[str, str]] = {
    "US": {
        header_key(key): zone for code, (name, zone) in _US_STATES.items() for key in (code, name)
    },
    "CA": {
        header_key(key): zone
        for code, (name, zone, _) in _CA_PROVINCES.items()
        for key in (code, name)
    }
    | {header_key("Yukon Territory"): "America/Whitehorse"},
    "MX": {header_key(name): zone for name, (_, zone) in _MX_STATES.items()},
    "PT": {header_key(name): zone for name, zone in _PT_REGIONS.items()},
}
