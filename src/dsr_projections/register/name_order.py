"""Where each person falls in their area's register by name, stored without the name.

Names are sealed under each person's key (issue 15), so SQL cannot sort by them, and
opening every matching row to sort a page grows with the register (issue 17). Instead the
register stores beside each row a number whose order is the names' order within the area
(an order-preserving label, as in "mutable order-preserving encoding"): it tells only who
comes before whom, never a letter of a name, and pages are read in SQL by an index.

The projection keeps each area's people sorted by opened name in memory, and labels a
person who joins or is renamed between their neighbours. When two neighbours' labels leave
no room, the smallest surrounding window with room is relabelled evenly (list labelling:
amortised few rows per insert). The memory is trusted only while the area's stored
generation is the one this process last wrote; otherwise (a restart, another worker, a
rolled-back batch, a rebuild) it is loaded again from the stored rows, opening their names.
"""

from __future__ import annotations

import secrets
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

GAP = 1 << 32
"""Room left between neighbours when labels are spread: 32 halvings before a relabel."""

OpenNames = Callable[[str], list[tuple[str, str, int | None]]]
"""An area's stored rows as (person id, opened name key, stored label or None)."""


def name_key(family_name: str | None, given_name: str | None) -> str:
    """Family name then given name, ignoring case; the original text breaks ties."""
    family, given = family_name or "", given_name or ""
    return f"{family.casefold()}\x1f{given.casefold()}\x1f{family}\x1f{given}"


@dataclass
class AreaOrder:
    """One area's people in name order, with their labels (parallel lists)."""

    generation: int
    keys: list[tuple[str, str]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    """Person id to name key, to find a person's place when they leave or are renamed."""

    def remove(self, person_id: str) -> None:
        key = self.names.pop(person_id, None)
        if key is None:
            return
        at = bisect_left(self.keys, (key, person_id))
        del self.keys[at], self.labels[at]

    def place(self, person_id: str, key: str, changed: dict[str, int]) -> None:
        """Put a person at their name's place; every label set is added to `changed`."""
        if self.names.get(person_id) == key:
            return
        self.remove(person_id)
        at = bisect_left(self.keys, (key, person_id))
        self.keys.insert(at, (key, person_id))
        self.labels.insert(at, 0)
        self.names[person_id] = key
        lower = self.labels[at - 1] if at > 0 else 0
        if at + 1 == len(self.labels):
            self._label(at, lower + GAP, changed)
        elif self.labels[at + 1] - lower >= 2:
            self._label(at, (lower + self.labels[at + 1]) // 2, changed)
        else:
            self._relabel_around(at, changed)

    def relabel_all(self, changed: dict[str, int]) -> None:
        for at in range(len(self.keys)):
            self._label(at, (at + 1) * GAP, changed)

    def _label(self, at: int, label: int, changed: dict[str, int]) -> None:
        self.labels[at] = label
        changed[self.keys[at][1]] = label

    def _relabel_around(self, at: int, changed: dict[str, int]) -> None:
        """Spread the smallest window around `at` whose bounds leave each member room."""
        last = len(self.labels) - 1
        reach = 1
        while True:
            first, end = max(0, at - reach), min(last, at + reach)
            lower = self.labels[first - 1] if first > 0 else 0
            count = end - first + 1
            upper = self.labels[end + 1] if end < last else lower + (count + 1) * GAP
            if upper - lower > 2 * (count + 1):
                step = (upper - lower) // (count + 1)
                for n, position in enumerate(range(first, end + 1), start=1):
                    self._label(position, lower + n * step, changed)
                return
            reach *= 2


class NameOrder:
    """Every area this process has labelled, and the generation it last stored for each."""

    def __init__(self) -> None:
        self._areas: dict[str, AreaOrder] = {}
        self._area_of: dict[str, str] = {}

    def cached_area_of(self, person_id: str) -> str | None:
        return self._area_of.get(person_id)

    def load(
        self, area: str, stored_generation: int | None, load: OpenNames, changed: dict[str, int]
    ) -> None:
        """Trust the area's order only if this process wrote its stored generation."""
        known = self._areas.get(area)
        if known is not None and known.generation == stored_generation:
            return
        for person_id in known.names if known else ():
            self._area_of.pop(person_id, None)
        rows = sorted(load(area), key=lambda row: (row[1], row[0]))
        order = AreaOrder(generation=0)
        order.keys = [(key, person_id) for person_id, key, _ in rows]
        order.labels = [label or 0 for _, _, label in rows]
        order.names = {person_id: key for person_id, key, _ in rows}
        if any(label is None for _, _, label in rows) or any(
            a >= b for a, b in zip(order.labels, order.labels[1:], strict=False)
        ):  # rows stored before labels, or by another rule of order
            order.relabel_all(changed)
        self._areas[area] = order
        for person_id in order.names:
            self._area_of[person_id] = area

    def place(self, person_id: str, area: str, key: str, changed: dict[str, int]) -> int:
        """The person's label in `area` (loaded first), placing them there if new or renamed."""
        if self._area_of.get(person_id) not in (None, area):
            self.remove(person_id)
        order = self._areas[area]
        order.place(person_id, key, changed)
        self._area_of[person_id] = area
        return order.labels[bisect_left(order.keys, (key, person_id))]

    def remove(self, person_id: str) -> None:
        area = self._area_of.pop(person_id, None)
        if area is not None and area in self._areas:
            self._areas[area].remove(person_id)

    def stored(self, areas: Iterable[str]) -> dict[str, int]:
        """New generations for these areas, to store with the batch that changed them."""
        generations = {}
        for area in areas:
            generations[area] = self._areas[area].generation = secrets.randbits(62)
        return generations
