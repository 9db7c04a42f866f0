"""Every unit's IANA time zone, inferred one way wherever a sample is read.

`infer_zones` is the rule of `cati sample check`/`draw`, the browser draw and the project's
sample import alike: the zone the file gives, else the one at the unit's coordinates
(timezonefinder's polygons), else its postcode's, else its region's (Spain's, where the
Canary Islands, Ceuta and Melilla are told apart, and the countries of `zone_tables`: the
United States, Canada, Mexico, Portugal, the United Kingdom and Ireland), else its phone
number's (libphonenumber),
else the default (the project's zone, or `--default-zone`). Each result says which of these
it came from (`ZoneSource`), so that a case's calling window can be traced to its evidence.
"""

from __future__ import annotations

import math
import re
from enum import StrEnum
from functools import cache
from typing import NamedTuple
from zoneinfo import available_timezones

import numpy as np
import pandas as pd
from timezonefinder import TimezoneFinder

from sampling.phones import zones_of
from sampling.tables import header_key
from sampling.zone_tables import ONE_ZONE, POSTCODE_RULES, REGION_TABLES


class ZoneSource(StrEnum):
    """Where a unit's time zone came from, in the order they are tried."""

    GIVEN = "given"
    COORDINATES = "coordinates"
    POSTCODE = "postcode"
    REGION = "region"
    PHONE = "phone"
    DEFAULT = "default"


# A country's main zone, taken for a number libphonenumber places in several of the
# country's zones (every Spanish mobile is "Madrid or Canary"); elsewhere a number with
# several zones gives none.
MAIN_ZONES = {"ES": "Europe/Madrid", "PT": "Europe/Lisbon"}

MADRID, CANARY, CEUTA = "Europe/Madrid", "Atlantic/Canary", "Africa/Ceuta"
# Spanish postcodes start with the province's number: 35 Las Palmas and 38 Santa Cruz de
# Tenerife are the Canaries, 51 and 52 Ceuta and Melilla.
_SPANISH_POSTCODE_ZONES = {"35": CANARY, "38": CANARY, "51": CEUTA, "52": CEUTA}
# The peninsular and Balearic autonomous communities and their provinces.
_PENINSULAR = """Andalucía, Aragón, Asturias, Principado de Asturias, Illes Balears, Islas
    Baleares, Baleares, Cantabria, Castilla y León, Castilla-La Mancha, Cataluña,
    Catalunya, Comunidad Valenciana, Comunitat Valenciana, Extremadura, Galicia,
    Madrid, Comunidad de Madrid, Murcia, Región de Murcia, Navarra, Comunidad Foral
    de Navarra, País Vasco, Euskadi, La Rioja, Álava, Araba, Albacete, Alicante,
    Almería, Ávila, Badajoz, Barcelona, Burgos, Cáceres, Cádiz, Castellón, Ciudad
    Real, Córdoba, A Coruña, La Coruña, Cuenca, Girona, Granada, Guadalajara,
    Gipuzkoa, Guipúzcoa, Huelva, Huesca, Jaén, León, Lleida, Lugo, Málaga, Ourense,
    Palencia, Pontevedra, Salamanca, Segovia, Sevilla, Soria, Tarragona, Teruel,
    Toledo, Valencia, Valladolid, Bizkaia, Vizcaya, Zamora, Zaragoza"""
_SPANISH_REGION_ZONES = {
    header_key(name): zone
    for zone, names in {
        CANARY: (
            "Canarias",
            "Islas Canarias",
            "Canary Islands",
            "Las Palmas",
            "Santa Cruz de Tenerife",
            "Tenerife",
            "Gran Canaria",
        ),
        CEUTA: ("Ceuta", "Melilla"),
        MADRID: tuple(_PENINSULAR.split(",")),
    }.items()
    for name in names
}


class Zone(NamedTuple):
    """A unit's zone (None when nothing gave one and there is no default) and its source."""

    name: str | None
    source: ZoneSource | None


@cache
def _finder() -> TimezoneFinder:
    # Loading the polygons costs a fraction of a second; do it once per process.
    return TimezoneFinder()


