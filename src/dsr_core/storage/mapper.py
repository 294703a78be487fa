"""The event mapper with per-person sealing (sealing.py, person_keys.py).

A Person event is stored with its personal values sealed under the person's key (value
objects seal their own fields through their transcodings; free-text attributes are sealed
here); a Person snapshot, and every read model's copy of a person's state, is sealed
whole. Other aggregates (identity keys, idempotency records, reminder books) hold no
personal values and are stored as before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
from eventsourcing.utils import get_topic

from dsr_core.domain.personal import ERASED, PERSONAL_ATTRIBUTES
from dsr_core.storage.event_mac import EventAuthenticator
from dsr_core.storage.person_keys import PersonKeyStore
from dsr_core.storage.sealing import (
    BLOB_PREFIX,
    TOKEN,
    KeyDestroyedError,
    Sealer,
    Sealers,
    Sealing,
    is_token,
)
from dsr_core.storage.transcoder import FastJSONTranscoder

PERSON_TOPICS = "dsr.person."
IDENTITY_CLAIMS = ("dsr.identity_key.Created", "dsr.identity_key.Claimed")
"""Identity-key events naming the person who holds a national number: that person id is
sealed under the holder's key and found by the key's alias, so an erased person's number
no longer leads to their history, even for someone who can enumerate numbers."""
REF = "_ref_"
SNAPSHOT_TOPIC = "dsr.person.Snapshot"
REFERRED_TOPIC = "dsr.person.Referred"
ERASED_TOPIC = "dsr.person.Erased"
SEALED_MARK = "_pk"
"""Set in every Person event stored sealed: events stored before per-person keys lack it."""
STORED_DIGEST = "_stored_sha256"
"""Set on a decoded sealed event: the SHA-256 of its stored bytes, for the audit trail."""
CLEAR_VALUES = "_clear_values"
"""Set on a decoded event holding personal values stored in the clear (before keys)."""
_UNKNOWN: Any = object()


class SealingMapper(Mapper[UUID]):
    """Seals Person events and snapshots when given a key store (`keys`)."""

    keys: PersonKeyStore | None = None
    authenticator: EventAuthenticator | None = None
    """Signs every stored event and checks it when read (event_mac.py), when given."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sealers = Sealers()

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        stored = self._to_stored_event(domain_event)
        return self.authenticator.sign(stored) if self.authenticator else stored

    def _to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        topic = get_topic(type(domain_event))
        if self.keys is not None and topic in IDENTITY_CLAIMS:
            return super().to_stored_event(self._sealed_claim(domain_event))
        if self.keys is None or not topic.startswith(PERSON_TOPICS):
            return super().to_stored_event(domain_event)
        person_id = domain_event.originator_id
        if topic == SNAPSHOT_TOPIC:
            stored = super().to_stored_event(domain_event)
            state: dict[str, Any] = vars(domain_event)["state"]
            if state.get("erased_on") is not None:
                return stored  # an erased person's state holds only markers
            key = self.keys.key_for(person_id, create=True)
            if key is None:
                # The key is destroyed: this state was replayed from events read without
                # it (a rebuild after an erasure), so it too holds only markers.
                return stored
            sealer = self._sealer_with(person_id, key)
            return StoredEvent(
                originator_id=stored.originator_id,
                originator_version=stored.originator_version,
                topic=stored.topic,
                state=sealer.seal_blob(stored.state),
            )
        if domain_event.originator_version == 1 and topic == REFERRED_TOPIC:
            # A new person (a random id just made): no key or tombstone to look for.
            sealer = self._sealer_with(person_id, self.keys.key_for_new(person_id))
        else:
            sealer = self._sealer(person_id, create=True)
        event_state = dict(vars(domain_event))
        originator_id = event_state.pop("originator_id")
        originator_version = event_state.pop("originator_version")
        class_version = getattr(type(domain_event), "class_version", 1)
        if class_version > 1:
            event_state["class_version"] = class_version
        for name in PERSONAL_ATTRIBUTES & event_state.keys():
            if event_state[name] is not None:
                event_state[name] = sealer.seal(name, event_state[name])
        event_state[SEALED_MARK] = 1
        stored_state = self._fast().encode_sealed(event_state, Sealing(sealer))
        if self.compressor:
            stored_state = self.compressor.compress(stored_state)
        if self.cipher:
            stored_state = self.cipher.encrypt(stored_state)
        return StoredEvent(
            originator_id=originator_id,
            originator_version=originator_version,
            topic=topic,
            state=stored_state,
        )

    def prepare(self, stored_events: Iterable[StoredEvent]) -> None:
        """About to decode many events: fetch their people's keys together."""
        if self.keys is not None:
            self.keys.preload(
                UUID(str(e.originator_id))
                for e in stored_events
                if e.topic.startswith(PERSON_TOPICS)
            )

    def reader(self) -> Callable[[StoredEvent], DomainEventProtocol[UUID]]:
        """`to_domain_event` for many events (a person's history, a projection's batch):
        each person's key and cipher found once for all their events, not once per event
        (a tenth of a first read's decoding)."""
        return partial(self.to_domain_event, sealers={})

    def to_domain_event(
        self,
        stored_event: StoredEvent,
        *,
        sealers: dict[UUID, Sealer | None] | None = None,
    ) -> DomainEventProtocol[UUID]:
        """`sealers`: people's sealers already found by this reader (`reader`). An event
        that does not authenticate raises EventNotAuthenticError, before anything is read."""
        if self.authenticator is not None:
            stored_event = self.authenticator.check(stored_event)
        topic = stored_event.topic
        if self.keys is not None and topic in IDENTITY_CLAIMS:
            return self._opened_claim(super().to_domain_event(stored_event))
        if self.keys is None or not topic.startswith(PERSON_TOPICS):
            return super().to_domain_event(stored_event)
        stored_id = stored_event.originator_id
        person_id = stored_id if isinstance(stored_id, UUID) else UUID(str(stored_id))
        if topic == SNAPSHOT_TOPIC:
            if stored_event.state.startswith(BLOB_PREFIX):
                key = self.keys.key_for(person_id, create=False)
                if key is None:
                    raise KeyDestroyedError(str(person_id))
                stored_event = StoredEvent(
                    originator_id=stored_event.originator_id,
                    originator_version=stored_event.originator_version,
                    topic=topic,
                    state=self._sealer_with(person_id, key).open_blob(stored_event.state),
                )
            return super().to_domain_event(stored_event)
        if topic == ERASED_TOPIC:
            self.keys.forget(person_id)  # read afresh: the key is going, or gone
            if sealers is not None:
                sealers.pop(person_id, None)
        sealer = sealers.get(person_id, _UNKNOWN) if sealers is not None else _UNKNOWN
        if sealer is _UNKNOWN:
            key = self.keys.key_for(person_id, create=False)
            sealer = self._sealer_with(person_id, key) if key is not None else None
            if sealers is not None:
                sealers[person_id] = sealer
        current = Sealing(sealer)
        opening: Mapper[UUID] = Mapper(
            _SealedTranscoder(self._fast(), current), self.compressor, self.cipher
        )
        event = opening.to_domain_event(stored_event)
        state = vars(event)
        for name in PERSONAL_ATTRIBUTES:
            value = state.get(name)
            if value is None:
                continue
            if is_token(value):
                state[name] = current.sealer.unseal(name, value) if current.sealer else ERASED
            else:
                current.clear_values += 1
        if state.pop(SEALED_MARK, None):
            state[STORED_DIGEST] = hashlib.sha256(stored_event.state).hexdigest()
        elif current.clear_values:
            state[CLEAR_VALUES] = current.clear_values
        return event

    def _sealed_claim(self, event: DomainEventProtocol[UUID]) -> DomainEventProtocol[UUID]:
        assert self.keys is not None
        state = dict(vars(event))
        holder: UUID = state["person_id"]
        token = self._sealer(holder, create=True).seal("identity.person_id", str(holder))
        state["person_id"] = {**token, REF: self.keys.alias(holder)}
        sealed = object.__new__(type(event))
        object.__setattr__(sealed, "__dict__", state)
        return sealed

    def _opened_claim(self, event: DomainEventProtocol[UUID]) -> DomainEventProtocol[UUID]:
        """The holder's id, or None (a free number) once their key is destroyed."""
        assert self.keys is not None
        state = vars(event)
        value = state.get("person_id")
        if isinstance(value, dict) and REF in value:
            found = self.keys.by_alias(value[REF])
            token = {TOKEN: value[TOKEN]}
            state["person_id"] = (
                UUID(self._sealer_with(found[0], found[1]).unseal("identity.person_id", token))
                if found is not None
                else None
            )
        return event

    def _fast(self) -> FastJSONTranscoder:
        if not isinstance(self.transcoder, FastJSONTranscoder):
            raise TypeError("per-person sealing needs dsr's transcoder (FastJSONTranscoder)")
        return self.transcoder

    def _sealer(self, person_id: UUID, *, create: bool) -> Sealer:
        assert self.keys is not None
        key = self.keys.key_for(person_id, create=create)
        if key is None:
            raise KeyDestroyedError(str(person_id))
        return self._sealer_with(person_id, key)

    def _sealer_with(self, person_id: UUID, key: bytes) -> Sealer:
        return self._sealers.of(person_id, key)


class _SealedTranscoder(Transcoder):
    """The store's transcoder, for one event: its value objects sealed and opened with
    that event's sealing, given as an argument rather than set aside for them to find."""

    def __init__(self, base: FastJSONTranscoder, sealing: Sealing) -> None:
        self._base, self._sealing = base, sealing

    def encode(self, obj: Any) -> bytes:
        return self._base.encode_sealed(obj, self._sealing)

    def decode(self, data: bytes) -> Any:
        return self._base.decode_sealed(data, self._sealing)
