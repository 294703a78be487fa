"""The application service: one entry point for commands, plus history and as-at queries.

`execute` loads a Person, checks the caller's areas and version, runs the command's
handler (handlers/), and saves the new events in one transaction, together with any
identity-key changes and the idempotency record. Every command returns the new version
(the ETag) and the event's position in the log (for read-your-writes).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.application import (
    AggregateNotFoundError,
)
from eventsourcing.domain import Aggregate, CanMutateAggregate, OriginatorVersionError
from eventsourcing.persistence import IntegrityError

from dsr_core.domain import rules
from dsr_core.domain.codes import Status
from dsr_core.domain.errors import (
    ConcurrentWriteError,
    PersonErasedError,
    PersonNotFoundError,
    RecordIntegrityError,
)
from dsr_core.domain.values import Actor, HospitalStay
from dsr_core.person.aggregate import Person, Stamp
from dsr_core.person.events import Erased, PersonCreated
from dsr_core.service import commands as cmd
from dsr_core.service.areas import AreaDirectory
from dsr_core.service.caller import Caller
from dsr_core.service.clock import Clock, TimeSource
from dsr_core.service.handlers import HANDLERS, HandlerContext, Outcome
from dsr_core.service.history import HistoryEntry, as_at, describe, sound_part
from dsr_core.service.idempotency import Claim, IdempotencyRecord, once
from dsr_core.service.identity_keys import IdentityKey, IdentityKeys
from dsr_core.service.reminders import ReminderBook, book_id, plan
from dsr_core.storage.application import SealedApplication
from dsr_core.storage.event_mac import event_key
from dsr_core.storage.master_keys import MasterKeys

CREATING = (cmd.Refer, cmd.NotifyInpatient)
"""The commands that open a person's record."""


@dataclass(frozen=True)
class CommandResult:
    """Where a command landed: the person's new version and the log position of its last event."""

    person_id: UUID
    version: int
    position: int
    events: tuple[str, ...]
    extra: Mapping[str, Any] = field(default_factory=dict)
    replayed: bool = False


