"""The shape every read model shares, and the person-state fold some of them use.

A projection owns named tables. Live tables have their plain names; a rebuild writes
the same tables with a suffix and swaps them in atomically (runner.py). A projection
processes a batch of (event, position) inside the transaction that also records its
new position, so each event changes the view exactly once.
"""

from __future__ import annotations

import copy
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from threading import Lock
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import CanMutateAggregate
from eventsourcing.persistence import Mapper, StoredEvent

from dsr_core.person.aggregate import Person
from dsr_core.person.events import Erased, PersonEvent
from dsr_core.service.areas import AreaDirectory
from dsr_projections.storage.database import Cursor, Row, ViewDatabase
from dsr_projections.storage.tables import rows_of_people

Event = CanMutateAggregate[UUID]
POSITIONS = "projection_positions"
SHADOW = "__rebuild"


@dataclass(frozen=True)
class Context:
    """What projections need from the write side: its mapper (to decode events and keep
    person states), its area policies, the audit key; and where they write."""

    mapper: Mapper[UUID]
    areas: AreaDirectory
    audit_key: bytes
    dialect: str
    national_secret: bytes
    states: SharedStates = field(default_factory=lambda: SharedStates())
    """Person states decoded or encoded by one read model, for the others in the process."""


class Projection(ABC):
    name: ClassVar[str]
    tables: ClassVar[dict[str, str]]
    """Table name → column definitions; `{bytes}` becomes BLOB or BYTEA."""
    indexes: ClassVar[dict[str, str]] = {}
    """Index name → "table (columns)"."""

    def __init__(self, context: Context, suffix: str = "") -> None:
        self.context = context
        self.suffix = suffix

    def t(self, table: str) -> str:
        return table + self.suffix

    def create(self, cursor: Cursor) -> None:
        blob = "BYTEA" if self.context.dialect == "postgres" else "BLOB"
        for table, columns in self.tables.items():
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {self.t(table)} ({columns.format(bytes=blob)})"
            )
        for index, spec in self.indexes.items():
            table, _, columns = spec.partition(" ")
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {index}{self.suffix} ON {self.t(table)} {columns}"
            )

    def drop(self, cursor: Cursor) -> None:
        for table in self.tables:
            cursor.execute(f"DROP TABLE IF EXISTS {self.t(table)}")

    def comparable(self, table: str, rows: list[Row]) -> list[Row]:
        """The rows as two builds of the same events must agree on them (content_hash)."""
        return rows

    @abstractmethod
    def process(self, cursor: Cursor, batch: Sequence[tuple[Event, int]]) -> None:
        """Apply a batch of events (with their log positions) to the view."""

    def rebuild_problems(
        self, cursor: Cursor, shadow: Projection, checkpoints: Sequence[Any]
    ) -> list[str]:
        """Why the rebuilt `shadow` must not replace this live model; none by default."""
        return []


def effective_on(event: Event) -> date:
    """Every Person event, the created one included, carries the day it happened."""
    day: date = event.effective_on  # type: ignore[attr-defined]
    return day


def person_events(
    batch: Iterable[tuple[Event, int]],
) -> list[tuple[PersonEvent, int]]:
    return [(e, p) for e, p in batch if isinstance(e, PersonEvent)]


class SharedStates:
    """Recent person states by (person, version), with their stored form, shared by the
    read models of one process (issue 17).

    A person's state at a version is the same fold of the same events whichever read model
    holds it, so the register, length of stay and the national dataset, processing the same
    batch, need decode and encode it only once between them. Handed out as shallow copies:
    Person code never changes a container in place (dsr_core/storage/repository.py). Bounded, so a
    process holds at most `kept` people's states."""

    def __init__(self, kept: int = 4000) -> None:
        self._kept = kept
        self._states: OrderedDict[tuple[UUID, int], tuple[Person, bytes]] = OrderedDict()
        self._lock = Lock()

    def get(self, person_id: UUID, version: int) -> tuple[Person, bytes] | None:
        with self._lock:
            found = self._states.get((person_id, version))
            if found is not None:
                self._states.move_to_end((person_id, version))
        return (copy.copy(found[0]), found[1]) if found else None

    def state_of(self, person_id: UUID, version: int) -> bytes | None:
        with self._lock:
            found = self._states.get((person_id, version))
        return found[1] if found else None

    def forget(self, person_id: UUID) -> None:
        """Drop a person's states, opened values and all (on their erasure)."""
        with self._lock:
            for key in [k for k in self._states if k[0] == person_id]:
                del self._states[key]

    def put(self, person: Person, state: bytes) -> bytes:
        """Keep the person's state; if another read model kept this version first, theirs
        stands and is returned, so every table stores one encoding."""
        key = (person.id, person.version)
        with self._lock:
            kept = self._states.get(key)
            if kept is not None:
                return kept[1]
            if self._kept:
                self._states[key] = (copy.copy(person), state)
                while len(self._states) > self._kept:
                    self._states.popitem(last=False)
        return state


