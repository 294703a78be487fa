"""Idempotency keys: a retried command returns the first outcome and writes nothing more.

The record is an aggregate saved in the same transaction as the command's events, so a
key is either stored with its events or not at all, and concurrent retries collide on
its id. It holds a hash of the request, never the request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypeVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate
from eventsourcing.domain import Snapshot as LibrarySnapshot
from eventsourcing.utils import register_topic

from dsr_core.domain.errors import DsrError

RETENTION = timedelta(hours=24)


class IdempotencyKeyReusedError(DsrError):
    slug = "idempotency-key-reused"
    title = "Idempotency-Key already used for a different request"

    def __init__(self) -> None:
        super().__init__(
            "This Idempotency-Key was used for a different request; use a new key.",
            field="Idempotency-Key",
        )


class IdempotencyKeyExpiredError(DsrError):
    slug = "idempotency-key-expired"
    title = "Idempotency-Key expired"

    def __init__(self) -> None:
        super().__init__(
            "This Idempotency-Key is older than 24 hours; use a new key.", field="Idempotency-Key"
        )


@dataclass(frozen=True)
class Claim:
    """What the caller asks: this key, for a request with this hash."""

    user_id: str
    key: str
    request_hash: str

    @property
    def record_id(self) -> UUID:
        return uuid5(NAMESPACE_URL, f"dsr:idempotency:{self.user_id}:{self.key}")


class IdempotencyRecord(Aggregate):
    """The outcome of the first request made with a key."""

    TOPIC = "dsr.idempotency.IdempotencyRecord"
    if TYPE_CHECKING:
        request_hash: str
        person_id: UUID
        version: int
        events: list[str]
        extra: dict[str, str]

    class Created(Aggregate.Created):
        TOPIC = "dsr.idempotency.Created"
        request_hash: str
        person_id: UUID
        version: int
        events: list[str]
        extra: dict[str, str] | None = None
        """What the command made (a review's id, say), so a retry answers it too; records
        stored before it was kept have none (the class default)."""

        def apply(self, record: IdempotencyRecord) -> None:
            record.request_hash = self.request_hash
            record.person_id = self.person_id
            record.version = self.version
            record.events = list(self.events)
            record.extra = dict(self.extra or {})

    class Snapshot(LibrarySnapshot):
        TOPIC = "dsr.idempotency.Snapshot"

    @classmethod
    def record(
        cls,
        claim: Claim,
        person_id: UUID,
        version: int,
        events: list[str],
        at: datetime,
        extra: Mapping[str, object],
    ) -> IdempotencyRecord:
        return cls._create(
            cls.Created,
            id=claim.record_id,
            timestamp=at,
            request_hash=claim.request_hash,
            person_id=person_id,
            version=version,
            events=events,
            extra={name: str(value) for name, value in extra.items()},
        )

    def check(self, claim: Claim, now: datetime) -> None:
        """Raise unless this record answers the claim."""
        if now - self.created_on > RETENTION:
            raise IdempotencyKeyExpiredError()
        if self.request_hash != claim.request_hash:
            raise IdempotencyKeyReusedError()


register_topic(IdempotencyRecord.Snapshot.TOPIC, IdempotencyRecord.Snapshot)


R = TypeVar("R")


def once(claim: Claim | None, attempt: Callable[[], R], earlier: Callable[[Claim], R | None]) -> R:
    """Run `attempt` at most once per idempotency claim.

    A request whose key already has an outcome gets that outcome (`earlier`). A concurrent
    copy that loses the race (a duplicate number, a version clash) finds the winner's
    outcome stored by the time it fails, and gets that instead of the refusal.
    """
    if claim is None:
        return attempt()
    found = earlier(claim)
    if found is not None:
        return found
    try:
        return attempt()
    except DsrError:
        found = earlier(claim)
        if found is None:
            raise
        return found
