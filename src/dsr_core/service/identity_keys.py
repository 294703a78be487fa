"""One area's claim on one national number, so a number is referred only once per area.

A key's id is a keyed hash (HMAC) of (area, kind, number): never derived from the number
alone, which is small enough to enumerate (ADR 0002). Keys are aggregates saved in the
same transaction as the person's events, so two concurrent referrals of one number
collide on the key's id and only one is saved.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate
from eventsourcing.domain import Snapshot as LibrarySnapshot
from eventsourcing.utils import register_topic

from dsr_core.domain import rules
from dsr_core.domain.values import PersonDetails

NATIONAL_NUMBERS = (("nhs", "nhs_number"), ("chi", "chi_number"))


class IdentityKey(Aggregate):
    """Holds the person an (area, national number) belongs to, if any."""

    TOPIC = "dsr.identity_key.IdentityKey"
    if TYPE_CHECKING:
        person_id: UUID | None

    class Event(Aggregate.Event):
        pass

    class Created(Aggregate.Created):
        TOPIC = "dsr.identity_key.Created"
        person_id: UUID

        def apply(self, key: IdentityKey) -> None:
            key.person_id = self.person_id

    class Claimed(Event):
        TOPIC = "dsr.identity_key.Claimed"
        person_id: UUID

        def apply(self, key: IdentityKey) -> None:
            key.person_id = self.person_id

    class Released(Event):
        TOPIC = "dsr.identity_key.Released"

        def apply(self, key: IdentityKey) -> None:
            key.person_id = None

    class Snapshot(LibrarySnapshot):
        TOPIC = "dsr.identity_key.Snapshot"

    @classmethod
    def claim_new(cls, key_id: UUID, person_id: UUID, at: datetime) -> IdentityKey:
        return cls._create(cls.Created, id=key_id, person_id=person_id, timestamp=at)

    def claim(self, person_id: UUID, at: datetime) -> None:
        self.trigger_event(self.Claimed, person_id=person_id, timestamp=at)

    def release(self, at: datetime) -> None:
        self.trigger_event(self.Released, timestamp=at)


# A snapshot class's topic is registered only when a snapshot is first taken; register it
# now, so a process that never took one can read one another process wrote.
register_topic(IdentityKey.Snapshot.TOPIC, IdentityKey.Snapshot)


class IdentityKeys:
    """Derives, checks and moves identity keys; loads through the application's repository.

    `holder_is_active` answers whether a holding person is still referred or on the
    register, which decides the hint in a duplicate-referral refusal.
    """

    def __init__(
        self,
        secret: bytes,
        load: Callable[[UUID], IdentityKey | None],
        holder_is_active: Callable[[UUID], bool],
    ) -> None:
        if len(secret) < 16:
            raise ValueError("identity_key must be at least 16 bytes")
        self._secret = secret
        self._load = load
        self._holder_is_active = holder_is_active

    def key_id(self, area: str, kind: str, number: str) -> UUID:
        digest = hmac.new(self._secret, f"{area}|{kind}|{number}".encode(), hashlib.sha256)
        return uuid5(NAMESPACE_URL, f"dsr:identity:{digest.hexdigest()}")

    def ids(self, area: str, details: PersonDetails) -> list[UUID]:
        return [
            self.key_id(area, kind, number)
            for kind, field in NATIONAL_NUMBERS
            if (number := getattr(details, field))
        ]

    def holder(self, area: str, number: str) -> UUID | None:
        """Who holds this NHS or CHI number in this area, if anyone (finding a person
        by number reads two keys, never a list of people)."""
        for kind, _ in NATIONAL_NUMBERS:
            key = self._load(self.key_id(area, kind, number))
            if key is not None and key.person_id is not None:
                return key.person_id
        return None

    def check_free(
        self, area: str, details: PersonDetails, except_person: UUID | None = None
    ) -> None:
        """Raise DuplicateReferralError if another person holds one of these numbers here."""
        for key_id in self.ids(area, details):
            key = self._load(key_id)
            holder = key.person_id if key is not None else None
            if holder is not None and holder != except_person:
                rules.check_number_free(holder, except_person, self._holder_is_active(holder))

    def claim(
        self, area: str, details: PersonDetails, person_id: UUID, at: datetime
    ) -> list[IdentityKey]:
        keys = []
        for key_id in self.ids(area, details):
            key = self._load(key_id)
            if key is None:
                keys.append(IdentityKey.claim_new(key_id, person_id, at))
            elif key.person_id != person_id:
                key.claim(person_id, at)
                keys.append(key)
        return keys

    def move(
        self,
        person_id: UUID,
        old: tuple[str, PersonDetails],
        new: tuple[str, PersonDetails],
        at: datetime,
    ) -> list[IdentityKey]:
        """Release what the person no longer holds and claim what they now hold."""
        (old_area, old_details), (new_area, new_details) = old, new
        self.check_free(new_area, new_details, except_person=person_id)
        new_ids = set(self.ids(new_area, new_details))
        released = []
        for key_id in self.ids(old_area, old_details):
            key = self._load(key_id)
            if key_id not in new_ids and key is not None and key.person_id == person_id:
                key.release(at)
                released.append(key)
        return released + self.claim(new_area, new_details, person_id, at)
