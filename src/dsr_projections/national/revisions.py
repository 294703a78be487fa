"""Earlier revisions of a period's publication, read together with the one being built
(issue 31: two revisions of a quarter, each safe alone, pinned one area's in-hospital count
at 1 once differenced).

A reader holds every revision of a period. The release audit solves over all of them as one
system. The atoms of the release being built are its variables; an earlier revision's atom
shares the variable of the same atom in the next newer revision when their true counts are
equal, and has a variable of its own when the correction changed it. That is the worst case
for the publisher: the reader is taken to know everything a correction did not touch, and
only the changed counts are unknown to them. Each earlier revision's published cells bound
sums of those variables as the reader sees them: `*`, a rounded count or an exact one.

No table of either collection is cumulative across periods (each counts a census or the
period's own flows), so only revisions of the same period are read together.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from dsr_projections.national.atoms import (
    AtomCounts,
    Atoms,
    CellKey,
    cells_of,
    folded,
    is_folded,
    owner,
    same_people,
)
from dsr_projections.national.collections import Collection
from dsr_projections.national.disclosure import SUPPRESSED, DisclosureProfile

Bounds = tuple[float, float | None]
"""What a reader knows of a cell: least and greatest value (None: no upper bound)."""


@dataclass(frozen=True)
class Earlier:
    """A revision already published for the period: its areas' returns and what it showed."""

    revision: int
    returns: Mapping[str, AtomCounts]
    tables: Mapping[str, Mapping[str, Mapping[str, int | str]]]
    any_secondary: bool


@dataclass
class Joint:
    """Earlier revisions' cells over the shared variables, and what each tells a reader."""

    variables: int
    cells: dict[CellKey, list[int]] = field(default_factory=dict)
    bounds: dict[CellKey, Bounds] = field(default_factory=dict)
    hidden: set[CellKey] = field(default_factory=set)
    links: list[tuple[list[int], list[int]]] = field(default_factory=list)


def joint(
    collection: Collection,
    current: Atoms,
    truth: np.ndarray,
    earlier: Sequence[Earlier],
    profile: DisclosureProfile,
) -> Joint:
    """The earlier revisions (any order) as constraints over the current atoms' variables
    and one new variable per atom a correction changed."""
    found = Joint(variables=len(current))
    newer_var = dict(current.index)
    newer_value = {key: int(truth[i]) for key, i in current.index.items()}
    for release in sorted(earlier, key=lambda e: -e.revision):  # newest first
        atoms = Atoms(collection, sorted(release.returns))
        values = _values(collection, release.returns, atoms)
        variable: dict[int, int] = {}
        for key, index in atoms.index.items():
            if key in newer_var and newer_value[key] == values[key]:
                variable[index] = newer_var[key]
            else:
                variable[index] = found.variables
                found.variables += 1
            newer_var[key], newer_value[key] = variable[index], values[key]
        # an open table's columns as this revision showed them, the rest folded
        shown_as = folded(collection, _shown_in(release))
        for cell, members in cells_of(shown_as, sorted(release.returns), atoms).items():
            rows = release.tables.get(cell.table, {}).get(cell.row)
            shown = None if rows is None else rows.get(cell.column)
            if shown is None and rows is not None and is_folded(shown_as, cell):
                shown = SUPPRESSED  # folded into "other providers": under 5, as a `*` is
            if shown is None:
                continue  # a table added to the collection after this revision was published
            read = CellKey(cell.table, cell.row, cell.column, release.revision)
            found.cells[read] = [variable[m] for m in members]
            found.bounds[read] = read_as_published(shown, profile, release.any_secondary)
            if shown == SUPPRESSED:
                found.hidden.add(read)
        for plus, minus in same_people(collection, release.returns, atoms):
            found.links.append(([variable[m] for m in plus], [variable[m] for m in minus]))
    return found


def _shown_in(release: Earlier) -> Callable[[str, str], bool]:
    """Whether the revision showed a table's column (named it)."""

    def shown(table: str, column: str) -> bool:
        return any(column in row for row in release.tables.get(table, {}).values())

    return shown


def read_as_published(shown: int | str, profile: DisclosureProfile, any_secondary: bool) -> Bounds:
    """What a published cell tells a reader of its true value, under the profile's rule."""
    if shown == SUPPRESSED:
        low = 0.0 if profile.zero_suppressed else 1.0
        secondary = any_secondary or profile.secondary_suppression
        return low, None if secondary else float(profile.smallest_shown - 1)
    value = int(shown)
    if value == 0:
        return 0.0, 0.0  # a zero is shown only where it is a zero
    if profile.round_to:
        half = profile.round_to // 2
        return float(max(profile.smallest_shown, value - half)), float(value + half)
    return float(value), float(value)


def _values(
    collection: Collection, returns: Mapping[str, AtomCounts], atoms: Atoms
) -> dict[tuple[str, str, tuple[str, ...]], int]:
    """Each atom's count in these returns (families and combinations the collection no
    longer has are left out: they cannot be matched to a newer revision's atoms)."""
    values = dict.fromkeys(atoms.index, 0)
    known = {family.name for family in collection.families}
    for area, counts in returns.items():
        for family, combos in counts.items():
            if family not in known:
                continue
            for combo, count in combos.items():
                key = (owner(collection, family, area), family, tuple(combo))
                if key in values:
                    values[key] += count
    return values
