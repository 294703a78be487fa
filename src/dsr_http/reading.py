"""Reading a person's record, as the API and the console both show it.

One function, so the record a page shows is the API's to the field: the same area check
("not found" outside the caller's areas), the same withholding of details, the same
access-log row.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from dsr_core.domain.errors import PersonNotFoundError
from dsr_core.service.registers import Registers
from dsr_http.auth import Principal
from dsr_http.deps import Reads, visible_person
from dsr_http.schemas import (
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
) -> tuple[PersonPublic, int]:
    """The record now, or as it stood on `as_of` (as known at `recorded_by`), and the
    record's current version (what an edit's If-Match names, whatever was read)."""
    person = visible_person(registers, principal, person_id)
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
    return public, person.version
