"""Publications that no combination of their tables can undo (issue 14).

The audit inside `release.build` solves over atoms. These tests attack the *published*
tables independently: from what a reader sees (numbers, `*`, the rounding rule), they
solve for each suppressed cell's least and greatest value, and require every interval to
be at least the profile's protection level wide.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping
from datetime import date
from typing import Any

import highspy
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsr_core.domain.periods import Period
from dsr_projections.national.atoms import OTHER, TOTAL, AtomCounts
from dsr_projections.national.collections import (
    ENGLAND,
    PHS,
    PHS_CATEGORIES,
    SEXES,
    Collection,
    los_band,
)
from dsr_projections.national.disclosure import SUPPRESSED, profile_named
from dsr_projections.national.release import build, check
from dsr_projections.national.revisions import Earlier

SCOTTISH_HSCPS = [f"S37{n:06d}" for n in range(1, 36) if n not in (14, 15, 21, 23)]


def attack(collection: Collection, areas: list[str], tables: Mapping[str, Any]) -> dict[str, float]:
    """Width of what a reader can learn of each `*` cell, from the published tables alone."""
    profile = profile_named(collection.profile)
    collection = dataclasses.replace(
        collection,
        families=tuple(
            dataclasses.replace(  # an open family's values: the columns a reader sees (the
                # providers named, and the rest as one "other providers")
                family,
                dimensions={
                    name: tuple(
                        column
                        for column in tables[family.tables[0].name][collection.national_code]
                        if column != TOTAL
                    )
                    for name in family.dimensions
                },
            )
            if family.open_values
            else family
            for family in collection.families
        ),
    )
    variables: dict[tuple[str, str, tuple[str, ...]], int] = {}
    for family in collection.families:
        for area in areas:
            for combo in itertools.product(*family.dimensions.values()):
                variables[(area, family.name, combo)] = len(variables)
    rows: list[tuple[list[int], float, float, str]] = []
    for family in collection.families:
        names = list(family.dimensions)
        for spec in family.tables:
            for geo, cols in tables[spec.name].items():
                for column, shown in cols.items():
                    members = [
                        index
                        for (area, fam, combo), index in variables.items()
                        if fam == family.name
                        and (geo == collection.national_code or area == geo)
                        and all(combo[names.index(d)] in v for d, v in spec.where.items())
                        and (
                            column == TOTAL
                            or combo[names.index(spec.column)] == column
                            or combo[names.index(spec.column)] in spec.groups.get(column, ())
                        )
                    ]
                    name = f"{spec.name}|{geo}|{column}"
                    if shown == SUPPRESSED:
                        rows.append(
                            (members, 0.0 if profile.zero_suppressed else 1.0, np.inf, name)
                        )
                    elif profile.round_to:
                        half = profile.round_to // 2
                        low = max(profile.smallest_shown, shown - half)
                        rows.append((members, float(low), float(shown + half), ""))
                    else:
                        rows.append((members, float(shown), float(shown), ""))
    solver = highspy.Highs()  # type: ignore[no-untyped-call]
    solver.setOptionValue("output_flag", False)
    inf = highspy.kHighsInf
    solver.addVars(len(variables), np.zeros(len(variables)), np.full(len(variables), inf))
    for linked, same_as in collection.same_people:  # the reader knows they count the same
        for area in areas:
            plus = [i for (a, f, _), i in variables.items() if a == area and f == linked]
            minus = [i for (a, f, _), i in variables.items() if a == area and f == same_as]
            solver.addRow(
                0.0,
                0.0,
                len(plus) + len(minus),
                np.array(plus + minus, dtype=np.int32),
                np.array([1.0] * len(plus) + [-1.0] * len(minus)),
            )
    for members, low, high, _ in rows:
        solver.addRow(
            low,
            inf if high == np.inf else high,
            len(members),
            np.array(members, dtype=np.int32),
            np.ones(len(members)),
        )
    return {
        name: width(solver, members, len(variables))
        for members, _, _, name in rows
        if name and members
    }


def width(solver: highspy.Highs, members: list[int], count: int) -> float:
    """The greatest minus the least value the model allows the sum of `members`."""
    cost = np.zeros(count)
    cost[members] = 1.0
    solver.changeColsCost(count, np.arange(count, dtype=np.int32), cost)
    found = []
    for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
        solver.changeObjectiveSense(sense)
        solver.run()
        optimal = solver.getModelStatus() == highspy.HighsModelStatus.kOptimal
        found.append(solver.getInfo().objective_function_value if optimal else np.inf)
    return float(found[1] - found[0])


def phs_returns(counts: list[int]) -> dict[str, AtomCounts]:
    """Spread counts over HSCPs x categories x sexes (in that order, cycling)."""
    combos = list(itertools.product(PHS_CATEGORIES, SEXES))
    returns: dict[str, AtomCounts] = {}
    for i, count in enumerate(counts):
        area = SCOTTISH_HSCPS[(i // len(combos)) % len(SCOTTISH_HSCPS)]
        combo = combos[i % len(combos)]
        atoms = returns.setdefault(area, {"register": {}})["register"]
        atoms[combo] = atoms.get(combo, 0) + count
    return returns


def test_the_attack_of_the_issue_fails() -> None:
    """A Scottish HSCP with 3 people in hospital: the 3 cannot be worked out from the row,
    its total and the national figures."""
    returns: dict[str, AtomCounts] = {
        "S37000017": {
            "register": {
                ("urgent_in_hospital_not_delayed", "male"): 3,
                ("enhanced_monitoring", "female"): 7,
            }
        },
        "S37000032": {
            "register": {("enhanced_monitoring", "male"): 40, ("urgent_at_risk", "female"): 12}
        },
    }
    release = build(PHS, returns)
    tables = release.tables()
    assert tables["register_by_category"]["S37000017"]["urgent_in_hospital_not_delayed"] == "*"
    widths = attack(PHS, release.areas, tables)
    assert widths and min(widths.values()) >= profile_named("phs_scotland").protection_level


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, 9), min_size=18, max_size=90))
def test_no_suppressed_phs_cell_is_derivable_from_the_release(counts: list[int]) -> None:
    returns = phs_returns(counts)
    release = build(PHS, returns)
    widths = attack(PHS, release.areas, release.tables())
    protection = profile_named("phs_scotland").protection_level
    assert all(width >= protection - 1e-6 for width in widths.values()), widths


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["E54000048", "E54000050"]),
            st.sampled_from(SEXES),
            st.sampled_from(["18-24", "25-34", "45-54"]),
            st.integers(0, 5000),
            st.booleans(),
        ),
        max_size=40,
    ),
    st.integers(0, 6),
)
def test_no_suppressed_england_cell_is_derivable_from_the_release(
    people: list[tuple[str, str, str, int, bool]], admissions: int
) -> None:
    returns = {area: england_return(admissions) for area in ("E54000048", "E54000050")}
    for area, sex, age, days, secure in people:
        inpatient(returns[area], sex, age, days, secure)
    release = build(ENGLAND, returns)
    for table in release.tables().values():
        for cols in table.values():
            assert all(v == SUPPRESSED or v % 5 == 0 for v in cols.values())  # rounded to 5
    widths = attack(ENGLAND, release.areas, release.tables())
    protection = profile_named("nhs_england_lda").protection_level
    assert all(width >= protection - 1e-6 for width in widths.values()), widths


def england_return(admissions: int = 0) -> AtomCounts:
    return {f.name: {} for f in ENGLAND.families} | {"admissions": {("first",): admissions}}


def count(atoms: AtomCounts, family: str, combo: tuple[str, ...]) -> None:
    atoms[family][combo] = atoms[family].get(combo, 0) + 1


def inpatient(atoms: AtomCounts, sex: str, age: str, days: int, secure: bool) -> None:
    """One inpatient, counted in every breakdown of the England return."""
    for family, value in (
        ("inpatients", sex),
        ("inpatients_by_age", age),
        ("inpatients_by_stay", los_band(days)),
        ("inpatients_by_security", "secure" if secure else "not_secure"),
        (
            "inpatients_by_planned_discharge",
            "planned_date_passed" if days % 3 else "no_planned_date",
        ),
        ("inpatients_by_last_cetr", "over_6_months_ago"),
        ("inpatients_by_distance", "over_100_km" if secure else "0-10_km"),
        ("inpatients_by_dsr_before_admission", "yes"),
        ("inpatients_by_ethnicity", "white" if days % 2 else "not_known"),
        # England's full tables (issue 31)
        ("inpatients_by_delay", "not_delayed" if days % 3 else "11"),
        ("inpatients_by_ward", "learning_disability" if secure else "mental_health"),
        ("inpatients_by_security_level", "medium" if secure else "general"),
        ("inpatients_by_legal_status", "part_3_with_restrictions" if secure else "section_3"),
        ("inpatients_by_gender_identity", "not_recorded"),
        ("inpatients_by_ehc_plan", "no" if age == "18-24" else "aged_25_and_over"),
        ("inpatients_by_oversight_visit", "within_6_or_8_weeks"),
        ("inpatients_by_time_to_planned", "overdue" if days % 3 else "no_planned_date"),
        ("inpatients_by_commissioner", "nhs_england_specialised" if secure else "icb"),
        ("inpatients_by_provider", "RX4" if secure else "NQL"),
    ):
        count(atoms, family, (value,))


def test_every_count_under_5_including_0_is_hidden_at_every_level_in_england() -> None:
    one_area = england_return()
    for _ in range(3):
        inpatient(one_area, "male", "25-34", 400, False)
    returns = {"E54000048": one_area}
    release = build(ENGLAND, returns)
    national = release.tables()["inpatients"][ENGLAND.national_code]
    assert national == {"female": "*", "male": "*", "other_or_not_known": "*", "total": "*"}


def test_returns_sum_to_the_national_table_exactly() -> None:
    returns = phs_returns([1, 4, 0, 7, 12, 3] * 40)
    raw = build(PHS, returns).raw_tables()["register_by_category"]
    national = raw.pop(PHS.national_code)
    for column, value in national.items():
        assert value == sum(row[column] for row in raw.values())


def test_phs_headline_figures_for_28_march_2024() -> None:
    """PHS, 28 March 2024: 1,463 on registers; 489 urgent: 192 in hospital of which 83
    delayed, 75 inappropriately out of area, 222 at risk of breakdown. Spread over the 31
    HSCPs, dsr's unsuppressed national table equals them and the publication passes."""
    assert PHS.census_date(Period.parse("2024-Q1")) == date(2024, 3, 28)
    headline = {
        "urgent_in_hospital_delayed": 83,
        "urgent_in_hospital_not_delayed": 192 - 83,
        "urgent_inappropriate_out_of_area": 75,
        "urgent_at_risk": 222,
        "enhanced_monitoring": 850,
        "appropriate_out_of_area": 1463 - 489 - 850,
    }
    returns: dict[str, AtomCounts] = {area: {"register": {}} for area in SCOTTISH_HSCPS}
    for category, total in headline.items():
        for i in range(total):  # uneven spread: larger HSCPs first
            area = SCOTTISH_HSCPS[(i * i + i) % len(SCOTTISH_HSCPS)]
            sex = SEXES[i % 2]
            atoms = returns[area]["register"]
            atoms[(category, sex)] = atoms.get((category, sex), 0) + 1
    release = build(PHS, returns)
    national = release.raw_tables()["register_by_category"][PHS.national_code]
    assert national["total"] == 1463
    assert national["urgent"] == 489
    assert national["urgent_in_hospital"] == 192
    assert national["urgent_in_hospital_delayed"] == 83
    assert national["urgent_inappropriate_out_of_area"] == 75
    assert national["urgent_at_risk"] == 222
    widths = attack(PHS, release.areas, release.tables())
    assert min(widths.values()) >= profile_named("phs_scotland").protection_level - 1e-6
    assert release.tables()["register_by_category"][PHS.national_code]["total"] == 1463


