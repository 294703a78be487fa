"""The application service: one method per command, plus history and as-at queries.

Commands load a Person, let it check its rules, and save its new events in one
transaction, together with any identity-key changes. Every command returns the new
version (the ETag) and the event's position in the log (for read-your-writes).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, ClassVar, TypeVar
from uuid import NAMESPACE_URL, UUID, uuid5
from zoneinfo import ZoneInfo

from eventsourcing.application import AggregateNotFoundError, Application, Repository
from eventsourcing.domain import CanMutateAggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder
from pydantic import BaseModel

from dsr_core import commands as cmd
from dsr_core.areas import AreaDirectory
from dsr_core.domainmodel import IdentityKey, Person, Stamp, replay
from dsr_core.errors import (
    ConcurrentWriteError,
    DsrError,
    DuplicateReferralError,
    PersonNotFoundError,
    VersionMismatchError,
)
from dsr_core.event_cache import EventCache
from dsr_core.idempotency import Claim, IdempotencyRecord
from dsr_core.reminders import ReminderBook, book_id, plan
from dsr_core.repository import SafeCachingRepository
from dsr_core.transcodings import dsr_transcodings
from dsr_core.values import (
    Actor,
    Consent,
    HospitalStay,
    PersonDetails,
    Placement,
    Professional,
    Status,
    Views,
)

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class CommandResult:
    """Where a command landed: the person's new version and the log position of its last event."""

    person_id: UUID
    version: int
    position: int
    events: tuple[str, ...]
    extra: Mapping[str, Any] = field(default_factory=dict)
    replayed: bool = False


@dataclass(frozen=True)
class HistoryEntry:
    """One event as an auditor reads it: what, when it happened, when recorded, by whom."""

    version: int
    event_type: str
    effective_on: date | None
    recorded_at: datetime
    actor: Actor | None
    data: dict[str, Any]


T = TypeVar("T")

_CLAIM: ContextVar[Claim | None] = ContextVar("dsr_idempotency_claim", default=None)
_SCOPE: ContextVar[frozenset[str] | None] = ContextVar("dsr_area_scope", default=None)


@contextmanager
def _bound(variable: ContextVar[T], value: T) -> Iterator[None]:
    """`variable` holds `value` for the commands run inside."""
    token = variable.set(value)
    try:
        yield
    finally:
        variable.reset(token)


