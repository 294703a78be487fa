"""A person's history as auditors read it, and their record as it stood at any date.

Both are read from the person's events, never from a snapshot or a read model, so they
show exactly what was recorded: what happened, when it took effect, when it was recorded
and by whom.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, NamedTuple
from uuid import UUID

from eventsourcing.domain import CanMutateAggregate
from pydantic import BaseModel

from dsr_core.domain.personal import PERSONAL_ATTRIBUTES, REDACTED, redacted
from dsr_core.domain.values import Actor
from dsr_core.person.aggregate import Person
from dsr_core.person.events import PersonCreated

Event = CanMutateAggregate[UUID]


class HistoryEntry(NamedTuple):
    """One event as an auditor reads it: what, when it happened, when recorded, by whom.

    A named tuple, not a frozen dataclass: as immutable, and made for every event of a
    history, where the dataclass's field-by-field setting was a fifth of describing one.
    """

    version: int
    event_type: str
    effective_on: date | None
    recorded_at: datetime
    actor: Actor | None
    data: dict[str, Any]


_BASE_FIELDS = {
    "originator_id",
    "originator_version",
    "timestamp",
    "actor",
    "effective_on",
    "originator_topic",
}


def describe(event: Event, *, redact: bool = False) -> HistoryEntry:
    """An event in plain JSON-ready values, for auditors and the audit trail.

    With `redact`, every personal value is replaced by a marker whether or not it was
    set (sealing.redacted): what the audit trail keeps, so that it holds nothing an
    erasure would have to change.
    """
    state = vars(event)
    data = {
        k: _plain(_redacted(k, v) if redact else v)
        for k, v in state.items()
        if k not in _BASE_FIELDS and not k.startswith("_")
    }
    return HistoryEntry(
        version=event.originator_version,
        event_type=type(event).__name__,
        effective_on=state.get("effective_on"),
        recorded_at=event.timestamp,
        actor=state.get("actor"),
        data=data,
    )


def _redacted(name: str, value: Any) -> Any:
    if name in PERSONAL_ATTRIBUTES:
        return None if value is None else REDACTED
    return redacted(value)


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def replay(events: Iterable[Event]) -> Person | None:
    """Build a Person from any subsequence of its events, e.g. those effective by a date.

    The library's `mutate` insists on consecutive versions, which a filtered history
    does not have; `apply` alone only changes state, so it is safe here.
    """
    person: Person | None = None
    for event in events:
        if person is None:
            if not isinstance(event, PersonCreated):
                continue
            person = event.mutate(None)
        else:
            event.apply(person)
            person._version = event.originator_version
            person._modified_on = event.timestamp
    return person


def sound_part(events: Iterable[Event]) -> Person | None:
    """The record as its events replay up to the first missing version: what a history
    that fails integrity soundly holds (the read stops at an unauthentic event too)."""
    person: Person | None = None
    for event in events:
        if event.originator_version != (person.version + 1 if person else 1):
            break
        person = event.mutate(person)
    return person


def as_at(
    events: Iterable[Event], *, on: date | None = None, recorded_by: datetime | None = None
) -> Person | None:
    """The record as it stood on a date (by effective date), as known at a time (by recording).

    With only `recorded_by`, this is exactly what the system showed then. With `on`,
    events effective later are left out, including back-dated corrections recorded later
    unless `recorded_by` excludes them too. None when nothing had happened yet.
    """
    if recorded_by is not None:
        events = [e for e in events if e.timestamp <= recorded_by]
    if on is not None:
        events = [e for e in events if getattr(e, "effective_on", on) <= on]
    return replay(events)
