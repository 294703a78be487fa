"""One England month through the register: the inpatient census at midnight on the month's
last day, in the shape of NHS England's learning-disability tables (issue 14)."""

from __future__ import annotations

from datetime import date

from dsr_core.domain.periods import Period
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from dsr_projections.engine.runner import ProjectionRunner
from dsr_projections.national.atoms import OTHER, TOTAL
from dsr_projections.national.collections import ENGLAND, LOS_BANDS
from dsr_projections.national.disclosure import SUPPRESSED, profile_named
from dsr_projections.national.release import build, check
from dsr_projections.national.returns import build_return
from tests.support import factories as f
from tests.support.stages import accepted

BY = Caller.of(f.LEAD)


def test_an_england_month_in_the_shape_of_the_ld_publication(
    app: Registers, runner: ProjectionRunner
) -> None:
    stays = []
    for seed in range(1, 13):
        pid = accepted(app, seed=seed)
        app.execute(pid, f.admission(date(2025, 1, 20), hospital=f"H{seed % 3}"), BY)
        stays.append(pid)
    # discharged on 31 May: not in hospital at midnight at the end of May
    app.execute(
        stays[0],
        cmd.Discharge(
            discharged_on=date(2025, 5, 31), destination="family_home", rating=f.rating("red")
        ),
        BY,
    )
    app.execute(
        stays[1],
        cmd.SetPlannedDischargeDate(recorded_on=date(2025, 2, 1), planned_on=date(2025, 5, 1)),
        BY,
    )
    runner.catch_up()
    may = Period.parse("2025-05")
    assert ENGLAND.census_date(may) == date(2025, 5, 31)
    submitted = build_return(runner.db, ENGLAND, f.ENGLISH_AREA, may, b"secret", 5)
    assert sum(submitted.atoms["inpatients"].values()) == 11
    planning = submitted.atoms["inpatients_by_planned_discharge"]
    assert planning == {("planned_date_passed",): 1, ("no_planned_date",): 10}
    assert submitted.atoms["inpatients_by_last_cetr"] == {("none_recorded",): 11}
    assert submitted.atoms["discharges"] == {("community",): 1}
    release = build(ENGLAND, {f.ENGLISH_AREA: submitted.atoms})
    assert check(release, profile_named("nhs_england_lda")) == []
    raw = release.raw_tables()["inpatients_by_total_length_of_stay"][ENGLAND.national_code]
    assert raw["3-6_months"] == 11  # 20 January to 31 May: 131 days
    shown = release.tables()
    assert list(shown["inpatients_by_total_length_of_stay"][f.ENGLISH_AREA]) == [
        *(label for label, _ in LOS_BANDS),
        "over_2_years",
        "over_10_years",
        TOTAL,
    ]
    for table in shown.values():
        for cols in table.values():
            for value in cols.values():
                assert value == SUPPRESSED or (int(value) >= 5 and int(value) % 5 == 0)
    assert shown["inpatients"][ENGLAND.national_code][TOTAL] == 10  # 11, rounded to 5
    assert shown["discharges_by_destination_group"][ENGLAND.national_code][TOTAL] == SUPPRESSED


def test_discharges_are_published_in_the_seven_mhsds_destination_groups(
    app: Registers, runner: ProjectionRunner
) -> None:
    destinations = ("prison", "hospice", "no_longer_in_scope", "other", "acute_physical_bed")
    for seed, destination in enumerate(destinations, start=1):
        pid = accepted(app, seed=seed)
        app.execute(pid, f.admission(date(2025, 1, 20)), BY)
        app.execute(
            pid,
            cmd.Discharge(
                discharged_on=date(2025, 5, 10), destination=destination, rating=f.rating("red")
            ),
            BY,
        )
    runner.catch_up()
    submitted = build_return(runner.db, ENGLAND, f.ENGLISH_AREA, Period.parse("2025-05"), b"s", 5)
    assert submitted.atoms["discharges"] == {
        ("penal_establishment_or_court",): 1,
        ("non_nhs_hospice",): 1,
        ("not_applicable",): 1,
        ("not_known",): 1,
        ("hospital",): 1,
    }
    columns = build(ENGLAND, {f.ENGLISH_AREA: submitted.atoms}).raw_tables()[
        "discharges_by_destination_group"
    ][ENGLAND.national_code]
    assert list(columns) == [
        "community",
        "hospital",
        "penal_establishment_or_court",
        "non_nhs_hospice",
        "not_applicable",
        "died",
        "not_known",
        TOTAL,
    ]
    assert columns[TOTAL] == 5


