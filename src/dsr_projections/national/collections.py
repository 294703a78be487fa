"""The national collections as data: census rule, population, definitions, breakdowns and
bands (domain.md, "National reporting"; docs/national.md). A change of definition is a
change here, not in the code that counts.

Every published table is a sum over *atoms*: counts of one area's people with one value of
each of a family's dimensions. A return holds an area's atoms, unsuppressed, so returns
add up to the national table exactly; a publication's disclosure audit solves over the
same atoms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from dsr_core.domain.code_lists import code_list
from dsr_core.domain.periods import Period
from dsr_projections.national.classify import (
    COMMISSIONER_TYPES,
    EHC_PLAN,
    GENDER_COLUMNS,
    LEGAL_STATUSES,
    OVERSIGHT,
    SECURITY_LEVELS,
    TIME_TO_PLANNED,
    WARD_TYPES,
)


@dataclass(frozen=True)
class TableSpec:
    """One published table: a row per area and one for the nation (or the nation's row
    only), a column per value of `column`, a column per named `group` of those values and a
    total, counting the family's people whose `where` dimensions take the listed values."""

    name: str
    column: str
    where: dict[str, tuple[str, ...]] = field(default_factory=dict)
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    national_only: bool = False


@dataclass(frozen=True)
class Family:
    """People counted together (one population), the dimensions they are broken down by,
    and the tables published from them."""

    name: str
    dimensions: dict[str, tuple[str, ...]]
    tables: tuple[TableSpec, ...]
    open_values: bool = False
    """Its one dimension's values are the listed ones (always shown) and those its returns
    hold (a provider's ODS code), added per release (atoms.opened). An added value is
    named only with at least the profile's smallest shown count; the rest are counted in
    the OTHER group (atoms.folded), so a column's absence says no more than a `*`."""


@dataclass(frozen=True)
class Collection:
    name: str
    nation: str
    """The rating scheme whose areas make returns (values.Scheme)."""
    national_code: str
    frequency: str
    census_rule: str
    min_age: int | None
    profile: str
    source: str
    families: tuple[Family, ...]
    same_people: tuple[tuple[str, str], ...] = ()
    """Families that count the same people in other breakdowns: their totals are equal per
    area, which a reader knows and the audit uses. Kept apart so the atoms stay few; two
    breakdowns that share only their total can always be joined, so this loses nothing."""

    def period(self, label: str) -> Period:
        """A period of this collection (PHS: quarters; England: months). Raises ValueError."""
        period = Period.parse(label)
        quarterly = "-Q" in label
        if quarterly != (self.frequency == "quarter"):
            raise ValueError(
                f"{self.name} is collected by {self.frequency}: "
                + ("e.g. 2024-Q1" if self.frequency == "quarter" else "e.g. 2024-03")
            )
        return period

    def census_date(self, period: Period) -> date:
        if self.census_rule == "last_thursday":
            day = period.end
            while day.weekday() != 3:  # Thursday
                day -= timedelta(days=1)
            return day
        return period.end  # midnight at the end of the month's last day

    def family(self, name: str) -> Family:
        return next(f for f in self.families if f.name == name)


SEXES = ("female", "male", "other_or_not_known")
PHS_CATEGORIES = (
    "urgent_in_hospital_delayed",
    "urgent_in_hospital_not_delayed",
    "urgent_inappropriate_out_of_area",
    "urgent_at_risk",
    "enhanced_monitoring",
    "appropriate_out_of_area",
)
"""Exclusive: each person on a Coming Home register is in exactly one (PHS)."""
_URGENT = PHS_CATEGORIES[:4]

PHS = Collection(
    name="phs_coming_home",
    nation="scotland_coming_home",
    national_code="S92000003",
    frequency="quarter",
    census_rule="last_thursday",
    min_age=18,
    profile="phs_scotland",
    source="Public Health Scotland, Coming Home: Dynamic Support Register quarterly census "
    "(last Thursday of the quarter's last month; adults on the register; by HSCP, and for "
    "Scotland by sex)",
    families=(
        Family(
            "register",
            {"category": PHS_CATEGORIES, "sex": SEXES},
            (
                TableSpec(
                    "register_by_category",
                    "category",
                    groups={"urgent": _URGENT, "urgent_in_hospital": _URGENT[:2]},
                ),
                TableSpec("on_register_by_sex", "sex", national_only=True),
                TableSpec("urgent_by_sex", "sex", {"category": _URGENT}, national_only=True),
            ),
        ),
    ),
)
"""The headline table per HSCP and Scotland: on register (the total), urgent (in hospital,
of which delayed; inappropriately out of area; at risk of breakdown), enhanced monitoring,
appropriate out of area; by sex for Scotland."""