@cache
def known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def zones_at(latitude: np.ndarray, longitude: np.ndarray) -> list[str | None]:
    """The IANA zone of each point (None over the open sea)."""
    finder = _finder()
    return [
        finder.timezone_at(lng=lon, lat=lat)
        for lat, lon in zip(latitude.tolist(), longitude.tolist(), strict=True)
    ]


def postcode_zone(postcode: str, country: str) -> str | None:
    """The zone of a postcode of ``country`` (Excel drops a Spanish one's leading zero:
    '8001' is 08001; see `zone_tables` for the others)."""
    digits = postcode.strip()
    country = country.upper()
    if country in ONE_ZONE:
        return ONE_ZONE[country] if digits else None
    if country in POSTCODE_RULES:
        return POSTCODE_RULES[country](digits)
    if country != "ES" or not re.fullmatch(r"\d{4,5}", digits):
        return None
    province = digits.zfill(5)[:2]
    if not "01" <= province <= "52":
        return None
    return _SPANISH_POSTCODE_ZONES.get(province, MADRID)


def region_zone(region: str, country: str) -> str | None:
    """The zone of a Spanish autonomous community or province, named in Spanish, in a
    co-official language or in English, with or without accents; of a US state, Canadian
    province, Mexican state or Portuguese district or autonomous region (`zone_tables`)."""
    country = country.upper()
    if country in ONE_ZONE:
        return ONE_ZONE[country] if region.strip() else None
    table = _SPANISH_REGION_ZONES if country == "ES" else REGION_TABLES.get(country, {})
    return table.get(header_key(region))


def phone_zone(e164: str, default: str | None = None) -> str | None:
    """The zone of a valid E.164 number: its one zone; among several, the default when it
    is one of them, else the main zone of the number's country when it is one of them."""
    zones, country = zones_of(e164)
    if len(zones) == 1:
        return zones[0]
    for candidate in (default, MAIN_ZONES.get(country or "")):
        if candidate in zones:
            return candidate
    return None


def infer_zone(
    *,
    given: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    postcode: str | None = None,
    region: str | None = None,
    phone: str | None = None,
    country: str = "ES",
    default: str | None = None,
) -> Zone:
    """One unit's zone by the rule of the module (see `infer_zones`)."""

    def one(value):
        return np.array([value or ""], dtype=object)

    nowhere = math.nan
    zones, sources = infer_zones(
        given=one(given),
        latitude=np.array([nowhere if latitude is None else latitude], dtype=float),
        longitude=np.array([nowhere if longitude is None else longitude], dtype=float),
        postcode=one(postcode),
        region=one(region),
        phone=one(phone),
        country=country,
        default=default,
    )
    return Zone(zones[0], sources[0])


def infer_zones(
    *,
    given: np.ndarray,
    latitude: np.ndarray,
    longitude: np.ndarray,
    postcode: np.ndarray,
    region: np.ndarray,
    phone: np.ndarray,
    country: str = "ES",
    default: str | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Every unit's zone and source by the rule of the module: given, coordinates, postcode,
    region, phone (E.164), default. Text arrays hold '' where a unit has no value, the
    coordinates NaN; `given` must hold known zone names only. Each distinct postcode,
    region and number is looked up once."""
    zones = np.where(given != "", given, None).astype(object)
    sources = np.where(given != "", ZoneSource.GIVEN, None).astype(object)
    todo = pd.isna(zones) & np.isfinite(latitude) & np.isfinite(longitude)
    if todo.any():
        zones[todo] = zones_at(latitude[todo], longitude[todo])
        sources[todo & ~pd.isna(zones)] = ZoneSource.COORDINATES
    for source, values, lookup in (
        (ZoneSource.POSTCODE, postcode, lambda v: postcode_zone(v, country)),
        (ZoneSource.REGION, region, lambda v: region_zone(v, country)),
        (ZoneSource.PHONE, phone, lambda v: phone_zone(v, default)),
    ):
        todo = pd.isna(zones) & (values != "")
        if todo.any():
            found = {v: lookup(v) for v in set(values[todo].tolist())}
            zones[todo] = [found[v] for v in values[todo].tolist()]
            sources[todo & ~pd.isna(zones)] = source
    if default:
        todo = pd.isna(zones)
        zones[todo], sources[todo] = default, ZoneSource.DEFAULT
    return zones, sources