def provider_returns(counts: Mapping[str, int]) -> dict[str, AtomCounts]:
    """Inpatients of two ICBs by provider, alternating, each counted in every breakdown."""
    returns = {area: england_return() for area in ("E54000048", "E54000050")}
    n = 0
    for provider, how_many in counts.items():
        for _ in range(how_many):
            atoms = returns["E54000048" if n % 2 else "E54000050"]
            inpatient(atoms, "male", "25-34", 400 + n, False)
            atoms["inpatients_by_provider"][("NQL",)] -= 1  # `inpatient`'s own provider
            count(atoms, "inpatients_by_provider", (provider,))
            n += 1
    for atoms in returns.values():
        by_provider = atoms["inpatients_by_provider"]
        atoms["inpatients_by_provider"] = {k: v for k, v in by_provider.items() if v}
    return returns


def test_england_names_each_provider_with_5_or_more_and_folds_the_rest() -> None:
    """Issue 31: inpatients by provider, for England. Provider codes are an open list, so
    the columns are the providers the returns hold; one with under 5 is never named (its
    column's absence would say what a `*` says, and more: that it exists)."""
    returns = provider_returns({"RX4": 12, "NQL": 7, "RT1": 2, "AB1": 1})
    release = build(ENGLAND, returns)
    assert check(release, profile_named(ENGLAND.profile)) == []
    shown = release.tables()["inpatients_by_provider"][ENGLAND.national_code]
    assert shown == {"not_known": "*", "NQL": 5, "RX4": 10, OTHER: "*", TOTAL: 20}
    widths = attack(ENGLAND, release.areas, release.tables())
    assert all(w >= profile_named(ENGLAND.profile).protection_level - 1e-6 for w in widths.values())