class PersonStates:
    """Folds events into Person state with the domain's own `apply`, stored as snapshots.

    Loaded once per person per batch and written back once at the end, so a batch
    costs one read and one write per person touched, whatever its length.
    """

    def __init__(
        self,
        cursor: Cursor,
        table: str,
        mapper: Mapper[UUID],
        shared: SharedStates | None = None,
    ) -> None:
        self.cursor = cursor
        self.table = table
        self.mapper = mapper
        self.shared = shared or SharedStates(kept=0)
        self.cache: dict[UUID, Person | None] = {}
        self.dirty: set[UUID] = set()

    @classmethod
    def for_batch(
        cls,
        cursor: Cursor,
        table: str,
        context: Context,
        batch: Iterable[tuple[Event, int]],
    ) -> tuple[PersonStates, list[tuple[PersonEvent, int]]]:
        """The batch's person events, with the states of everyone they touch loaded."""
        events = person_events(batch)
        states = cls(cursor, table, context.mapper, context.states)
        states.preload(e.originator_id for e, _ in events)
        return states, events

    def preload(self, person_ids: Iterable[UUID]) -> None:
        """Load many people in one query per 500, instead of one query each."""
        wanted = [pid for pid in dict.fromkeys(person_ids) if pid not in self.cache]
        found = {
            row["person_id"]: row
            for row in rows_of_people(
                self.cursor,
                self.table,
                [str(pid) for pid in wanted],
                columns="person_id, version, state",
            )
        }
        for pid in wanted:
            row = found.get(str(pid))
            self.cache[pid] = (
                self._decode(pid, int(row["version"]), bytes(row["state"])) if row else None
            )

    def get(self, person_id: UUID) -> Person | None:
        if person_id not in self.cache:
            self.cursor.execute(
                f"SELECT version, state FROM {self.table} WHERE person_id = ?", (str(person_id),)
            )
            row = self.cursor.fetchone()
            self.cache[person_id] = (
                self._decode(person_id, int(row["version"]), bytes(row["state"])) if row else None
            )
        return self.cache[person_id]

    def apply(self, event: Event) -> Person:
        """The state after the event; read what you need of the state before first."""
        before = self.get(event.originator_id)
        if before is None:
            after: Person = event.mutate(None)  # type: ignore[assignment]
        else:
            event.apply(before)
            before._version = event.originator_version
            before._modified_on = event.timestamp
            after = before
        if isinstance(event, Erased):  # no opened value of theirs stays shared in memory
            self.shared.forget(event.originator_id)
        self.cache[event.originator_id] = after
        self.dirty.add(event.originator_id)
        return after

    def flush(self) -> None:
        rows = []
        for person_id in self.dirty:
            person = self.cache[person_id]
            assert person is not None
            state = self.shared.state_of(person_id, person.version)
            if state is None:
                state = self.shared.put(person, self._encode(person))
            rows.append((str(person_id), person.version, state))
        self.cursor.executemany(
            f"INSERT INTO {self.table} (person_id, version, state) VALUES (?, ?, ?) "
            "ON CONFLICT (person_id) DO UPDATE SET version = excluded.version, "
            "state = excluded.state",
            rows,
        )
        self.dirty.clear()

    def _encode(self, person: Person) -> bytes:
        return bytes(self.mapper.to_stored_event(Person.Snapshot.take(person)).state)

    def _decode(self, person_id: UUID, version: int, state: bytes) -> Person:
        known = self.shared.get(person_id, version)
        if known is not None:
            return known[0]
        stored = StoredEvent(person_id, version, Person.Snapshot.TOPIC, state)
        snapshot: Any = self.mapper.to_domain_event(stored)
        person: Person = snapshot.mutate(None)
        self.shared.put(person, state)
        return person


STATE_COLUMNS = "person_id TEXT PRIMARY KEY, version BIGINT NOT NULL, state {bytes} NOT NULL"


def lowest_position(db: ViewDatabase) -> int:
    """The lowest log position every live read model has processed (rebuilds aside)."""
    with db.read() as cursor:
        cursor.execute(
            f"SELECT MIN(position) AS low FROM {POSITIONS} WHERE name NOT LIKE ?", (f"%{SHADOW}",)
        )
        row = cursor.fetchone()
    return int(row["low"]) if row is not None and row["low"] is not None else 0
