"""Reading a person's record, as the API and the console both show it.

One function, so the record a page shows is the API's to the field: the same area check
("not found" outside the caller's areas), the same withholding of details, the same
access-log row.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, get_origin
from uuid import UUID

from dsr_core.domain.errors import PersonNotFoundError
from dsr_core.person.aggregate import Person
from dsr_core.service.registers import Registers
from dsr_http import access
from dsr_http.auth import Principal
from dsr_http.deps import Reads, visible_record
from dsr_http.schemas import (
    HistoryItem,
    PersonPublic,
    with_discharge_planning,
    with_due_reviews,
    withholds_details,
)


def person_record(
    registers: Registers,
    principal: Principal,
    reads: Reads,
    person_id: UUID,
    as_of: date | None = None,
    recorded_by: datetime | None = None,
    *,
    what: str = "record",
    today: date,
) -> tuple[PersonPublic, int, frozenset[str]]:
    """The record now, or as it stood on `as_of` (as known at `recorded_by`), the
    record's current version (what an edit's If-Match names, whatever was read), and the
    fields this reader's section policy refuses (emptied here; the API leaves them out)."""
    person, failing = visible_record(registers, principal, person_id)
    policy = registers.areas.policy(person.area)
    reads.record(what, [person_id], person.area)
    if as_of is None and recorded_by is None:
        public = with_due_reviews(PersonPublic.of(person), person, policy, today)
    else:
        then = registers.person_as_at(person_id, on=as_of, recorded_by=recorded_by)
        if then is None:
            raise PersonNotFoundError(person_id)
        public = PersonPublic.of(then, as_of=as_of, as_recorded_by=recorded_by)
        public = with_discharge_planning(public, then, policy, min(as_of or today, today))
    if withholds_details(principal.role, person):
        public = public.model_copy(update={"details": None, "details_withheld": True})
    if failing:
        public = public.model_copy(update={"integrity_failing": True})
    hidden = access.hidden_fields(principal)
    if hidden:
        public = public.model_copy(update={name: _empty(name) for name in hidden})
    return public, person.version, hidden


def _empty(name: str) -> Any:
    field = PersonPublic.model_fields[name]
    if not field.is_required():
        return field.get_default(call_default_factory=True)
    origin = get_origin(field.annotation)
    return [] if field.annotation is list or origin is list else None


def history_items(
    registers: Registers, principal: Principal, person_id: UUID, person: Person
) -> list[HistoryItem]:
    """The events of the record this reader may see, oldest first: a partner sees only
    its sections' events; details are withheld as the record withholds them."""
    withhold = withholds_details(principal.role, person)
    return [
        HistoryItem.of(entry, withhold_details=withhold)
        for entry in registers.history(person_id)
        if access.shows_event(principal, entry.event_type)
    ]
