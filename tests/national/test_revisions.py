"""Every revision of a period read together (issue 31): a back-dated correction revises a
published quarter, and a reader holding both revisions must not be able to pin a
suppressed count that neither pins alone.

The attacker here works from the published tables only, plus which areas' returns a
correction changed (more than a reader is told): each changed area's counts are unknowns of
their own in each revision, every other area's counts are the same unknowns in all of them.
The audit assumes more still (every count a correction did not touch is known to be
unchanged), so what it protects holds against this attacker.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import highspy
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsr_projections.national.atoms import TOTAL, AtomCounts
from dsr_projections.national.collections import PHS, PHS_CATEGORIES, SEXES, Collection
from dsr_projections.national.disclosure import SUPPRESSED, profile_named
from dsr_projections.national.release import Release, build, check
from dsr_projections.national.revisions import Earlier
from tests.national.test_release_audit import width

PROTECTION = profile_named("phs_scotland").protection_level
A, B, C = "S37000017", "S37000032", "S37000001"


@dataclass(frozen=True)
class Seen:
    """One published revision as a reader has it, with its truth kept for the test."""

    areas: list[str]
    tables: dict[str, dict[str, dict[str, int | str]]]
    truth: dict[str, dict[str, dict[str, int]]]


def seen(release: Release) -> Seen:
    return Seen(release.areas, release.tables(), release.raw_tables())


def attack_together(
    collection: Collection, releases: Sequence[Seen], changed: set[str]
) -> dict[tuple[int, str, str, str], float]:
    """Width of what the reader learns of each `*` cell of each release, from all of them
    (PHS's rule: exact counts shown, a `*` is at least 1)."""
    variables: dict[tuple[str, str, tuple[str, ...], int], int] = {}

    def unknown(area: str, family: str, combo: tuple[str, ...], epoch: int) -> int:
        key = (area, family, combo, epoch if area in changed else 0)
        return variables.setdefault(key, len(variables))

    rows: list[tuple[list[int], float, float, tuple[int, str, str, str] | None]] = []
    for epoch, release in enumerate(releases):
        for family in collection.families:
            names = list(family.dimensions)
            combos = list(itertools.product(*family.dimensions.values()))
            for spec in family.tables:
                for geo, columns in release.tables[spec.name].items():
                    for column, shown in columns.items():
                        members = [
                            unknown(area, family.name, combo, epoch)
                            for area in release.areas
                            for combo in combos
                            if geo in (collection.national_code, area)
                            and all(combo[names.index(d)] in v for d, v in spec.where.items())
                            and (
                                column == TOTAL
                                or combo[names.index(spec.column)] == column
                                or combo[names.index(spec.column)] in spec.groups.get(column, ())
                            )
                        ]
                        if shown == SUPPRESSED:
                            rows.append((members, 1.0, np.inf, (epoch, spec.name, geo, column)))
                        else:
                            rows.append((members, float(shown), float(shown), None))
    solver = highspy.Highs()  # type: ignore[no-untyped-call]
    solver.setOptionValue("output_flag", False)
    count, inf = len(variables), highspy.kHighsInf
    solver.addVars(count, np.zeros(count), np.full(count, inf))
    for members, low, high, _ in rows:
        upper = inf if high == np.inf else high
        solver.addRow(
            low, upper, len(members), np.array(members, dtype=np.int32), np.ones(len(members))
        )
    return {
        name: width(solver, members, count)
        for members, _, _, name in rows
        if name is not None and members
    }


def small_counts_pinned(releases: Sequence[Seen], changed: set[str]) -> list[str]:
    """Suppressed counts of 1 to 4 people (PHS's primary rule) a reader pins together."""
    widths = attack_together(PHS, releases, changed)
    return [
        f"revision {epoch + 1} {table} {geo} {column}: width {width}"
        for (epoch, table, geo, column), width in widths.items()
        if 1 <= releases[epoch].truth[table][geo][column] <= 4 and width < PROTECTION - 1e-6
    ]


def published_in_turn(revisions: Sequence[dict[str, AtomCounts]]) -> list[Seen]:
    """Each revision built with every one published before it; a refused one is skipped,
    as `publish` refuses it."""
    published: list[Seen] = []
    earlier: list[Earlier] = []
    for returns in revisions:
        release = build(PHS, returns, earlier)
        if check(release, profile_named(PHS.profile)):
            continue
        published.append(seen(release))
        earlier.append(Earlier(len(earlier) + 1, returns, release.tables(), True))
    return published


QUARTER: dict[str, AtomCounts] = {
    A: {"register": {("enhanced_monitoring", "female"): 7, ("appropriate_out_of_area", "male"): 5}},
    B: {"register": {("enhanced_monitoring", "male"): 40, ("urgent_at_risk", "female"): 12}},
    C: {
        "register": {
            ("enhanced_monitoring", "female"): 20,
            ("urgent_in_hospital_not_delayed", "male"): 9,
        }
    },
}
"""The issue's quarter: no one of A's 12 in hospital when first published."""

REVISED: dict[str, AtomCounts] = {
    **QUARTER,
    A: {
        "register": {
            ("enhanced_monitoring", "female"): 6,
            ("urgent_in_hospital_not_delayed", "female"): 1,  # the back-dated admission
            ("appropriate_out_of_area", "male"): 5,
        }
    },
}


def test_the_two_revision_attack_of_the_issue_pins_nothing() -> None:
    first = build(PHS, QUARTER)
    # each alone protects the one in hospital, but audited alone the revision gives it away
    alone = build(PHS, REVISED)
    assert alone.tables()["register_by_category"][A]["urgent_in_hospital_not_delayed"] == "*"
    assert small_counts_pinned([seen(first), seen(alone)], {A})

    together = build(PHS, REVISED, [Earlier(1, QUARTER, first.tables(), False)])
    assert check(together, profile_named(PHS.profile)) == []
    assert together.revisions_read_with == [1]
    assert small_counts_pinned([seen(first), seen(together)], {A}) == []
    # the nation's figures that do not depend on the change are still published
    national = together.tables()["register_by_category"][PHS.national_code]
    assert national["urgent_at_risk"] == 12 and national["urgent_in_hospital_delayed"] == 0


def test_a_revision_that_changes_nothing_publishes_the_same_tables() -> None:
    first = build(PHS, QUARTER)
    again = build(PHS, QUARTER, [Earlier(1, QUARTER, first.tables(), False)])
    assert again.tables() == first.tables()
    assert check(again, profile_named(PHS.profile)) == []


def people(draw: st.DrawFn) -> dict[str, AtomCounts]:
    returns: dict[str, AtomCounts] = {}
    for area in (A, B, C):
        counts = returns.setdefault(area, {"register": {}})["register"]
        for combo in itertools.product(PHS_CATEGORIES, SEXES):
            if draw(st.integers(0, 4)) == 0:
                counts[combo] = draw(st.integers(1, 12))
    return returns


@st.composite
def revision_sequences(draw: st.DrawFn) -> tuple[list[dict[str, AtomCounts]], set[str]]:
    """A quarter and up to three corrections, each moving, adding or removing one person
    in one area (a back-dated admission, discharge, rating change or late referral)."""
    current = people(draw)
    sequence, changed = [current], set()
    for _ in range(draw(st.integers(1, 3))):
        area = draw(st.sampled_from([A, B, C]))
        counts = dict(current[area]["register"])
        source = draw(st.sampled_from([*counts, None]))
        target = draw(st.sampled_from([*itertools.product(PHS_CATEGORIES, SEXES), None]))
        if source is not None:
            counts[source] -= 1
        if target is not None:
            counts[target] = counts.get(target, 0) + 1
        current = {**current, area: {"register": {k: v for k, v in counts.items() if v}}}
        sequence.append(current)
        changed.add(area)
    return sequence, changed


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(revision_sequences())
def test_no_sequence_of_revisions_pins_a_small_count(
    case: tuple[list[dict[str, AtomCounts]], set[str]],
) -> None:
    sequence, changed = case
    published = published_in_turn(sequence)
    assert published, "the first revision has nothing earlier to be read with"
    assert small_counts_pinned(published, changed) == []
