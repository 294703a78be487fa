"""Which register area a place belongs to, so "out of area" is decided at one geography.

An English ICB covers several local authorities; a Scottish HSCP is one council (two for
Clackmannanshire and Stirling). Comparing an ICB code with a council code counts every
placement as out of area, so both sides are brought to the register area's level first
(domain.md, "Placements"; the table and its source are in `data/geography.json`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from math import asin, cos, radians, sin, sqrt

from dsr_core.domain.codes import PlacementLocation
from dsr_core.domain.errors import InvalidInputError
from dsr_core.domain.values import Location

_NATION_OF_PREFIX = {"S": "scotland", "E": "england", "W": "wales", "N": "northern_ireland"}
_REGISTER_PREFIXES = ("S37", "E54")


@cache
def _table() -> dict[str, tuple[str, ...]]:
    raw = json.loads(resources.files("dsr_core").joinpath("data/geography.json").read_text())
    return {area: tuple(las) for area, las in raw["areas"].items()}


def nation_of(code: str) -> str:
    return _NATION_OF_PREFIX[code[0]]


def local_authorities(area: str, configured: Sequence[str] = ()) -> tuple[str, ...]:
    """The local authorities a register area covers: the area's setting, else the table."""
    return tuple(configured) or _table().get(area, ())


def locate(
    home_area: str,
    place: str,
    configured: Mapping[str, Sequence[str]] | None = None,
    *,
    field: str = "placement_area",
) -> PlacementLocation:
    """Where `place` (a register area or a local authority) is, seen from `home_area`.

    Raises InvalidInputError when the home area's local authorities are not known, rather
    than guess: the area then configures them (docs/domain.md, "Geography").
    """
    if nation_of(place) != nation_of(home_area):
        return PlacementLocation.OUTSIDE_NATION
    if place == home_area:
        return PlacementLocation.IN_AREA
    if place.startswith(_REGISTER_PREFIXES):
        return PlacementLocation.OUT_OF_AREA
    covered = local_authorities(home_area, (configured or {}).get(home_area, ()))
    if not covered and not home_area.startswith(_REGISTER_PREFIXES):
        return PlacementLocation.OUT_OF_AREA  # a register kept by one local authority
    if not covered:
        raise InvalidInputError(
            f"{field}: dsr does not know which local authorities area {home_area} covers; "
            "give the placement's register area code (E54…) or configure the area's "
            "local_authorities (docs/domain.md, Geography).",
            field=field,
        )
    return PlacementLocation.IN_AREA if place in covered else PlacementLocation.OUT_OF_AREA


_EARTH_RADIUS_KM = 6371.0088
DISTANCE_BANDS: tuple[tuple[str, float | None], ...] = (
    ("0-10 km", 10),
    ("11-20 km", 20),
    ("21-50 km", 50),
    ("51-100 km", 100),
    ("over 100 km", None),
)
"""Distance from home bands of the national inpatient tables (issue 13): upper bounds
inclusive, distances rounded to whole kilometres first."""


def distance_km(a: Location, b: Location) -> float | None:
    """Great-circle distance; None unless both have coordinates (a postcode district alone
    needs a centroid lookup dsr does not ship)."""
    if a.latitude is None or a.longitude is None or b.latitude is None or b.longitude is None:
        return None
    lat1, lon1, lat2, lon2 = map(radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * asin(sqrt(h))


def distance_band(a: Location | None, b: Location | None) -> str | None:
    if a is None or b is None:
        return None
    km = distance_km(a, b)
    if km is None:
        return None
    rounded = round(km)
    for label, upper in DISTANCE_BANDS:
        if upper is None or rounded <= upper:
            return label
    raise AssertionError("unreachable")