def test_a_provider_named_in_one_revision_and_folded_in_the_next_is_read_as_a_star() -> None:
    first_counts = {"RX4": 12, "NQL": 5, "RT1": 2}
    first = build(ENGLAND, provider_returns(first_counts))
    assert first.tables()["inpatients_by_provider"][ENGLAND.national_code]["NQL"] == 5
    revised_counts = {"RX4": 12, "NQL": 4, "RT1": 2}
    revised = build(
        ENGLAND,
        provider_returns(revised_counts),
        [Earlier(1, provider_returns(first_counts), first.tables(), False)],
    )
    assert check(revised, profile_named(ENGLAND.profile)) == []
    assert "NQL" not in revised.tables()["inpatients_by_provider"][ENGLAND.national_code]
    assert revised.revisions_read_with == [1]


def test_a_return_stored_before_a_family_existed_is_still_audited() -> None:
    """A return made before the provider table was added holds no provider counts: linked
    to its inpatients as the same people, it would make the audit's system impossible, and
    an impossible system bounds nothing (every hidden cell read as safe)."""
    old = england_return()
    for _ in range(3):
        inpatient(old, "male", "25-34", 400, False)
    del old["inpatients_by_provider"]
    release = build(
        ENGLAND, {"E54000048": old, "E54000050": provider_returns({"RX4": 9})["E54000050"]}
    )
    assert release.intervals
    assert all(np.isfinite(high) for _, high in release.intervals.values())
