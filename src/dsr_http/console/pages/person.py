"""A person's page: the record now or as it stood on a date, and their timeline.

The record is the API's (`reading.person_record`): the same area check, the same
withholding of details once a person has left the register, the same access-log row.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from dsr_core.domain.errors import PersonNotFoundError
from dsr_core.person.events import PersonEvent
from dsr_http.console.deps import ConsoleDep, ConsoleReads, SignedIn
from dsr_http.console.forms import FieldError
from dsr_http.console.labels import day as day_label
from dsr_http.console.pages.record import shown_name, tasks_for
from dsr_http.console.routing import ConsoleRoute
from dsr_http.deps import PERSON_READERS, ClockDep, RegistersDep, require, visible_person
from dsr_http.reading import history_items, person_record

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)

DatePart = Annotated[str | None, Query(max_length=4, pattern=r"^[0-9]*$")]


def _event_names(kind: type[PersonEvent]) -> set[str]:
    names = {kind.__name__}
    for sub in kind.__subclasses__():
        names |= _event_names(sub)
    return names


EVENT_NAMES = _event_names(PersonEvent)
"""What `?recorded=` may name: the Person's event types, so the banner says only what
a command recorded (the address could be typed by anyone)."""


def recorded_events(names: str | None) -> list[str]:
    return [name for name in (names or "").split(",") if name in EVENT_NAMES]


def as_at(
    day: str | None, month: str | None, year: str | None
) -> tuple[date | None, list[FieldError]]:
    """The "as at" date of the form, or why it is not a date."""
    if not (day or month or year):
        return None, []
    try:
        return date(int(year or ""), int(month or ""), int(day or "")), []
    except ValueError:
        return None, [
            FieldError("as_of", "The date must be a real date, like 1 3 2025", "as_of-day")
        ]


@router.get("/people/{person_id}")
def person_page(
    request: Request,
    person_id: UUID,
    console: ConsoleDep,
    principal: SignedIn,
    registers: RegistersDep,
    clock: ClockDep,
    reads: ConsoleReads,
    day: DatePart = None,
    month: DatePart = None,
    year: DatePart = None,
    recorded: Annotated[str | None, Query(max_length=300)] = None,
) -> Response:
    """The record: summary, duties, care record, discharge plan, views; or as at a date."""
    require(principal, PERSON_READERS)
    on, field_errors = as_at(day, month, year)
    today = clock.today()
    if on is not None and on > today:
        on, field_errors = (
            None,
            [FieldError("as_of", "The date must be today or in the past", "as_of-day")],
        )
    try:
        record, version, hidden = person_record(
            registers, principal, reads, person_id, on, what="console-record", today=today
        )
    except PersonNotFoundError:
        if on is None:
            raise
        # visible, but not yet referred on that day: today's record, and why not then
        record, version, hidden = person_record(
            registers, principal, reads, person_id, None, what="console-record", today=today
        )
        message = f"The record begins on {day_label(record.referred_on)}: choose a day from then"
        on, field_errors = None, [FieldError("as_of", message, "as_of-day")]
    context: dict[str, Any] = {
        "title": "Record"
        if record.details is None
        else f"{record.details.given_name} {record.details.family_name}",
        "record": record,
        "hidden": hidden,
        "version": version,
        "as_of": on,
        "as_of_values": {"day": day or "", "month": month or "", "year": year or ""},
        "field_errors": field_errors,
        "recorded": recorded_events(recorded),
        "can_record": bool(tasks_for(principal)) and on is None,
        "tasks": tasks_for(principal),
        "open_actions": [
            a
            for a in record.actions
            if a.completed_on is None and (a.status or "open") in ("open", "in_progress")
        ],
    }
    return console.render(request, "person.html", context, 422 if field_errors else 200)


@router.get("/people/{person_id}/timeline")
def timeline(
    request: Request,
    person_id: UUID,
    console: ConsoleDep,
    principal: SignedIn,
    registers: RegistersDep,
    reads: ConsoleReads,
) -> Response:
    """Every event on the record, newest first: what, when it happened, who recorded it
    and when, and why (the event's own reason, outcome or note)."""
    require(principal, PERSON_READERS)
    person = visible_person(registers, principal, person_id)
    reads.record("console-history", [person_id], person.area)
    items = history_items(registers, principal, person_id, person)
    name = shown_name(principal, person)
    return console.render(
        request,
        "timeline.html",
        {
            "title": "Timeline",
            "person_id": person_id,
            "name": name,
            "items": list(reversed(items)),
        },
    )