def test_a_return_stored_with_four_destination_groups_reads_its_other_as_not_known() -> None:
    from dsr_projections.national.returns import atoms_from_content

    stored = {"atoms": {"discharges": [["community", 3], ["other", 2]]}}
    assert atoms_from_content(stored) == {"discharges": {("community",): 3, ("not_known",): 2}}


def test_england_in_full_counts_each_inpatient_in_every_further_table(
    app: Registers, runner: ProjectionRunner
) -> None:
    """Issue 31: delays by MHSDS v6 reason, ward type, security level, legal status, gender
    identity, EHC plan, oversight visits, time to planned discharge, commissioner type,
    provider."""
    detained = accepted(app, seed=1)
    app.execute(
        detained,
        f.admission(
            date(2025, 1, 20),
            ward_type="learning_disability",
            security_level="medium",
            legal_status="detained",
            detained_under="09",  # s37/41: Part 3 with restrictions
            commissioner_type="nhs_england_specialised",
            provider_code="RX4",
        ),
        BY,
    )
    app.execute(detained, cmd.MarkReadyForDischarge(ready_on=date(2025, 4, 1)), BY)
    app.execute(
        detained, cmd.RecordDischargeDelay(recorded_on=date(2025, 4, 15), delay_reason="18"), BY
    )
    app.execute(
        detained,
        cmd.RecordReview(
            kind="commissioner_oversight_visit", held_on=date(2025, 5, 20), outcome="x"
        ),
        BY,
    )
    app.execute(
        detained,
        cmd.SetPlannedDischargeDate(recorded_on=date(2025, 5, 2), planned_on=date(2025, 9, 1)),
        BY,
    )
    informal = accepted(app, seed=2)
    app.execute(informal, f.admission(date(2025, 3, 3), ward_type="mental_health"), BY)
    runner.catch_up()
    atoms = build_return(runner.db, ENGLAND, f.ENGLISH_AREA, Period.parse("2025-05"), b"s", 5).atoms
    assert atoms["inpatients_by_delay"] == {("18",): 1, ("not_delayed",): 1}
    assert atoms["inpatients_by_ward"] == {("learning_disability",): 1, ("mental_health",): 1}
    assert atoms["inpatients_by_security_level"] == {("medium",): 1, ("general",): 1}
    assert atoms["inpatients_by_legal_status"] == {
        ("part_3_with_restrictions",): 1,
        ("informal",): 1,
    }
    assert atoms["inpatients_by_oversight_visit"] == {
        ("within_6_or_8_weeks",): 1,  # 20 May, 11 days before the census
        ("none_recorded",): 1,
    }
    assert atoms["inpatients_by_time_to_planned"] == {
        ("3-6_months",): 1,  # 1 September from 31 May
        ("no_planned_date",): 1,
    }
    assert atoms["inpatients_by_commissioner"] == {
        ("nhs_england_specialised",): 1,
        ("not_known",): 1,
    }
    assert atoms["inpatients_by_provider"] == {("RX4",): 1, ("not_known",): 1}
    for family in ENGLAND.families:  # every further table counts the same two people
        if family.name.startswith("inpatients"):
            assert sum(atoms[family.name].values()) == 2, family.name
    release = build(ENGLAND, {f.ENGLISH_AREA: atoms})
    tables = release.raw_tables()
    assert tables["inpatients_by_delay_reason"][ENGLAND.national_code]["18"] == 1
    assert tables["inpatients_by_provider"][ENGLAND.national_code]["RX4"] == 1
    # a provider with under 5 is not named: its count is in "other providers" (a `*` here)
    assert release.tables()["inpatients_by_provider"][ENGLAND.national_code] == {
        "not_known": SUPPRESSED,
        OTHER: SUPPRESSED,
        TOTAL: SUPPRESSED,
    }
    assert check(release, profile_named("nhs_england_lda")) == []