class Registers(Application[UUID]):
    """All areas' Dynamic Support Registers: the write side of dsr."""

    name = "Registers"
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {Person: 50}

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        identity_key: bytes,
        areas: AreaDirectory | None = None,
        clock: Clock = system_clock,
        timezone: str = "Europe/London",
        event_cache_size: int = 0,
        audit_key: bytes | None = None,
    ) -> None:
        if len(identity_key) < 16:
            raise ValueError("identity_key must be at least 16 bytes")
        self._identity_key = identity_key
        self.audit_key = audit_key or hmac.new(identity_key, b"dsr:audit-chain", "sha256").digest()
        """Links the audit chains; never stored in the database (docs/operations.md)."""
        self.areas = areas or AreaDirectory()
        self._clock = clock
        self._zone = ZoneInfo(timezone)
        self._event_cache = EventCache(event_cache_size)
        super().__init__(env)

    def construct_repository(self) -> Repository[UUID]:
        base = super().construct_repository()
        return SafeCachingRepository(
            event_store=base.event_store,
            snapshot_store=base.snapshot_store,
            cache_maxsize=int(self.env.get(self.AGGREGATE_CACHE_MAXSIZE) or 0) or None,
            fastforward=base.fastforward,
            fastforward_skipping=base.fastforward_skipping,
            deepcopy_from_cache=base.deepcopy_from_cache,
        )

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        for transcoding in dsr_transcodings():
            transcoder.register(transcoding)

    def idempotently(self, claim: Claim | None) -> AbstractContextManager[None]:
        """Commands run inside save their outcome under the claim's key, atomically."""
        return _bound(_CLAIM, claim)

    def within(self, areas: Iterable[str]) -> AbstractContextManager[None]:
        """Commands inside act only on persons in these areas; any other is not found.

        The check is made on the version the command changes, so a caller needs no
        separate read (and no second load) to learn whether the person is theirs.
        """
        return _bound(_SCOPE, frozenset(areas))

    def once(self, claim: Claim | None, command: Callable[[], CommandResult]) -> CommandResult:
        """Run a command at most once per idempotency claim.

        A request whose key already has an outcome gets that outcome. A concurrent copy
        that loses the race (a duplicate number, a version clash) finds the winner's
        outcome stored by the time it fails, and gets that instead of the refusal.
        """
        if claim is None:
            return command()
        earlier = self.replay(claim)
        if earlier is not None:
            return earlier
        try:
            with self.idempotently(claim):
                return command()
        except DsrError:
            earlier = self.replay(claim)
            if earlier is None:
                raise
            return earlier

    def replay(self, claim: Claim) -> CommandResult | None:
        """The stored outcome of an earlier request with this key, if there was one."""
        try:
            record: object = self.repository.get(claim.record_id)
        except AggregateNotFoundError:
            return None
        if not isinstance(record, IdempotencyRecord):
            return None
        record.check(claim, self._clock())
        scope = _SCOPE.get()
        if scope is not None and self.get_person(record.person_id).area not in scope:
            # The caller's areas may have changed since: a replay is a read of the person.
            raise PersonNotFoundError(record.person_id)
        return CommandResult(
            person_id=record.person_id,
            version=record.version,
            # The original position is not kept; the head now is at or after it, so
            # waiting for it still shows the caller their own change.
            position=self.recorder.max_notification_id() or 0,
            events=tuple(record.events),
            replayed=True,
        )

    # ------------------------------------------------------------- commands

    def refer(self, command: cmd.Refer, actor: Actor) -> CommandResult:
        by = self._stamp(actor)
        policy = self.areas.policy(command.area)
        self._check_not_already_held(command.area, command.details)
        person = Person.refer(
            area=command.area,
            scheme=policy.scheme,
            details=command.details,
            referred_on=command.referred_on,
            criteria=command.criteria,
            referred_by=command.referred_by,
            reason=command.reason,
            by=by,
        )
        keys = self._claim_keys(command.area, command.details, person.id, by.recorded_at)
        return self._save(
            person, keys, lambda: self._check_not_already_held(command.area, command.details)
        )

    def decline(
        self,
        person_id: UUID,
        command: cmd.DeclineReferral,
        actor: Actor,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._update(
            person_id,
            actor,
            expected_version,
            lambda p, by: p.decline(
                declined_on=command.declined_on,
                reason_code=command.reason_code,
                reason=command.reason,
                by=by,
            ),
        )

    def record_consent(
        self,
        person_id: UUID,
        command: cmd.RecordConsent,
        actor: Actor,
        expected_version: int | None = None,
    ) -> CommandResult:
        consent = Consent(
            basis=command.basis,
            decided_on=command.decided_on,
            decided_by=command.decided_by,
            note=command.note,
        )
        return self._update(
            person_id,
            actor,
            expected_version,
            lambda p, by: p.record_consent(consent=consent, by=by),
        )

    def withdraw_consent(
        self,
        person_id: UUID,
        command: cmd.WithdrawConsent,
        actor: Actor,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._update(
            person_id,
            actor,
            expected_version,
            lambda p, by: p.withdraw_consent(
                withdrawn_on=command.withdrawn_on, reason=command.reason, by=by
            ),
        )

    def record_national_data_objection(
        self,
        person_id: UUID,
        command: cmd.RecordNationalDataObjection,
        actor: Actor,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._update(
            person_id,
            actor,
            expected_version,
            lambda p, by: p.record_national_data_objection(
                objects=command.objects,
                recorded_on=command.recorded_on,
                reason=command.reason,
                by=by,
            ),
        )

    def accept(
        self,
        person_id: UUID,
        command: cmd.Accept,
        actor: Actor,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._update(
            person_id,
            actor,
            expected_version,
            lambda p, by: p.accept(
                accepted_on=command.accepted_on, rating=command.rating, reason=command.reason, by=by
            ),
        )

    def change_rating(
        self,
        person_id: UUID,
        command: cmd.ChangeRating,
        actor: Actor,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._update(
            person_id,
            actor,
            expected_version,
            lambda p, by: p.change_rating(
                changed_on=command.changed_on,
                rating=command.rating,
                reason=command.reason,
                risk_factors=command.risk_factors,
                by=by,
            ),
        )

    def admit(
        self, person_id: UUID, command: cmd.Admit, actor: Actor, expected_version: int | None = None
    ) -> CommandResult:
        stay = HospitalStay(**command.model_dump())
        return self._update(
            person_id, actor, expected_version, lambda p, by: p.admit(stay=stay, by=by)
        )

    def mark_ready_for_discharge(
        self,
        person_id: UUID,
        command: cmd.MarkReadyForDischarge,
        actor: Actor,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._update(
            person_id,
            actor,
            expected_version,
            lambda p, by: p.mark_ready_for_discharge(ready_on=command.ready_on, by=by),
        )

    def record_discharge_delay(
        self,
        person_id: UUID,
        command: cmd.RecordDischargeDelay,
        actor: Actor,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._update(
            person_id,
            actor,
            expected_version,
            lambda p, by: p.record_discharge_delay(
                recorded_on=command.recorded_on,
                delay_reason=command.delay_reason,
                note=command.note,
                by=by,
            ),
        )

    def discharge(
        self,
        person_id: UUID,
        command: cmd.Discharge,
        actor: Actor,
        expected_version: int | None = None,
    ) -> CommandResult:
        def discharge(person: Person, by: Stamp) -> None:
            rating = command.rating
            if rating is None and person.status is Status.ON_REGISTER:
                rating = self.areas.policy(person.area).post_discharge_rating
            person.discharge(
                discharged_on=command.discharged_on,
                destination=command.destination,
                rating=rating,
                by=by,
            )

        return self._update(person_id, actor, expected_version, discharge)

    def change_placement(
        self,
        person_id: UUID,
        command: cmd.ChangePlacement,
        actor: Actor,
        expected_version: int | None = None,
    ) -> CommandResult:
        def change(person: Person, by: Stamp) -> None:
            placement = Placement(
                **command.model_dump(exclude={"needs"}),
                needs=command.needs,
                out_of_area=command.placement_area != person.area,
            )
            person.change_placement(placement=placement, by=by)

        return self._update(person_id, actor, expected_version, change)

    def record_views(
        self,
        person_id: UUID,
        command: cmd.RecordViews,
        actor: Actor,
        expected_version: int | None = None,
    ) -> CommandResult:
        views = Views(person=command.person, family=command.family)
        return self._update(
            person_id,
            actor,
            expected_version,
            lambda p, by: p.record_views(views=views, recorded_on=command.recorded_on, by=by),
        )

    def record_risk_factors(
        self,
        person_id: UUID,
        command: cmd.RecordRiskFactors,
        actor: Actor,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._update(
            person_id,
            actor,
            expected_version,
            lambda p, by: p.record_risk_factors(
                risk_factors=command.risk_factors,
                recorded_on=command.recorded_on,
                note=command.note,
                by=by,
            ),
        )

    def assign_professional(
        self,
        person_id: UUID,
        command: cmd.AssignProfessional,
        actor: Actor,
        expected_version: int | None = None,
    ) -> CommandResult:
        professional = Professional(**command.model_dump(exclude={"assigned_on"}))
        return self._update(
            person_id,
            actor,
            expected_version,
            lambda p, by: p.assign_professional(
                professional=professional, assigned_on=command.assigned_on, by=by
            ),
        )

    def record_review(
        self,
        person_id: UUID,
        command: cmd.RecordReview,
        actor: Actor,
        expected_version: int | None = None,
    ) -> CommandResult:
        review_ids: list[str] = []

        def record(person: Person, by: Stamp) -> None:
            review_ids.append(
                person.record_review(
                    kind=command.kind,
                    held_on=command.held_on,
                    outcome=command.outcome,
                    attendees=command.attendees,
                    actions=[(a.description, a.owner, a.due_on) for a in command.actions],
                    by=by,
                )
            )

        result = self._update(person_id, actor, expected_version, record)
        return _with_extra(result, review_id=review_ids[0])

    def complete_action(
        self,
        person_id: UUID,
        command: cmd.CompleteAction,
        actor: Actor,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._update(
            person_id,
            actor,
            expected_version,
            lambda p, by: p.complete_action(
                action_id=command.action_id,
                completed_on=command.completed_on,
                note=command.note,
                by=by,
            ),
        )

    def correct_details(
        self,
        person_id: UUID,
        command: cmd.CorrectDetails,
        actor: Actor,
        expected_version: int | None = None,
    ) -> CommandResult:
        def correct(person: Person, by: Stamp) -> list[IdentityKey]:
            old = person.details
            person.correct_details(
                details=command.details,
                corrected_on=command.corrected_on,
                reason=command.reason,
                by=by,
            )
            return self._move_keys(person, person.area, old, person.area, command.details, by)

        return self._update(person_id, actor, expected_version, correct)

    def transfer(
        self,
        person_id: UUID,
        command: cmd.Transfer,
        actor: Actor,
        expected_version: int | None = None,
    ) -> CommandResult:
        to_policy = self.areas.policy(command.to_area)

        def transfer(person: Person, by: Stamp) -> list[IdentityKey]:
            from_area = person.area
            person.transfer(
                to_area=command.to_area,
                to_scheme=to_policy.scheme,
                transferred_on=command.transferred_on,
                reason=command.reason,
                by=by,
            )
            return self._move_keys(
                person, from_area, person.details, command.to_area, person.details, by
            )

        return self._update(person_id, actor, expected_version, transfer)

    def remove(
        self,
        person_id: UUID,
        command: cmd.Remove,
        actor: Actor,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._update(
            person_id,
            actor,
            expected_version,
            lambda p, by: p.remove(
                removed_on=command.removed_on,
                reason_code=command.reason_code,
                reason=command.reason,
                by=by,
            ),
        )

    def re_refer(
        self,
        person_id: UUID,
        command: cmd.ReRefer,
        actor: Actor,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._update(
            person_id,
            actor,
            expected_version,
            lambda p, by: p.re_refer(
                referred_on=command.referred_on,
                criteria=command.criteria,
                referred_by=command.referred_by,
                reason=command.reason,
                by=by,
            ),
        )

    # ------------------------------------------------------------ reminders

    def remind(self, person_id: UUID) -> list[str]:
        """Issue and escalate what is due today for one person; returns what was written.

        Safe to run from any number of schedulers, any number of times: a reminder key is
        written once, and a losing concurrent save reloads and finds nothing left to do.
        """
        for _ in range(5):
            person = self.get_person(person_id)
            book = self._load_book(person_id)
            policy = self.areas.policy(person.area)
            issued = set(book.issued) if book else set()
            escalated = set(book.escalated) if book else set()
            todo = plan(person, policy.cadences, policy.reminders, self.today(), issued, escalated)
            if not todo.issue and not todo.escalate:
                return []
            now = self._clock()
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
        try:
            aggregate: object = self.repository.get(person_id, version=version)
        except AggregateNotFoundError:
            raise PersonNotFoundError(person_id) from None
        if not isinstance(aggregate, Person):
            raise PersonNotFoundError(person_id)
        return aggregate

    def history(self, person_id: UUID) -> list[HistoryEntry]:
        """Every event on the person, oldest first, as recorded."""
        events = list(self._person_events(person_id))
        return [describe(event) for event in events]

    def person_as_at(
        self,
        person_id: UUID,
        *,
        on: date | None = None,
        recorded_by: datetime | None = None,
    ) -> Person | None:
        """The record as it stood on a date (by effective date), as known at a time (by recording).

        With only `recorded_by`, this is exactly what the system showed then. With `on`,
        events effective later are left out, including back-dated corrections recorded later
        unless `recorded_by` excludes them too. None when nothing had happened yet.
        """
        events: Iterable[CanMutateAggregate[UUID]] = self._person_events(person_id)
        if recorded_by is not None:
            events = [e for e in events if e.timestamp <= recorded_by]
        if on is not None:
            events = [e for e in events if getattr(e, "effective_on", on) <= on]
        return replay(events)

    # -------------------------------------------------------------- helpers

    def now(self) -> datetime:
        return self._clock()

    def today(self) -> date:
        return self._clock().astimezone(self._zone).date()

    def _stamp(self, actor: Actor) -> Stamp:
        now = self._clock()
        return Stamp(actor=actor, recorded_at=now, today=now.astimezone(self._zone).date())

    def _person_events(self, person_id: UUID) -> list[CanMutateAggregate[UUID]]:
        events: list[CanMutateAggregate[UUID]] = list(
            self._event_cache.events(person_id, lambda gt: self.events.get(person_id, gt=gt))
        )
        if not events or not isinstance(events[0], Person.Created):  # unknown, or not a person
            raise PersonNotFoundError(person_id)
        return events

    def _update(
        self,
        person_id: UUID,
        actor: Actor,
        expected_version: int | None,
        change: Callable[[Person, Stamp], object],
    ) -> CommandResult:
        person = self.get_person(person_id)
        scope = _SCOPE.get()
        if scope is not None and person.area not in scope:
            raise PersonNotFoundError(person_id)
        if expected_version is not None and expected_version != person.version:
            raise VersionMismatchError(expected_version, person.version)
        if actor.area is None:  # acting on a person is acting in their area
            actor = Actor(user_id=actor.user_id, role=actor.role, area=person.area)
        keys = change(person, self._stamp(actor))
        extra = list(keys) if isinstance(keys, list) else []
        return self._save(person, extra, None)

    def _save(
        self,
        person: Person,
        keys: list[IdentityKey],
        explain_conflict: Callable[[], None] | None,
    ) -> CommandResult:
        pending = [type(e).__name__ for e in person.pending_events]
        claim = _CLAIM.get()
        aggregates: list[Any] = [person, *keys]
        if claim is not None:
            aggregates.append(
                IdempotencyRecord.record(claim, person.id, person.version, pending, self._clock())
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
        return CommandResult(
            person_id=person.id,
            version=person.version,
            position=max(positions),
            events=tuple(pending),
        )

    # Identity keys: one per (area, national number), derived with a secret key.

    def identity_key_id(self, area: str, kind: str, number: str) -> UUID:
        digest = hmac.new(self._identity_key, f"{area}|{kind}|{number}".encode(), hashlib.sha256)
        return uuid5(NAMESPACE_URL, f"dsr:identity:{digest.hexdigest()}")

    def _key_ids(self, area: str, details: PersonDetails) -> list[UUID]:
        numbers = [("nhs", details.nhs_number), ("chi", details.chi_number)]
        return [self.identity_key_id(area, kind, n) for kind, n in numbers if n]

    def _load_key(self, key_id: UUID) -> IdentityKey | None:
        try:
            key: object = self.repository.get(key_id)
        except AggregateNotFoundError:
            return None
        return key if isinstance(key, IdentityKey) else None

    def _check_not_already_held(
        self, area: str, details: PersonDetails, except_person: UUID | None = None
    ) -> None:
        for key_id in self._key_ids(area, details):
            key = self._load_key(key_id)
            if key is None or key.person_id is None or key.person_id == except_person:
                continue
            holder = self.get_person(key.person_id)
            on_register = holder.status in (Status.REFERRED, Status.ON_REGISTER)
            raise DuplicateReferralError(key.person_id, on_register=on_register)

    def _claim_keys(
        self, area: str, details: PersonDetails, person_id: UUID, at: datetime
    ) -> list[IdentityKey]:
        keys = []
        for key_id in self._key_ids(area, details):
            key = self._load_key(key_id)
            if key is None:
                keys.append(IdentityKey.claim_new(key_id, person_id, at))
            elif key.person_id != person_id:
                key.claim(person_id, at)
                keys.append(key)
        return keys

    def _move_keys(
        self,
        person: Person,
        old_area: str,
        old: PersonDetails,
        new_area: str,
        new: PersonDetails,
        by: Stamp,
    ) -> list[IdentityKey]:
        self._check_not_already_held(new_area, new, except_person=person.id)
        new_ids = set(self._key_ids(new_area, new))
        released = []
        for key_id in self._key_ids(old_area, old):
            key = self._load_key(key_id)
            if key_id not in new_ids and key is not None and key.person_id == person.id:
                key.release(by.recorded_at)
                released.append(key)
        return released + self._claim_keys(new_area, new, person.id, by.recorded_at)


def _with_extra(result: CommandResult, **extra: Any) -> CommandResult:
    return CommandResult(
        person_id=result.person_id,
        version=result.version,
        position=result.position,
        events=result.events,
        extra={**result.extra, **extra},
    )


_BASE_FIELDS = {
    "originator_id",
    "originator_version",
    "timestamp",
    "actor",
    "effective_on",
    "originator_topic",
}


def describe(event: CanMutateAggregate[UUID]) -> HistoryEntry:
    """An event in plain JSON-ready values, for auditors and the audit trail."""
    state = vars(event)
    data = {k: _plain(v) for k, v in state.items() if k not in _BASE_FIELDS}
    return HistoryEntry(
        version=event.originator_version,
        event_type=type(event).__name__,
        effective_on=state.get("effective_on"),
        recorded_at=event.timestamp,
        actor=state.get("actor"),
        data=data,
    )


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (date, datetime, UUID)):
        return value.isoformat() if not isinstance(value, UUID) else str(value)
    return value
