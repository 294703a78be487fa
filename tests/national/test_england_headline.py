"""A synthetic English register whose month reproduces NHS England's published headline for
a named period (issue 31, item 5): Learning Disability Services Monthly Statistics, AT:
April 2022, "Summary findings from the AT dataset" (digital.nhs.uk/data-and-information/
publications/statistical/learning-disability-services-statistics/
at-april-2022-mhsds-february-2022-final/summary-report---at):

- 2,000 inpatients at the end of the month; 130 discharged, 70 admitted;
- 95 of the discharges back into the community;
- 1,135 with a total length of stay over 2 years, of whom 360 over 10 years;
- 920 in a secure ward; 1,375 males and 620 females;
- 615 aged 25-34 and 40 aged 65 and over;
- admissions: 40 first, 15 readmissions within a year, 20 transfers;
- 705 whose last review (C(E)TR) was over 6 months ago;
- 330 within 10 km of home and 505 over 50 km;
- 890 with a date planned for them to leave hospital.

NHS England rounds each figure to the nearest 5, so the counts behind it are any that
round so (40 + 15 + 20 is 75, not 70). The register is built from the commands a user
sends, spread over eight ICBs, each ICB's return counted and summed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date
from itertools import count
from typing import Any
from uuid import UUID

from dsr_core.domain.codes import Role
from dsr_core.domain.identifiers import mod11_check_digit
from dsr_core.domain.periods import Period
from dsr_core.domain.values import Actor
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from dsr_projections.engine.runner import ProjectionRunner
from dsr_projections.national.collections import ENGLAND
from dsr_projections.national.completeness import expected_areas
from dsr_projections.national.disclosure import profile_named
from dsr_projections.national.release import build, check
from dsr_projections.national.returns import build_return
from tests.support import factories as f

APRIL_2022 = Period.parse("2022-04")
CENSUS = date(2022, 4, 30)
ICBS = sorted(expected_areas(ENGLAND, "2025-04") or [])[:8]
"""Eight of the 42: the headline is England's, and the audit of a release grows with its
areas (docs/performance.md, "Publication audit")."""

# When each inpatient's stay began, longest last: (start, how many). The first 69 were
# admitted in April (38 first admissions, 13 readmissions, 18 transfers whose stay began
# in February).
STAYS = [
    (date(2022, 4, 5), 69),
    (date(2022, 3, 1), 146),
    (date(2021, 12, 1), 150),
    (date(2021, 7, 1), 200),
    (date(2020, 9, 1), 300),
    (date(2018, 6, 1), 500),  # 2-5 years
    (date(2014, 6, 1), 275),  # 5-10 years
    (date(2008, 6, 1), 360),  # 10 years and over
]
ADMISSIONS = ["first"] * 38 + ["readmission_within_12_months"] * 13 + ["transfer"] * 18
AGES = {15: 45, 21: 400, 30: 615, 40: 450, 50: 300, 60: 150, 70: 40}
"""Age at the census: the MHSDS bands' middles (under 18 first, on the shortest stays)."""
KM_FROM_HOME = {5: 330, 15: 400, 35: 400, 75: 300, 150: 205, None: 365}
DISCHARGES = {"family_home": 95, "another_mh_ld_bed": 20, "died": 5, "other": 10}


def spread(plan: dict[Any, int], rng: random.Random) -> list[Any]:
    values = [value for value, n in plan.items() for _ in range(n)]
    rng.shuffle(values)
    return values


def nhs_numbers() -> Iterator[str]:
    """Distinct numbers that pass the modulus-11 check (test data only)."""
    for n in count(1):
        first_nine = f"9{n:08d}"
        check_digit = mod11_check_digit(first_nine)
        if check_digit is not None:
            yield first_nine + str(check_digit)


