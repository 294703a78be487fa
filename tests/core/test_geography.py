"""Out of area at one geography, and distance bands (issue 13; docs/domain.md, Geography)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dsr_core.domain.codes import PlacementLocation
from dsr_core.domain.errors import InvalidInputError
from dsr_core.domain.geography import DISTANCE_BANDS, distance_band, distance_km, locate
from dsr_core.domain.values import Location

LANCASHIRE = "E54000048"
INVERCLYDE = "S37000017"
CLACKS_AND_STIRLING = "S37000005"


@pytest.mark.parametrize(
    ("home", "place", "expected"),
    [
        (LANCASHIRE, "E06000009", PlacementLocation.IN_AREA),  # Blackpool
        (LANCASHIRE, "E08000003", PlacementLocation.OUT_OF_AREA),  # Manchester
        (LANCASHIRE, "E54000057", PlacementLocation.OUT_OF_AREA),  # another ICB, by its code
        (LANCASHIRE, LANCASHIRE, PlacementLocation.IN_AREA),
        (LANCASHIRE, "S12000049", PlacementLocation.OUTSIDE_NATION),
        (LANCASHIRE, "W06000015", PlacementLocation.OUTSIDE_NATION),
        (INVERCLYDE, "S12000018", PlacementLocation.IN_AREA),
        (INVERCLYDE, "S12000049", PlacementLocation.OUT_OF_AREA),
        (INVERCLYDE, "E08000003", PlacementLocation.OUTSIDE_NATION),
        (INVERCLYDE, "N09000003", PlacementLocation.OUTSIDE_NATION),
        (CLACKS_AND_STIRLING, "S12000030", PlacementLocation.IN_AREA),  # two councils, one HSCP
        (CLACKS_AND_STIRLING, "S12000005", PlacementLocation.IN_AREA),
    ],
)
def test_a_place_is_located_at_the_home_areas_level(
    home: str, place: str, expected: PlacementLocation
) -> None:
    assert locate(home, place) is expected


def test_an_english_area_without_its_authorities_is_refused_not_guessed() -> None:
    with pytest.raises(InvalidInputError) as refused:
        locate("E54000008", "E06000006")
    assert refused.value.field == "placement_area"
    configured = {"E54000008": ("E06000006",)}
    assert locate("E54000008", "E06000006", configured) is PlacementLocation.IN_AREA
    assert locate("E54000008", "E06000007", configured) is PlacementLocation.OUT_OF_AREA


def test_every_scottish_hscp_is_in_the_table() -> None:
    codes = [f"S37{n:06d}" for n in range(1, 36) if n not in (14, 15, 21, 23)]
    assert len(codes) == 31
    for code in codes:
        assert locate(code, code) is PlacementLocation.IN_AREA


def test_distance_bands_have_inclusive_upper_bounds() -> None:
    home = Location(latitude=55.0, longitude=-3.0)
    ten_km_north = Location(latitude=55.0 + 10 / 111.195, longitude=-3.0)
    assert round(distance_km(home, ten_km_north) or 0) == 10
    assert distance_band(home, ten_km_north) == "0-10 km"
    assert distance_band(home, Location(postcode_district="EH1")) is None


@given(
    st.floats(min_value=50.0, max_value=58.0),
    st.floats(min_value=-5.0, max_value=1.0),
    st.floats(min_value=0.0, max_value=6.0),
)
def test_the_band_always_contains_the_rounded_distance(
    lat: float, lon: float, north: float
) -> None:
    a = Location(latitude=lat, longitude=lon)
    b = Location(latitude=min(lat + north, 61.0), longitude=lon)
    km = round(distance_km(a, b) or 0)
    band = distance_band(a, b)
    lower = 0
    for label, upper in DISTANCE_BANDS:
        if label == band:
            assert km >= lower and (upper is None or km <= upper)
            return
        lower = int(upper or 0) + 1
    raise AssertionError(band)
