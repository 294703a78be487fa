"""The atoms every published cell sums (collections.py): each area x family x combination
of dimension values is one, numbered, so that a release's cells, and the cells of every
revision read with it (revisions.py), are sums over the same variables."""

from __future__ import annotations

import dataclasses
import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from dsr_projections.national.collections import COLLECTIONS, Collection, Family

TOTAL = "total"
OTHER = "other_providers"
"""The group of an open table's values too small to name (atoms.folded)."""
AtomCounts = dict[str, dict[tuple[str, ...], int]]
"""One area's return: per family, the count of people with each combination of values."""


@dataclass(frozen=True)
class CellKey:
    table: str
    row: str
    column: str
    revision: int = 0
    """0: the release being built; n: the period's published revision n, read with it."""


def opened(collection: Collection, returns: Iterable[Mapping[str, AtomCounts]]) -> Collection:
    """The collection with each open family's values (collections.Family.open_values) its
    listed ones and those the returns hold, sorted: the same atoms for every revision read
    together, whichever of them each shows."""
    families = []
    for family in collection.families:
        if family.open_values:
            ((dimension, listed),) = family.dimensions.items()
            found = {
                combo[0]
                for area_returns in returns
                for counts in area_returns.values()
                for combo in counts.get(family.name, {})
            } - set(listed)
            family = dataclasses.replace(family, dimensions={dimension: (*listed, *sorted(found))})
        families.append(family)
    return dataclasses.replace(collection, families=tuple(families))


def open_counts(collection: Collection, returns: Mapping[str, AtomCounts]) -> Counter[str]:
    """The nation's count of each value of the open families (a provider's inpatients)."""
    counts: Counter[str] = Counter()
    for family in collection.families:
        if family.open_values:
            for area_returns in returns.values():
                for combo, n in area_returns.get(family.name, {}).items():
                    counts[combo[0]] += n
    return counts


def folded(collection: Collection, shows: Callable[[str, str], bool]) -> Collection:
    """Each open table with the values (besides its listed ones) that `shows(table, value)`
    refuses folded into its OTHER group: a provider with under 5 inpatients is never named,
    so its column's absence says no more than a `*` would (the audit counts it as one)."""
    as_defined = COLLECTIONS[collection.name]
    families = []
    for family in collection.families:
        if family.open_values:
            listed = set(as_defined.family(family.name).dimensions[family.tables[0].column])
            tables = []
            for table in family.tables:
                other = tuple(
                    value
                    for value in family.dimensions[table.column]
                    if value not in listed and not shows(table.name, value)
                )
                tables.append(dataclasses.replace(table, groups={**table.groups, OTHER: other}))
            family = dataclasses.replace(family, tables=tuple(tables))
        families.append(family)
    return dataclasses.replace(collection, families=tuple(families))


def is_folded(collection: Collection, key: CellKey) -> bool:
    """A column an open table does not show: counted in its OTHER group instead."""
    for family in collection.families:
        if family.open_values:
            for table in family.tables:
                if table.name == key.table:
                    return key.column in table.groups.get(OTHER, ())
    return False


def national_only(family: Family) -> bool:
    """A family published for the nation alone: no reader sees it by area."""
    return all(table.national_only for table in family.tables)


def owners(collection: Collection, family: Family, areas: Sequence[str]) -> list[str]:
    """Whose atoms a family has: each area's, or, when it is published for the nation
    alone, one set for the nation. Its areas' counts are never seen apart, and any national
    counts can be split among areas to meet each area's total, so the audit's bounds are
    the same and the programme much smaller (issue 31: England's further tables)."""
    return [collection.national_code] if national_only(family) else list(areas)


def owner(collection: Collection, family_name: str, area: str) -> str:
    """The atom owner an area's counts of a family are added to."""
    return collection.national_code if national_only(collection.family(family_name)) else area


class Atoms:
    """Numbers every atom (area x family x combination of dimension values)."""

    def __init__(self, collection: Collection, areas: Sequence[str]) -> None:
        self.index: dict[tuple[str, str, tuple[str, ...]], int] = {}
        for family in collection.families:
            for area in owners(collection, family, areas):
                for combo in itertools.product(*family.dimensions.values()):
                    self.index[(area, family.name, combo)] = len(self.index)

    def __len__(self) -> int:
        return len(self.index)


def cells_of(
    collection: Collection, areas: Sequence[str], atoms: Atoms
) -> dict[CellKey, list[int]]:
    """Each published cell and the atoms it sums."""
    national = collection.national_code
    cells: dict[CellKey, list[int]] = {}
    for family in collection.families:
        names = list(family.dimensions)
        for table in family.tables:
            rows = [national] if table.national_only else [*areas, national]
            columns = [*family.dimensions[table.column], *table.groups, TOTAL]
            for row in rows:  # every cell, so cells no atom reaches are structural zeros
                for column in columns:
                    cells[CellKey(table.name, row, column)] = []
            column_at = names.index(table.column)
            for combo in itertools.product(*family.dimensions.values()):
                if any(combo[names.index(d)] not in allowed for d, allowed in table.where.items()):
                    continue
                value = combo[column_at]
                in_columns = [value, TOTAL] + [g for g, vs in table.groups.items() if value in vs]
                for area in owners(collection, family, areas):
                    atom = atoms.index[(area, family.name, combo)]
                    for row in {area, national} & set(rows):
                        for column in in_columns:
                            cells[CellKey(table.name, row, column)].append(atom)
    return cells


def same_people(
    collection: Collection, returns: Mapping[str, AtomCounts], atoms: Atoms
) -> list[tuple[list[int], list[int]]]:
    """Per area, the atoms of each family that counts the same people as another (for the
    nation as a whole where either is published for the nation alone).

    Only where the returns count both: a return stored before a family was added to the
    collection holds nothing of it, and linking its empty family to the full one would
    claim the area had nobody (an impossible system, which the audit would read as
    nothing pinned)."""
    areas = sorted(returns)
    pairs = []
    for family, same_as in collection.same_people:
        counted = [a for a in areas if family in returns[a] and same_as in returns[a]]
        if national_only(collection.family(family)) or national_only(collection.family(same_as)):
            if counted != areas:
                continue  # the nation's atoms cannot be split by area: no link at all
            pairs.append(
                (
                    [i for (_, f, _), i in atoms.index.items() if f == family],
                    [i for (_, f, _), i in atoms.index.items() if f == same_as],
                )
            )
            continue
        for area in counted:
            pairs.append(
                (
                    [i for (a, f, _), i in atoms.index.items() if a == area and f == family],
                    [i for (a, f, _), i in atoms.index.items() if a == area and f == same_as],
                )
            )
    return pairs


def atom_values(
    collection: Collection, returns: Mapping[str, AtomCounts], atoms: Atoms
) -> np.ndarray:
    values = np.zeros(len(atoms))
    for area, counts in returns.items():
        for family in collection.families:
            for combo, count in counts.get(family.name, {}).items():
                values[
                    atoms.index[(owner(collection, family.name, area), family.name, tuple(combo))]
                ] += count
    return values
