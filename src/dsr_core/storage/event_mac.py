"""Events authenticated when written: a MAC under the audit key on every stored event.

Why: the audit chain vouches for what the audit projection was given, and the projection
was given whatever the event table held. Someone who can write to the database could copy
a sealed event in as a new version and have it served, chained and signed over (issue 30,
item 2). A MAC keyed by a secret held outside the database (DSR_AUDIT_KEY) over the
event's originator, version, topic and state makes such a row unreadable: moved, copied,
renumbered, re-topicked or edited, it no longer authenticates.

The MAC is a trailer on the stored state (`MARK` and 32 bytes), so the library's tables
and statements are unchanged and a store written before it can be migrated in place
(`dsr audit authenticate`, docs/operations.md).
"""

from __future__ import annotations

import hashlib
import hmac
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from dsr_core.domain.errors import RecordIntegrityError

MARK = b"\x00dsr-mac1"
_DIGEST = 32
TRAILER = len(MARK) + _DIGEST


class EventNotAuthenticError(RecordIntegrityError):
    """A stored event whose MAC is missing or does not match: it is refused, never read."""

    def __init__(self, originator_id: UUID, version: int, kind: str) -> None:
        super().__init__(originator_id, version, kind)


def event_key(audit_key: bytes) -> bytes:
    """The MAC key, derived from the audit key so no new secret has to be kept."""
    return hmac.new(audit_key, b"dsr:event-mac", hashlib.sha256).digest()


def _uuid(value: object) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


class EventAuthenticator:
    """Signs stored events as they are written and checks them as they are read."""

    __slots__ = ("_key", "accept_unsigned")

    def __init__(self, key: bytes) -> None:
        self._key = key
        self.accept_unsigned = False
        """Read events without a MAC as they are: only while `dsr audit authenticate`
        checks a store written before MACs (event_mac_migration.py)."""

    def _mac(self, originator_id: UUID, version: int, topic: str, body: bytes) -> bytes:
        mac = hmac.new(self._key, originator_id.bytes, hashlib.sha256)
        mac.update(version.to_bytes(8, "big", signed=True))
        mac.update(topic.encode() + b"\x00")
        mac.update(body)
        return mac.digest()

    def sign(self, stored: StoredEvent) -> StoredEvent:
        originator_id = _uuid(stored.originator_id)
        state = bytes(stored.state)
        mac = self._mac(originator_id, stored.originator_version, stored.topic, state)
        return StoredEvent(
            originator_id=stored.originator_id,
            originator_version=stored.originator_version,
            topic=stored.topic,
            state=state + MARK + mac,
        )

    def check(self, stored: StoredEvent) -> StoredEvent:
        """The event with its trailer removed, or EventNotAuthenticError."""
        originator_id = _uuid(stored.originator_id)
        state = bytes(stored.state)
        if not signed(state):
            if self.accept_unsigned:
                return stored
            raise EventNotAuthenticError(originator_id, stored.originator_version, "missing")
        body, mac = state[:-TRAILER], state[-_DIGEST:]
        expected = self._mac(originator_id, stored.originator_version, stored.topic, body)
        if not hmac.compare_digest(mac, expected):
            raise EventNotAuthenticError(originator_id, stored.originator_version, "mismatch")
        return StoredEvent(
            originator_id=stored.originator_id,
            originator_version=stored.originator_version,
            topic=stored.topic,
            state=body,
        )


def signed(state: bytes) -> bool:
    """Whether a stored state carries a MAC trailer (checked or not)."""
    return len(state) >= TRAILER and state[-TRAILER:-_DIGEST] == MARK
