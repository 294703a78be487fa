"""Which areas a collection expects, which returned, and estimates for the rest (issue 31).

PHS publishes its latest quarter as *estimated* while partnerships are missing and revises
it (cells marked R) when they return; summing whichever areas returned would silently lower
the nation's total instead. So each collection names its expected areas (data, with their
source: expected_areas.json), and a publication:

- states which areas returned, which are estimated and which are missing (`status`:
  complete; estimated; incomplete when an area is missing with nothing to carry forward;
  expected_areas_not_known for a period the shipped list does not cover);
- estimates a missing area by **carrying forward its latest return of an earlier period**
  (latest revision), counted in the nation's totals like any return; an area that has
  never returned is missing, not estimated, and the nation's figures leave it out;
- flags `e` every cell of an estimated area's row and every cell of the nation's row;
- flags `R` every cell whose published value changed since the period's previous revision
  (the revision that replaces an estimate with the return shows where it moved).
Flags are published beside the tables (`flags`, the same shape) and as the CSV's last
column; a cell's value stays a number or `*`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from dsr_projections.national.collections import Collection

ESTIMATED, REVISED = "e", "R"
Tables = Mapping[str, Mapping[str, Mapping[str, int | str]]]
Flags = dict[str, dict[str, dict[str, str]]]


@cache
def _expected() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (Path(__file__).with_name("expected_areas.json")).read_text()
    )
    return loaded


def expected_areas(collection: Collection, period: str | None = None) -> list[str] | None:
    """The areas that owe this collection a return for the period, as data
    (expected_areas.json); None for a period after the list's `valid_to` (England's ICBs
    changed on 1 April 2026 and the new codes are not shipped yet)."""
    entry = _expected()[collection.name]
    if period is not None and entry.get("valid_to") and period > entry["valid_to"]:
        return None
    return list(entry["areas"])


def expected_source(collection: Collection) -> str:
    return str(_expected()[collection.name]["source"])


@dataclass(frozen=True)
class CarriedForward:
    """An estimate: the area's latest return of an earlier period, standing in for it."""

    area: str
    period: str
    revision: int


def coverage(
    collection: Collection,
    period: str,
    returned: list[str],
    carried: Mapping[str, CarriedForward],
) -> dict[str, Any]:
    """What the publication says of its completeness."""
    expected = expected_areas(collection, period)
    missing = [a for a in expected or () if a not in returned and a not in carried]
    if expected is None:
        status = "expected_areas_not_known"
    else:
        status = "incomplete" if missing else "estimated" if carried else "complete"
    return {
        "status": status,
        "expected_areas": None if expected is None else len(expected),
        "source": expected_source(collection),
        "returned": sorted(returned),
        "estimated": {
            area: {"carried_forward_from": c.period, "revision": c.revision}
            for area, c in sorted(carried.items())
        },
        "missing": missing,
        "method": "a missing area's latest return of an earlier period, carried forward",
    }


def flags(
    collection: Collection,
    tables: Tables,
    estimated: set[str],
    previous: Tables | None,
) -> Flags:
    """`e` on estimated rows and (when any area is estimated) the nation's row; `R` on
    every cell whose value differs from the previous revision's."""
    found: Flags = {}
    for table, rows in tables.items():
        for row, columns in rows.items():
            for column, value in columns.items():
                marks = []
                if previous is not None:
                    before = previous.get(table, {}).get(row, {}).get(column)
                    if before != value:
                        marks.append(REVISED)
                if row in estimated or (estimated and row == collection.national_code):
                    marks.append(ESTIMATED)
                if marks:
                    found.setdefault(table, {}).setdefault(row, {})[column] = " ".join(marks)
    return found


def tables_csv(tables: Tables, marks: Flags) -> str:
    """A publication as CSV: table, row, column, value, flags (`e`, `R` or both)."""
    lines = ["table,row,column,value,flags"]
    for table, rows in tables.items():
        for row, columns in rows.items():
            for column, value in columns.items():
                flag = marks.get(table, {}).get(row, {}).get(column, "")
                lines.append(f"{table},{row},{column},{value},{flag}")
    return "\n".join(lines) + "\n"
