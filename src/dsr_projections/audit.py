"""The audit trail: one row per Person event, hash-chained per person.

Each row's hash covers its content and the previous row's hash for the same person, so
editing, deleting or reordering a row breaks the chain. `verify` re-walks every chain and
also re-derives each row from the event store, so tampering with either store shows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from dsr_core.application import Registers, describe
from dsr_core.domainmodel import Person
from dsr_projections.database import Cursor, Row, ViewDatabase, storable
from dsr_projections.projection import Event, Projection, person_events

GENESIS = "0" * 64
FIELDS = (
    "person_id",
    "version",
    "event_type",
    "effective_on",
    "recorded_at",
    "actor_id",
    "actor_role",
    "actor_area",
    "reason",
    "changes",
)


def audit_record(event: Event) -> dict[str, Any]:
    entry = describe(event)
    actor = entry.actor
    data = dict(entry.data)
    return {
        "person_id": str(event.originator_id),
        "version": entry.version,
        "event_type": entry.event_type,
        "effective_on": entry.effective_on.isoformat() if entry.effective_on else None,
        "recorded_at": entry.recorded_at.isoformat(),
        "actor_id": storable(actor.user_id) if actor else None,
        "actor_role": str(actor.role) if actor else None,
        "actor_area": actor.area if actor else None,
        "reason": storable(reason) if isinstance(reason := data.get("reason"), str) else None,
        "changes": json.dumps(data, sort_keys=True, separators=(",", ":")),
    }


def chain_hash(previous: str, record: dict[str, Any]) -> str:
    content = json.dumps([record[f] for f in FIELDS], separators=(",", ":"), default=str)
    return hashlib.sha256(f"{previous}|{content}".encode()).hexdigest()


class AuditProjection(Projection):
    name = "audit"
    tables: ClassVar[dict[str, str]] = {
        "audit_trail": (
            "position BIGINT PRIMARY KEY, person_id TEXT NOT NULL, version BIGINT NOT NULL, "
            "event_type TEXT NOT NULL, effective_on TEXT, recorded_at TEXT NOT NULL, "
            "actor_id TEXT, actor_role TEXT, actor_area TEXT, reason TEXT, changes TEXT NOT NULL, "
            "prev_hash TEXT NOT NULL, hash TEXT NOT NULL"
        ),
    }
    indexes: ClassVar[dict[str, str]] = {
        "audit_by_person": "audit_trail (person_id, version)",
        "audit_by_actor": "audit_trail (actor_id, recorded_at)",
    }

    def process(self, cursor: Cursor, batch: Sequence[tuple[Event, int]]) -> None:
        table = self.t("audit_trail")
        heads: dict[str, str] = {}
        rows = []
        for event, position in person_events(batch):
            record = audit_record(event)
            person_id = record["person_id"]
            if person_id not in heads:
                cursor.execute(
                    f"SELECT hash FROM {table} WHERE person_id = ? ORDER BY version DESC LIMIT 1",
                    (person_id,),
                )
                row = cursor.fetchone()
                heads[person_id] = row["hash"] if row else GENESIS
            previous = heads[person_id]
            heads[person_id] = chain_hash(previous, record)
            rows.append((position, *(record[f] for f in FIELDS), previous, heads[person_id]))
        cursor.executemany(
            f"INSERT INTO {table} (position, {', '.join(FIELDS)}, prev_hash, hash) "
            f"VALUES ({', '.join('?' for _ in range(len(FIELDS) + 3))})",
            rows,
        )


def person_trail(db: ViewDatabase, person_id: UUID) -> list[Row]:
    with db.read() as cursor:
        cursor.execute(
            "SELECT * FROM audit_trail WHERE person_id = ? ORDER BY version", (str(person_id),)
        )
        return cursor.fetchall()


def actor_trail(
    db: ViewDatabase, actor_id: str, since: datetime, until: datetime, limit: int = 500
) -> list[Row]:
    with db.read() as cursor:
        cursor.execute(
            "SELECT * FROM audit_trail WHERE actor_id = ? AND recorded_at >= ? AND recorded_at < ? "
            "ORDER BY recorded_at, position LIMIT ?",
            (actor_id, since.isoformat(), until.isoformat(), limit),
        )
        return cursor.fetchall()


@dataclass(frozen=True)
class ChainBreak:
    person_id: str
    version: int
    problem: str


def verify(db: ViewDatabase, registers: Registers | None = None) -> Iterator[ChainBreak]:
    """Yield every break: a hash that does not follow, a gap, or a row unlike its event."""
    with db.read() as cursor:
        cursor.execute("SELECT * FROM audit_trail ORDER BY person_id, version")
        rows = cursor.fetchall()
    previous_person, previous_hash, expected_version = None, GENESIS, 1
    for row in rows:
        if row["person_id"] != previous_person:
            previous_person, previous_hash, expected_version = row["person_id"], GENESIS, 1
        if row["version"] != expected_version:
            yield ChainBreak(
                row["person_id"], row["version"], f"expected version {expected_version}"
            )
        if row["prev_hash"] != previous_hash or chain_hash(previous_hash, row) != row["hash"]:
            yield ChainBreak(row["person_id"], row["version"], "hash does not match content")
        previous_hash, expected_version = row["hash"], row["version"] + 1
    if registers is not None:
        yield from _compare_with_events(rows, registers)


def _compare_with_events(rows: list[Row], registers: Registers) -> Iterator[ChainBreak]:
    by_key = {(r["person_id"], r["version"]): r for r in rows}
    seen = set()
    start = 1
    while True:
        notifications = registers.recorder.select_notifications(start, 1000)
        if not notifications:
            break
        for notification in notifications:
            event = registers.mapper.to_domain_event(notification)
            if not isinstance(event, (Person.Event, Person.Created)):
                continue
            record = audit_record(event)
            key = (record["person_id"], record["version"])
            seen.add(key)
            row = by_key.get(key)
            if row is None:
                yield ChainBreak(key[0], key[1], "event missing from the audit trail")
            elif any(row[f] != record[f] for f in FIELDS):
                yield ChainBreak(key[0], key[1], "audit row differs from the stored event")
        start = notifications[-1].id + 1
    for key in by_key.keys() - seen:
        yield ChainBreak(key[0], key[1], "audit row has no stored event")
