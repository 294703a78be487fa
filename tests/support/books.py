"""Reading reminder books back, for the scheduler tests."""

from __future__ import annotations

from collections import Counter
from uuid import UUID

from dsr_core.service.registers import Registers

Keys = Counter[tuple[UUID, str]]


def reminder_counts(app: Registers, people: list[UUID]) -> tuple[Keys, Keys]:
    """How many times each (person, key) was issued and escalated."""
    issued: Keys = Counter()
    escalated: Keys = Counter()
    for person_id in people:
        book = app.reminder_book(person_id)
        for event in app.events.get(book.id) if book else []:
            key = getattr(event, "key", None)
            if key is not None:
                (issued if type(event).__name__ == "Issued" else escalated)[(person_id, key)] += 1
    return issued, escalated
