"""Independent checks of published tables, written apart from disclosure.py on purpose."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

SUPPRESSED = "*"


def compositions(total: int, parts: int) -> Iterator[tuple[int, ...]]:
    """Every way to write `total` as `parts` positive integers."""
    if parts == 1:
        if total >= 1:
            yield (total,)
        return
    for first in range(1, total - parts + 2):
        for rest in compositions(total - first, parts - 1):
            yield (first, *rest)


def recoverable_cells(cells: Mapping[str, Mapping[str, object]]) -> list[tuple[str, str]]:
    """Suppressed cells an attacker can pin down exactly from a visible line total.

    The attacker knows only that a suppressed count is a positive whole number.
    """
    found = []
    lines: list[tuple[list[tuple[str, str]], tuple[str, str]]] = []
    for row, cols in cells.items():
        if "total" in cols:
            lines.append(([(row, c) for c in cols if c != "total"], (row, "total")))
    if "total" in cells:
        for column in cells["total"]:
            lines.append(([(r, column) for r in cells if r != "total"], ("total", column)))
    for members, total_cell in lines:
        total = cells[total_cell[0]][total_cell[1]]
        if total == SUPPRESSED:
            continue
        hidden = [m for m in members if cells[m[0]][m[1]] == SUPPRESSED]
        if not hidden:
            continue
        remainder = int(total) - sum(int(cells[r][c]) for r, c in members if (r, c) not in hidden)  # type: ignore[call-overload]
        if len(hidden) == 1:
            found.append(hidden[0])
            continue
        values: list[set[int]] = [set() for _ in hidden]
        for parts in compositions(remainder, len(hidden)):
            for i, value in enumerate(parts):
                values[i].add(value)
        found += [cell for cell, seen in zip(hidden, values, strict=True) if len(seen) == 1]
    return found
