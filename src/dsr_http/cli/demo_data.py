"""The demo's made-up people and places: invented names, the areas and hospitals they live
and stay in, and the codes a journey draws from."""

from __future__ import annotations

from datetime import date

from dsr_core.domain.code_lists import MHSDS_V6_FROM, code_list

GIVEN = (
    "Zephyrine",
    "Quillon",
    "Marrowby",
    "Tamsinelle",
    "Orrin",
    "Vessaly",
    "Bramwick",
    "Ilsabet",
    "Corvane",
    "Dellaphine",
    "Fennick",
    "Wrenna",
    "Jasperin",
    "Liorel",
    "Nimsy",
    "Ottoline",
)


FAMILY = (
    "Examplewood",
    "Testbury",
    "Fictionfield",
    "Madeupton",
    "Placeholme",
    "Sampleton",
    "Dummington",
    "Mockridge",
    "Notrealley",
    "Imaginarby",
)


ENGLISH_AREAS = ("E54000048", "E54000050", "E54000057")


SCOTTISH_AREAS = ("S37000017", "S37000032", "S37000034")


CENTRES = {
    "E54000048": (53.80, -2.70),
    "E54000050": (54.97, -1.61),
    "E54000057": (53.48, -2.24),
    "S37000017": (55.95, -4.76),
    "S37000032": (56.20, -3.15),
    "S37000034": (55.86, -4.25),
}
"""Rough centres of the demo areas: homes and hospitals are scattered around them."""


PLACES = {
    "E54000048": ("E06000009", "E07000121", "E07000123"),
    "E54000050": ("E06000047", "E08000021", "E06000057"),
    "E54000057": ("E08000003", "E08000001", "E08000009"),
    "S37000017": ("S12000018",),
    "S37000032": ("S12000047",),
    "S37000034": ("S12000049",),
}
"""Local authorities in each demo area (a subset of dsr's geography table)."""


OUTSIDE = ("W06000015", "N09000003")


ETHNIC = ("A", "A", "A", "A", "B", "C", "D", "H", "J", "M", "N", "R", "Z", "99")


SECTIONS = {True: ("mhcta-s36", "mhcta-s44", "mhcta-s64", "cpsa-s57a"), False: ("02", "03", "37")}


DELAYS = {
    True: ("25F", "9/25X", "9/51X", "23C", "11A"),
    False: ("18", "04", "09", "15", "25", "34", "33"),
}
DELAYS_BEFORE_V6 = ("J2", "B1", "E1", "I2", "N1", "T2", "S1")


def delay_codes(scottish: bool, on: date) -> tuple[str, ...]:
    """Delay codes of the list in force on the day (England: MHSDS v5 before April 2024)."""
    return DELAYS_BEFORE_V6 if not scottish and on < MHSDS_V6_FROM else DELAYS[scottish]


PLAN_ITEMS = list(code_list("discharge_plan_item").codes)