AGE_BANDS = ("under_18", "18-24", "25-34", "35-44", "45-54", "55-64", "65_and_over")
"""MHSDS learning-disability publication age bands."""
LOS_BANDS: tuple[tuple[str, int | None], ...] = (
    ("0-3_days", 3),
    ("4-7_days", 7),
    ("1-2_weeks", 14),
    ("2-4_weeks", 28),
    ("1-3_months", 91),
    ("3-6_months", 182),
    ("6-12_months", 365),
    ("1-2_years", 730),
    ("2-5_years", 1826),
    ("5-10_years", 3652),
    ("10_years_and_over", None),
)
"""MHSDS total length of stay bands, upper bounds inclusive (0-3 d, ..., 1-3 m = 29-91 d)."""
OVER_2_YEARS = ("2-5_years", "5-10_years", "10_years_and_over")
ADMISSION_TYPES = ("first", "readmission_within_12_months", "transfer")
PLANNED = ("no_planned_date", "planned_date_ahead", "planned_date_passed")
LAST_CETR = ("within_6_months", "over_6_months_ago", "none_recorded")
DISTANCES = ("0-10_km", "11-20_km", "21-50_km", "51-100_km", "over_100_km", "not_known")
ETHNIC_GROUPS = ("white", "mixed", "asian", "black", "other", "not_known")
ETHNIC_GROUP_OF = {
    **dict.fromkeys("ABC", "white"),
    **dict.fromkeys("DEFG", "mixed"),
    **dict.fromkeys("HJKL", "asian"),
    **dict.fromkeys("MNP", "black"),
    **dict.fromkeys("RS", "other"),
}
"""NHS Data Dictionary ethnic categories by their five groups; Z and 99 are not known."""
DESTINATION_GROUPS = (
    "community",
    "hospital",
    "penal_establishment_or_court",
    "non_nhs_hospice",
    "not_applicable",
    "died",
    "not_known",
)
"""MHSDS's seven discharge destination groups, as England's statistics publish them."""

DELAY_COLUMNS = (
    "not_delayed",
    *code_list("mhsds_v6_delay_reason").codes,
    "v5_code_without_v6_equivalent",
    "reason_not_recorded",
)
"""Inpatients by whether they were delayed at the census (clinically ready before it) and
the reason, on MHSDS v6's codes (a v5 code counted under the v6 code that says the same)."""

FULL_TABLES = (
    ("inpatients_by_delay", "delay_reason", DELAY_COLUMNS, "inpatients_by_delay_reason"),
    ("inpatients_by_ward", "ward_type", WARD_TYPES, "inpatients_by_ward_type"),
    (
        "inpatients_by_security_level",
        "security_level",
        SECURITY_LEVELS,
        "inpatients_by_security_level",
    ),
    ("inpatients_by_legal_status", "legal_status", LEGAL_STATUSES, "inpatients_by_legal_status"),
    (
        "inpatients_by_gender_identity",
        "gender_identity",
        GENDER_COLUMNS,
        "inpatients_by_gender_identity",
    ),
    ("inpatients_by_ehc_plan", "ehc_plan", EHC_PLAN, "inpatients_by_ehc_plan"),
    (
        "inpatients_by_oversight_visit",
        "oversight_visit",
        OVERSIGHT,
        "inpatients_by_commissioner_oversight_visit",
    ),
    (
        "inpatients_by_time_to_planned",
        "time_to_planned_discharge",
        TIME_TO_PLANNED,
        "inpatients_by_time_to_planned_discharge",
    ),
    (
        "inpatients_by_commissioner",
        "commissioner_type",
        COMMISSIONER_TYPES,
        "inpatients_by_responsible_commissioner_type",
    ),
)
"""England's tables from data dsr holds (issue 31; domain.md): (family, dimension, values,
table). Each is one more breakdown of the month-end inpatients, so each is a family of
the same people as `inpatients`. Published for England only, as the MHSDS and AT tables
they answer are: by area they would be some 200 mostly-zero (so suppressed) cells per ICB,
and the audit that must bound each grew from seconds to many minutes at 42 ICBs
(docs/performance.md, "Publication audit")."""

