"""Review reminders: what to issue or escalate today, and the book that records them.

A reminder is issued `lead_days` before an item falls due and escalated once it is
overdue. Each has a deterministic key, `<kind>:<since>` (the obligation and the day it
started), so the same obligation is never reminded twice, whoever runs the scheduler and
however often. The book is its own aggregate (one per person, id derived from the person
id) so that reminders do not change the person's version (ETag) under a case worker's
edit (ADR 0004). A reminder closes when its item is no longer due (the review was held,
or the situation changed): closure is derived, not recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate
from eventsourcing.domain import Snapshot as LibrarySnapshot
from eventsourcing.utils import register_topic
from pydantic import Field

from dsr_core.domain.values import ValueObject
from dsr_core.person.aggregate import Person
from dsr_core.person.cadence_policy import CadencePolicy
from dsr_core.person.cadences import DueReview, due_reviews


class ReminderPolicy(ValueObject):
    """How early a reminder goes out (a setting per area; 14 days by default)."""

    lead_days: int = Field(default=14, ge=0, le=365)


def reminder_key(due: DueReview) -> str:
    return due.key


@dataclass(frozen=True)
class Plan:
    issue: list[DueReview]
    escalate: list[DueReview]


def plan(
    person: Person,
    cadences: CadencePolicy,
    policy: ReminderPolicy,
    today: date,
    issued: set[str],
    escalated: set[str],
) -> Plan:
    """What to issue (due within the lead time) and escalate (overdue) today: for people
    referred or on the register, and inpatient duties for anyone in hospital."""
    due = due_reviews(person, cadences)
    window = today + timedelta(days=policy.lead_days)
    return Plan(
        issue=[d for d in due if d.due_on <= window and reminder_key(d) not in issued],
        escalate=[d for d in due if d.due_on < today and reminder_key(d) not in escalated],
    )


def open_keys(person: Person, cadences: CadencePolicy) -> set[str]:
    """Keys of reminders still open: their item is still due."""
    return {reminder_key(d) for d in due_reviews(person, cadences)}


def book_id(person_id: UUID) -> UUID:
    return uuid5(NAMESPACE_URL, f"dsr:reminders:{person_id}")


class ReminderBook(Aggregate):
    """The reminders issued and escalated for one person."""

    TOPIC = "dsr.reminders.ReminderBook"
    if TYPE_CHECKING:
        person_id: UUID
        area: str
        issued: dict[str, dict[str, Any]]
        escalated: set[str]

    class Event(Aggregate.Event):
        pass

    class Created(Aggregate.Created):
        TOPIC = "dsr.reminders.Created"

    class Opened(Created):
        TOPIC = "dsr.reminders.Opened"
        person_id: UUID
        area: str

        def apply(self, book: ReminderBook) -> None:
            book.person_id = self.person_id
            book.area = self.area
            book.issued = {}
            book.escalated = set()

    class Issued(Event):
        TOPIC = "dsr.reminders.Issued"
        key: str
        kind: str
        due_on: date
        effective_on: date

        def apply(self, book: ReminderBook) -> None:
            book.issued = {**book.issued, self.key: {"kind": self.kind, "due_on": self.due_on}}

    class Escalated(Event):
        TOPIC = "dsr.reminders.Escalated"
        key: str
        kind: str
        due_on: date
        effective_on: date

        def apply(self, book: ReminderBook) -> None:
            book.escalated = {*book.escalated, self.key}

    class Snapshot(LibrarySnapshot):
        TOPIC = "dsr.reminders.Snapshot"

        def mutate(self, _: None) -> ReminderBook:
            book = super().mutate(None)
            assert isinstance(book, ReminderBook)
            book.escalated = set(book.escalated)
            return book

    @classmethod
    def open(cls, person_id: UUID, area: str, at: datetime) -> ReminderBook:
        return cls._create(
            cls.Opened, id=book_id(person_id), timestamp=at, person_id=person_id, area=area
        )

    def record(self, todo: Plan, today: date, at: datetime) -> None:
        """Issue before escalating, so an overdue item found late gets both, in order."""
        stages: tuple[tuple[type[ReminderBook.Event], list[DueReview]], ...] = (
            (self.Issued, todo.issue),
            (self.Escalated, todo.escalate),
        )
        for event_class, items in stages:
            for due in items:
                self.trigger_event(
                    event_class,
                    timestamp=at,
                    key=reminder_key(due),
                    kind=str(due.kind),
                    due_on=due.due_on,
                    effective_on=today,
                )


register_topic(ReminderBook.Snapshot.TOPIC, ReminderBook.Snapshot)
