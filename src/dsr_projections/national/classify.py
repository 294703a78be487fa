"""How a census row is classified for the national tables: planned discharge, last C(E)TR,
sex, PHS's category, discharge destination group."""

from __future__ import annotations

from datetime import date

from dsr_core.domain.code_lists import RETIRED_MHSDS_DELAY_LIST, code_list, current_code
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


# England's full tables (issue 31): each a breakdown of the same inpatients at the census.

WARD_TYPES = ("mental_health", "learning_disability", "not_known")
SECURITY_LEVELS = ("general", "low", "medium", "high", "secure_level_not_known")
LEGAL_STATUS_GROUPS = {
    "section_2": ("02",),
    "section_3": ("03",),
    "part_3_with_restrictions": ("09", "15", "17"),
    "part_3_without_restrictions": ("07", "08", "10", "12", "13", "14", "16", "18", "37", "38"),
    "other_detention": ("04", "05", "06", "19", "20", "31", "32", "35", "36"),
}
"""Mental Health Act 1983 sections (NHS Data Dictionary's legal status codes) in the groups
the inpatient tables publish: Part 2 admission for assessment (s2) and treatment (s3);
Part 3 (court and prison) with and without Ministry of Justice restrictions; the rest
(holding powers, places of safety, other acts, guardianship)."""
LEGAL_STATUSES = ("informal", *LEGAL_STATUS_GROUPS, "detained_section_not_known")
GENDER_IDENTITIES = {
    "1": "male_including_trans_man",
    "2": "female_including_trans_woman",
    "3": "non_binary",
    "4": "other",
    "X": "not_known",
    "Z": "not_stated",
}
GENDER_COLUMNS = (*GENDER_IDENTITIES.values(), "not_recorded")
EHC_PLAN = ("yes", "no", "aged_25_and_over")
OVERSIGHT = ("within_6_or_8_weeks", "not_within_6_or_8_weeks", "none_recorded")
TIME_TO_PLANNED = (
    "no_planned_date",
    "overdue",
    "0-3_months",
    "3-6_months",
    "6-12_months",
    "1-2_years",
    "2-5_years",
    "over_5_years",
)
COMMISSIONER_TYPES = ("icb", "nhs_england_specialised", "provider_collaborative", "not_known")


def ward_type(row: Row) -> str:
    value = row["ward_type"]
    return value if value in WARD_TYPES else "not_known"  # a legacy "secure" ward


def security_level(row: Row) -> str:
    level = row["security_level"]
    if level in SECURITY_LEVELS:
        return str(level)
    return "secure_level_not_known" if row["ward_type"] == "secure" else "general"


def legal_status(row: Row) -> str:
    if row["legal_status"] != "detained":
        return "informal"
    for group, sections in LEGAL_STATUS_GROUPS.items():
        if row["detained_under"] in sections:
            return group
    return "detained_section_not_known"


def gender_identity(row: Row) -> str:
    return GENDER_IDENTITIES.get(row["gender_identity"] or "", "not_recorded")


def ehc_plan(row: Row, years: int) -> str:
    """Education, health and care plans are for people up to 25."""
    if years >= 25:
        return "aged_25_and_over"
    return "yes" if row["ehc_plan"] else "no"


def oversight_visit(row: Row, census: date, years: int) -> str:
    """AT 3.1: a commissioner's oversight visit in this stay within 6 weeks of the census
    for a child, 8 weeks for an adult."""
    visited = row["last_visit_on"]
    if not visited:
        return "none_recorded"
    weeks = 6 if years < 18 else 8
    within = (census - date.fromisoformat(visited)).days <= weeks * 7
    return "within_6_or_8_weeks" if within else "not_within_6_or_8_weeks"


def time_to_planned(row: Row, census: date) -> str:
    """MHSDS's bands of time from the census to the planned discharge date."""
    planned_on = row["planned_discharge_on"]
    if not planned_on:
        return "no_planned_date"
    planned_day = date.fromisoformat(planned_on)
    if planned_day < census:
        return "overdue"
    for label, months in (("0-3_months", 3), ("3-6_months", 6), ("6-12_months", 12)):
        if planned_day <= add_months(census, months):
            return label
    for label, years in (("1-2_years", 2), ("2-5_years", 5)):
        if planned_day <= add_months(census, 12 * years):
            return label
    return "over_5_years"


def commissioner_type(row: Row) -> str:
    value = row["commissioner_type"]
    return value if value in COMMISSIONER_TYPES else "not_known"


def delay_column(row: Row, census: date) -> str:
    """Not delayed; or delayed (clinically ready *before* the census) under its MHSDS v6
    code, a v5 code counted under the v6 code of the same meaning (domain.md)."""
    ready = row["ready_on"]
    if not (ready and ready < census.isoformat()):
        return "not_delayed"
    code = row["delay_reason"]
    if not code:
        return "reason_not_recorded"
    v6 = code_list("mhsds_v6_delay_reason").codes
    if code in v6:
        return str(code)
    mapped = current_code(RETIRED_MHSDS_DELAY_LIST, code)
    return mapped if mapped in v6 else "v5_code_without_v6_equivalent"
