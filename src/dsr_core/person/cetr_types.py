"""A C(E)TR's type as MHSDS counts it: community (pre-admission), post-admission (the first
held in a hospital spell) or inpatient repeat (any later one in the same spell).

Derived from the record rather than stored, so a C(E)TR entered before the admission it
belongs to (a long-stay inpatient referred late) still reads right once the spell is on
record; a transfer continues the spell (domain.md, "Reviews record kind...").
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from dsr_core.domain.care_record import ReviewRecord
from dsr_core.domain.codes import ReviewKind
from dsr_core.person.aggregate import Person


class CetrType(StrEnum):
    COMMUNITY = "community"
    POST_ADMISSION = "post_admission"
    INPATIENT_REPEAT = "inpatient_repeat"


def _spells(person: Person) -> list[tuple[date, date | None]]:
    """The spells the record holds: the open one, and the last one closed."""
    spells: list[tuple[date, date | None]] = []
    if person.admission is not None:
        spells.append((person.admission.total_stay_started_on, None))
    if person.last_stay_started_on is not None and person.last_discharged_on is not None:
        spells.append((person.last_stay_started_on, person.last_discharged_on))
    return spells


def cetr_types(person: Person) -> dict[str, CetrType]:
    """Each C(E)TR's type by review id; other reviews have none."""
    cetrs = sorted(
        (r for r in person.reviews if r.kind in (ReviewKind.CETR, ReviewKind.COMMUNITY_CETR)),
        key=lambda r: (r.held_on, r.review_id),
    )
    spells = _spells(person)
    types: dict[str, CetrType] = {}
    seen: set[tuple[date, date | None]] = set()
    for review in cetrs:
        spell = _spell_of(review, spells)
        if review.kind is ReviewKind.COMMUNITY_CETR or spell is None:
            types[review.review_id] = CetrType.COMMUNITY
        elif spell in seen:
            types[review.review_id] = CetrType.INPATIENT_REPEAT
        else:
            seen.add(spell)
            types[review.review_id] = CetrType.POST_ADMISSION
    return types


def _spell_of(
    review: ReviewRecord, spells: list[tuple[date, date | None]]
) -> tuple[date, date | None] | None:
    for started, ended in spells:
        if started <= review.held_on and (ended is None or review.held_on <= ended):
            return started, ended
    return None