class Registers(SealedApplication):
    """All areas' Dynamic Support Registers: the write side of dsr."""

    name = "Registers"
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {Person: 50}

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        identity_key: bytes,
        clock: Clock | TimeSource,
        areas: AreaDirectory | None = None,
        timezone: str = "Europe/London",
        event_cache_size: int = 0,
        audit_key: bytes | None = None,
        master_keys: MasterKeys | None = None,
        person_keys: bool = True,
    ) -> None:
        self.identity_keys = IdentityKeys(identity_key, self._load_key, self._is_active)
        self.integrity_check: Callable[[UUID], bool] | None = None
        """Whether a break in a person's history is on record (set by the read side)."""
        self.audit_key = audit_key or hmac.new(identity_key, b"dsr:audit-chain", "sha256").digest()
        """Links the audit chains; never stored in the database (docs/operations.md)."""
        self.areas = areas or AreaDirectory()
        self.clock = clock if isinstance(clock, Clock) else Clock(clock, ZoneInfo(timezone))
        """Now, and today in the area's zone: the clock the process was given."""
        super().__init__(
            env,
            identity_key=identity_key,
            clock=self.clock.read,
            event_cache_size=event_cache_size,
            master_keys=master_keys,
            person_keys=person_keys,
            event_key=event_key(self.audit_key),
        )

    # ------------------------------------------------------------- commands

    def execute(
        self, person_id: UUID | None, command: cmd.Command, caller: Caller
    ) -> CommandResult:
        """Run one command for a caller: a referral (no person yet) or a command on a person.

        At most once per idempotency claim; only on a person in the caller's areas; only
        on the version the caller edited, when they name one.
        """
        if isinstance(command, CREATING):
            if person_id is not None:
                raise TypeError(f"{type(command).__name__} creates its person: give no id")
            return once(
                caller.claim, lambda: self._refer(command, caller), self._replay_for(caller)
            )
        if person_id is None:
            raise TypeError(f"{type(command).__name__} acts on a person: give their id")
        handler = HANDLERS[type(command)]
        return once(
            caller.claim,
            lambda: self._update(person_id, caller, lambda p, ctx: handler(p, command, ctx)),
            self._replay_for(caller),
        )

    def execute_all(
        self, commands: Sequence[cmd.Command], caller: Caller, *, dry_run: bool = False
    ) -> CommandResult | None:
        """A referral and the commands that follow it, as one person saved in one
        transaction: all or nothing (a spreadsheet row, issue 16). Every rule a user's
        commands would meet is checked; with `dry_run` nothing is saved (None).
        """
        return once(
            caller.claim,
            lambda: self._create(commands, caller, dry_run=dry_run),
            self._replay_for(caller),
        )

    def replay(self, claim: Claim, areas: frozenset[str] | None = None) -> CommandResult | None:
        """The stored outcome of an earlier request with this key, if there was one.

        A replay is a read of the person: answered only within the caller's areas, which
        may have changed since the first request.
        """
        try:
            record: object = self.repository.get(claim.record_id)
        except AggregateNotFoundError:
            return None
        if not isinstance(record, IdempotencyRecord):
            return None
        record.check(claim, self.clock.now())
        if areas is not None and self.get_person(record.person_id).area not in areas:
            raise PersonNotFoundError(record.person_id)
        return CommandResult(
            person_id=record.person_id,
            version=record.version,
            # The original position is not kept; the head now is at or after it, so
            # waiting for it still shows the caller their own change.
            position=self.recorder.max_notification_id() or 0,
            events=tuple(record.events),
            extra=getattr(record, "extra", {}),  # none in a snapshot taken before it was kept
            replayed=True,
        )

    def _replay_for(self, caller: Caller) -> Callable[[Claim], CommandResult | None]:
        return lambda claim: self.replay(claim, caller.areas)

    def _refer(self, command: cmd.Refer | cmd.NotifyInpatient, caller: Caller) -> CommandResult:
        result = self._create([command], caller, dry_run=False)
        assert result is not None
        return result

    def _create(
        self, commands: Sequence[cmd.Command], caller: Caller, *, dry_run: bool
    ) -> CommandResult | None:
        first, *rest = commands
        if not isinstance(first, CREATING):
            raise TypeError("the first command creates the person: a referral or notification")
        by = self._stamp(caller.actor)
        keys = self.identity_keys
        keys.check_free(first.area, first.details)
        person = self._new_person(first, by)
        claimed = keys.claim(first.area, first.details, person.id, by.recorded_at)
        outcome = Outcome(also_save=list(claimed))
        context = HandlerContext(by, self.areas, keys, caller)
        for command in rest:
            more = HANDLERS[type(command)](person, command, context) or Outcome()
            outcome.also_save += more.also_save
            outcome.extra.update(more.extra)
        if dry_run:
            return None
        return self._save(
            person,
            outcome,
            caller.claim,
            lambda: keys.check_free(first.area, first.details),
        )

    def _new_person(self, first: cmd.Refer | cmd.NotifyInpatient, by: Stamp) -> Person:
        scheme = self.areas.policy(first.area).scheme
        if isinstance(first, cmd.NotifyInpatient):
            stay = HospitalStay(**first.model_dump(exclude={"area", "details", "notified_by"}))
            return Person.notify_inpatient(
                area=first.area,
                scheme=scheme,
                details=first.details,
                stay=stay,
                notified_by=first.notified_by,
                by=by,
            )
        return Person.refer(
            area=first.area,
            scheme=scheme,
            details=first.details,
            referred_on=first.referred_on,
            criteria=first.criteria,
            referred_by=first.referred_by,
            reason=first.reason,
            by=by,
            referral_reason=first.referral_reason,
            referrer_type=first.referrer_type,
        )

    def _update(
        self,
        person_id: UUID,
        caller: Caller,
        change: Callable[[Person, HandlerContext], Outcome | None],
    ) -> CommandResult:
        person = self.get_person(person_id)
        if not caller.may_act_in(person.area):
            raise PersonNotFoundError(person_id)
        if person.erased_on is not None:
            raise PersonErasedError(person_id)
        if self.integrity_check is not None and self.integrity_check(person_id):
            raise RecordIntegrityError(person_id)
        rules.check_expected_version(caller.expected_version, person.version)
        actor = caller.actor
        if actor.area is None:  # acting on a person is acting in their area
            actor = actor.model_copy(update={"area": person.area})
        context = HandlerContext(self._stamp(actor), self.areas, self.identity_keys, caller)
        outcome = change(person, context) or Outcome()
        return self._save(person, outcome, caller.claim, None)

    def _save(
        self,
        person: Person,
        outcome: Outcome,
        claim: Claim | None,
        explain_conflict: Callable[[], None] | None,
    ) -> CommandResult:
        pending = [type(e).__name__ for e in person.pending_events]
        aggregates: list[Aggregate] = [person, *outcome.also_save]
        if claim is not None:
            aggregates.append(
                IdempotencyRecord.record(
                    claim, person.id, person.version, pending, self.clock.now(), outcome.extra
                )
            )
        try:
            recordings = self.save(*aggregates)
        except IntegrityError:
            if claim is not None and (earlier := self.replay(claim)) is not None:
                return earlier
            if explain_conflict is not None:
                explain_conflict()
            raise ConcurrentWriteError() from None
        positions = [
            r.notification.id for r in recordings if r.notification.originator_id == person.id
        ]
        if "Erased" in pending and self.person_keys is not None:
            # Phase two (the key destroyed) waits until every read model has passed this.
            self.person_keys.mark_erasing(person.id, max(positions))
        return CommandResult(
            person_id=person.id,
            version=person.version,
            position=max(positions),
            events=tuple(pending),
            extra=outcome.extra,
        )

    # ------------------------------------------------------------ reminders

    def remind(self, person_id: UUID) -> list[str]:
        """Issue and escalate what is due today for one person; returns what was written.

        Safe to run from any number of schedulers, any number of times: a reminder key is
        written once, and a losing concurrent save reloads and finds nothing left to do.
        """
        for _ in range(5):
            person = self.get_person(person_id)
            if person.erased_on is not None:
                return []
            book = self._load_book(person_id)
            policy = self.areas.policy(person.area)
            issued = set(book.issued) if book else set()
            escalated = set(book.escalated) if book else set()
            todo = plan(person, policy.cadences, policy.reminders, self.today(), issued, escalated)
            if not todo.issue and not todo.escalate:
                return []
            now = self.clock.now()
            book = book or ReminderBook.open(person_id, person.area, now)
            book.record(todo, self.today(), now)
            written = [
                f"{type(e).__name__}:{e.key}" for e in book.pending_events if hasattr(e, "key")
            ]
            try:
                self.save(book)
            except IntegrityError:
                continue  # another scheduler saved first: look again
            return written
        raise ConcurrentWriteError()

    def reminder_book(self, person_id: UUID) -> ReminderBook | None:
        return self._load_book(person_id)

    def _load_book(self, person_id: UUID) -> ReminderBook | None:
        try:
            book: object = self.repository.get(book_id(person_id))
        except AggregateNotFoundError:
            return None
        return book if isinstance(book, ReminderBook) else None

    # -------------------------------------------------------------- queries

    def get_person(self, person_id: UUID, version: int | None = None) -> Person:
        """The record as its events replay; RecordIntegrityError when a stored event does
        not authenticate or one is missing."""
        try:
            aggregate: object = self.repository.get(person_id, version=version)
        except AggregateNotFoundError:
            raise PersonNotFoundError(person_id) from None
        except OriginatorVersionError:
            raise RecordIntegrityError(person_id) from None
        if not isinstance(aggregate, Person):
            raise PersonNotFoundError(person_id)
        return aggregate

    def person_for_reading(self, person_id: UUID) -> tuple[Person, bool]:
        """The record, and whether it fails integrity: one that cannot be read whole is
        shown as far as its events replay soundly, so a team still sees what it holds."""
        try:
            person = self.get_person(person_id)
        except RecordIntegrityError:
            if (sound := sound_part(self._read_events(person_id, None))) is None:
                raise PersonNotFoundError(person_id) from None
            return sound, True
        return person, bool(self.integrity_check and self.integrity_check(person_id))

    def history(self, person_id: UUID) -> list[HistoryEntry]:
        """Every event on the person, oldest first, as recorded."""
        return [describe(event) for event in self._person_events(person_id)]

    def person_as_at(
        self,
        person_id: UUID,
        *,
        on: date | None = None,
        recorded_by: datetime | None = None,
    ) -> Person | None:
        """The record as it stood on a date, as known at a time (history.as_at)."""
        return as_at(self._person_events(person_id), on=on, recorded_by=recorded_by)

    # -------------------------------------------------------------- helpers

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        return self.clock.today()

    def _stamp(self, actor: Actor) -> Stamp:
        now = self.clock.now()
        return Stamp(actor=actor, recorded_at=now, today=now.astimezone(self.clock.zone).date())

    def _person_events(self, person_id: UUID) -> list[CanMutateAggregate[UUID]]:
        events: list[CanMutateAggregate[UUID]] = list(
            self._event_cache.events(person_id, lambda gt: self._read_events(person_id, gt))
        )
        if events and isinstance(events[-1], Erased):
            # Decoded afresh: what the cache holds was opened before the key went.
            self._event_cache.forget(person_id)
            events = list(
                self._event_cache.events(person_id, lambda _: self._read_events(person_id, None))
            )
        if not events or not isinstance(events[0], PersonCreated):  # unknown, or not a person
            raise PersonNotFoundError(person_id)
        return events

    def _load_key(self, key_id: UUID) -> IdentityKey | None:
        try:
            key: object = self.repository.get(key_id)
        except AggregateNotFoundError:
            return None
        return key if isinstance(key, IdentityKey) else None

    def _is_active(self, person_id: UUID) -> bool:
        return self.get_person(person_id).status in (Status.REFERRED, Status.ON_REGISTER)