def test_an_england_month_reproduces_nhs_englands_published_headline(
    app: Registers, runner: ProjectionRunner
) -> None:
    rng = random.Random(2022)
    starts = [start for start, n in STAYS for _ in range(n)]
    assert len(starts) == 2000
    ages = [15] * 45 + spread({age: n for age, n in AGES.items() if age != 15}, rng)
    sexes = spread({"male": 1375, "female": 620, "not_known": 5}, rng)
    km = spread(KM_FROM_HOME, rng)
    secure = spread({True: 920, False: 1080}, rng)
    numbers = nhs_numbers()

    def admit(i: int, area: str, started: date, **stay: Any) -> UUID:
        details = f.details(
            seed=i,
            nhs_number=next(numbers),
            date_of_birth=date(CENSUS.year - ages[i % 2000], 1 + i % 12, 1 + i % 28),
            sex=sexes[i % 2000],
            home_location={"latitude": 52.0, "longitude": -1.0} if km[i % 2000] else None,
        )
        distance = km[i % 2000] or 0
        command = f.inpatient(
            area=area,
            details=details,
            admitted_on=started,
            hospital_location={"latitude": 52.0 + distance / 111.2, "longitude": -1.0},
            security_level="medium" if secure[i % 2000] else "general",
            **stay,
        )
        by = Caller.of(Actor(user_id="lead", role=Role.LEAD, area=area))
        return app.execute(None, command, by).person_id

    for i, started in enumerate(starts):
        area = ICBS[i % len(ICBS)]
        by = Caller.of(Actor(user_id="lead", role=Role.LEAD, area=area))
        kind = ADMISSIONS[i] if i < len(ADMISSIONS) else None
        stay: dict[str, Any] = {}
        if kind == "transfer":
            stay = {"admission_type": kind, "stay_started_on": date(2022, 2, 1)}
        elif kind == "readmission_within_12_months":
            stay = {"admission_type": kind}
        pid = admit(i, area, started, **stay)
        if 295 <= i < 1295:  # the last C(E)TR within 6 months of the census
            app.execute(
                pid, cmd.RecordReview(kind="cetr", held_on=date(2022, 3, 15), outcome="Plan"), by
            )
        elif i >= 1295:  # 705, over 6 months before it
            app.execute(
                pid, cmd.RecordReview(kind="cetr", held_on=date(2021, 6, 1), outcome="Plan"), by
            )
        if 100 <= i < 990:  # 800 planned ahead of the census, 90 planned and passed
            planned_on = date(2022, 9, 1) if i < 900 else date(2022, 4, 25)
            app.execute(
                pid,
                cmd.SetPlannedDischargeDate(recorded_on=date(2022, 4, 20), planned_on=planned_on),
                by,
            )
    i = 2000
    for destination, n in DISCHARGES.items():
        for _ in range(n):
            area = ICBS[i % len(ICBS)]
            by = Caller.of(Actor(user_id="lead", role=Role.LEAD, area=area))
            pid = admit(i, area, date(2021, 6, 1))
            app.execute(
                pid, cmd.Discharge(discharged_on=date(2022, 4, 15), destination=destination), by
            )
            i += 1
    runner.catch_up()

    assert ENGLAND.census_date(APRIL_2022) == CENSUS
    returns = {
        area: build_return(runner.db, ENGLAND, area, APRIL_2022, b"secret", 5).atoms
        for area in ICBS
    }
    release = build(ENGLAND, returns)
    assert check(release, profile_named("nhs_england_lda")) == []
    shown = {name: table[ENGLAND.national_code] for name, table in release.tables().items()}

    assert shown["inpatients"]["total"] == 2000
    assert (shown["inpatients"]["male"], shown["inpatients"]["female"]) == (1375, 620)
    assert shown["admissions_by_type"] == {
        "first": 40,
        "readmission_within_12_months": 15,
        "transfer": 20,
        "total": 70,
    }
    discharges = shown["discharges_by_destination_group"]
    assert (discharges["total"], discharges["community"]) == (130, 95)
    stay = shown["inpatients_by_total_length_of_stay"]
    assert (stay["over_2_years"], stay["over_10_years"]) == (1135, 360)
    assert shown["inpatients_by_security"]["secure"] == 920
    ages_shown = shown["inpatients_by_age_band"]
    assert (ages_shown["25-34"], ages_shown["65_and_over"]) == (615, 40)
    assert shown["inpatients_by_last_cetr"]["over_6_months_ago"] == 705
    distance = shown["inpatients_by_distance_from_home"]
    assert distance["0-10_km"] == 330
    raw = release.raw_tables()
    far = raw["inpatients_by_distance_from_home"][ENGLAND.national_code]
    assert far["51-100_km"] + far["over_100_km"] == 505
    planned = raw["inpatients_by_planned_discharge_date"][ENGLAND.national_code]
    assert planned["planned_date_ahead"] + planned["planned_date_passed"] == 890
