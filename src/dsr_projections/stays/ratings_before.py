"""How long a person was Amber or Red in the year before an admission, from the rating
spells of everyone admitted in a batch, read in one query at the batch's start.

Reading each admitted person's spells when their admission came up cost a round trip
each inside the projection's pipeline (about a tenth of a length-of-stay worker's time on
long histories, issue 32). Spells written earlier in the same batch are kept here too,
so the answer is the one the table would give at that event.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from dsr_core.domain.codes import RatingLevel
from dsr_projections.storage.database import Cursor
from dsr_projections.storage.tables import rows_of_people

LOOKBACK_DAYS = 365
"""How far before an admission Amber/Red days are counted."""

_AMBER_OR_RED = frozenset({str(RatingLevel.AMBER), str(RatingLevel.RED)})


@dataclass
class _Spell:
    level: str
    started_on: str
    ended_on: str | None


class RatingsBefore:
    """The rating spells of the people a batch admits, kept as the batch writes them."""

    def __init__(self, cursor: Cursor, table: str, admitted: Collection[str]) -> None:
        self.spells: dict[str, list[_Spell]] = {person_id: [] for person_id in admitted}
        for row in rows_of_people(
            cursor, table, admitted, columns="person_id, level, started_on, ended_on"
        ):
            spell = _Spell(row["level"], row["started_on"], row["ended_on"])
            self.spells[row["person_id"]].append(spell)

    def changed(self, person_id: str, on: str, level: str | None) -> None:
        """The person's open spell ended `on`, and a spell at `level` started, if any."""
        spells = self.spells.get(person_id)
        if spells is None:
            return  # not admitted in this batch: nobody asks
        for spell in spells:
            if spell.ended_on is None:
                spell.ended_on = on
        if level is not None:
            spells.append(_Spell(level, on, None))

    def amber_red_days(self, person_id: str, admitted_on: date) -> int:
        """Days Amber or Red in the `LOOKBACK_DAYS` before `admitted_on`."""
        window_start = admitted_on - timedelta(days=LOOKBACK_DAYS)
        admitted = admitted_on.isoformat()
        total = 0
        for spell in self.spells[person_id]:
            if spell.level not in _AMBER_OR_RED or spell.started_on >= admitted:
                continue
            start = max(date.fromisoformat(spell.started_on), window_start)
            ended = date.fromisoformat(spell.ended_on) if spell.ended_on else admitted_on
            total += max(0, (min(ended, admitted_on) - start).days)
        return total
