"""The atoms every published cell sums (collections.py): each area x family x combination
of dimension values is one, numbered, so that a release's cells, and the cells of every
revision read with it (revisions.py), are sums over the same variables."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from dsr_projections.national.collections import Collection, Family

TOTAL = "total"
AtomCounts = dict[str, dict[tuple[str, ...], int]]
"""One area's return: per family, the count of people with each combination of values."""


@dataclass(frozen=True)
class CellKey:
    table: str
    row: str
    column: str
    revision: int = 0
    """0: the release being built; n: the period's published revision n, read with it."""


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
    collection: Collection, areas: Sequence[str], atoms: Atoms
) -> list[tuple[list[int], list[int]]]:
    """Per area, the atoms of each family that counts the same people as another (for the
    nation as a whole where either is published for the nation alone)."""
    pairs = []
    for family, same_as in collection.same_people:
        if national_only(collection.family(family)) or national_only(collection.family(same_as)):
            pairs.append(
                (
                    [i for (_, f, _), i in atoms.index.items() if f == family],
                    [i for (_, f, _), i in atoms.index.items() if f == same_as],
                )
            )
            continue
        for area in areas:
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