ENGLAND = Collection(
    name="nhs_england_lda",
    nation="england_rag",
    national_code="E92000001",
    frequency="month",
    census_rule="month_end",
    min_age=None,
    profile="nhs_england_lda",
    source="NHS England, Learning Disability and Autism statistics (MHSDS / Assuring "
    "Transformation): inpatients at midnight on the month's last day, admissions and "
    "discharges in the month",
    families=(
        Family("inpatients", {"sex": SEXES}, (TableSpec("inpatients", "sex"),)),
        Family(
            "inpatients_by_age",
            {"age_band": AGE_BANDS},
            (TableSpec("inpatients_by_age_band", "age_band"),),
        ),
        Family(
            "inpatients_by_stay",
            {"los_band": tuple(label for label, _ in LOS_BANDS)},
            (
                TableSpec(
                    "inpatients_by_total_length_of_stay",
                    "los_band",
                    groups={"over_2_years": OVER_2_YEARS, "over_10_years": ("10_years_and_over",)},
                ),
            ),
        ),
        Family(
            "inpatients_by_security",
            {"security": ("secure", "not_secure")},
            (TableSpec("inpatients_by_security", "security"),),
        ),
        Family(
            "inpatients_by_planned_discharge",
            {"planned_discharge": PLANNED},
            (TableSpec("inpatients_by_planned_discharge_date", "planned_discharge"),),
        ),
        Family(
            "inpatients_by_last_cetr",
            {"last_cetr": LAST_CETR},
            (TableSpec("inpatients_by_last_cetr", "last_cetr"),),
        ),
        Family(
            "inpatients_by_distance",
            {"distance_from_home": DISTANCES},
            (TableSpec("inpatients_by_distance_from_home", "distance_from_home"),),
        ),
        Family(
            "inpatients_by_dsr_before_admission",
            {"on_dsr_before_admission": ("yes", "no")},
            (TableSpec("inpatients_by_dsr_before_admission", "on_dsr_before_admission"),),
        ),
        Family(
            "inpatients_by_ethnicity",
            {"ethnic_group": ETHNIC_GROUPS},
            (TableSpec("inpatients_by_ethnic_group", "ethnic_group"),),
        ),
        *(
            Family(family, {dimension: values}, (TableSpec(table, dimension, national_only=True),))
            for family, dimension, values, table in FULL_TABLES
        ),
        Family(
            "inpatients_by_provider",
            {"provider": ("not_known",)},
            (TableSpec("inpatients_by_provider", "provider", national_only=True),),
            open_values=True,
        ),
        Family(
            "admissions",
            {"admission_type": ADMISSION_TYPES},
            (TableSpec("admissions_by_type", "admission_type"),),
        ),
        Family(
            "discharges",
            {"destination_group": DESTINATION_GROUPS},
            (TableSpec("discharges_by_destination_group", "destination_group"),),
        ),
    ),
    same_people=tuple(
        (family, "inpatients")
        for family in (
            "inpatients_by_age",
            "inpatients_by_stay",
            "inpatients_by_security",
            "inpatients_by_planned_discharge",
            "inpatients_by_last_cetr",
            "inpatients_by_distance",
            "inpatients_by_dsr_before_admission",
            "inpatients_by_ethnicity",
            *(family for family, _, _, _ in FULL_TABLES),
            "inpatients_by_provider",
        )
    ),
)
"""Every inpatient table is one breakdown of the same people, so each is its own family
whose per-area total equals the others': a set of one-way breakdowns with one total can
always be joined, so the audit over these few atoms is as strict as over their product,
and it stays fast at 42 ICBs."""


COLLECTIONS = {c.name: c for c in (PHS, ENGLAND)}


def los_band(days: int) -> str:
    for label, upper in LOS_BANDS:
        if upper is None or days <= upper:
            return label
    raise AssertionError("unreachable")


def age_band(age: int) -> str:
    if age < 18:
        return "under_18"
    for label, upper in (("18-24", 24), ("25-34", 34), ("35-44", 44), ("45-54", 54)):
        if age <= upper:
            return label
    return "55-64" if age <= 64 else "65_and_over"
