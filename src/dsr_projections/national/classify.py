"""How a census row is classified for the national tables: planned discharge, last C(E)TR,
sex, PHS's category, discharge destination group."""

from __future__ import annotations

from datetime import date

from dsr_core.domain.codes import RatingLevel, UrgentReason
from dsr_core.domain.dates import add_months
from dsr_projections.storage.database import Row


def planned(row: Row, census: date) -> str:
    planned = row["planned_discharge_on"]
    if not planned:
        return "no_planned_date"
    return "planned_date_ahead" if planned >= census.isoformat() else "planned_date_passed"


def last_cetr(row: Row, census: date) -> str:
    """Whether the last C(E)TR held was within 6 calendar months of the census."""
    held = row["last_cetr_on"]
    if not held:
        return "none_recorded"
    within = add_months(date.fromisoformat(held), 6) >= census
    return "within_6_months" if within else "over_6_months_ago"


def sex(value: str) -> str:
    return value if value in ("female", "male") else "other_or_not_known"


def phs_category(row: Row, census: date) -> str | None:
    level, reason = row["rating"], row["urgent_reason"]
    if level == RatingLevel.URGENT:
        if reason == UrgentReason.IN_HOSPITAL:
            ready = row["ready_on"]
            delayed = bool(ready and ready < census.isoformat())  # ready *before* the census
            return "urgent_in_hospital_delayed" if delayed else "urgent_in_hospital_not_delayed"
        if reason == UrgentReason.INAPPROPRIATE_OUT_OF_AREA:
            return "urgent_inappropriate_out_of_area"
        return "urgent_at_risk"
    if level in (RatingLevel.ENHANCED_MONITORING, RatingLevel.APPROPRIATE_OUT_OF_AREA):
        return str(level)
    return None


DESTINATION_GROUPS = {
    "community": (
        "independent_living",
        "supported_housing",
        "family_home",
        "care_home_with_nursing",
        "care_home_without_nursing",
        "residential_school_or_college",
        "foster_care",
        "temporary_residence",
    ),
    "hospital": ("acute_physical_bed", "another_mh_ld_bed"),
    "penal_establishment_or_court": ("prison",),
    "non_nhs_hospice": ("hospice",),
    "not_applicable": ("no_longer_in_scope",),
    "died": ("died",),
    "not_known": ("other",),
}
"""Assuring Transformation's destinations in MHSDS's seven published groups (domain.md):
"no longer in scope" left the collection without a destination (not applicable); "other"
is a destination the national list does not name, so its group is not known."""


def destination_group(destination: str | None) -> str:
    for group, destinations in DESTINATION_GROUPS.items():
        if destination in destinations:
            return group
    return "not_known"
