"""Per-person data keys: envelope encryption with a master key from configuration.

Each person's data key is random, stored only wrapped (AES-GCM) by a master key that the
database never holds, in its own table beside the event store: never inside an event.
Destroying a person's key deletes that row and leaves a tombstone (who, when, under which
rule), so the person can never get a new key and their sealed values are gone for good.
Rotating the master key re-wraps the rows; the events are not touched (issue 15).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import IntegrityError

from dsr_core.storage.datastores import Cursor, Datastore
from dsr_core.storage.key_cache import KeyCache
from dsr_core.storage.master_keys import MasterKeys

KEYS_TABLE = "dsr_person_keys"
TOMBSTONES_TABLE = "dsr_erased_persons"


@dataclass(frozen=True)
class PendingKey:
    """A new person's key, written with their first events (recorders.py)."""

    person_id: UUID
    key: bytes
    master_key_id: str
    wrapped: bytes
    alias: str


@dataclass(frozen=True)
class Tombstone:
    person_id: UUID
    erased_at: datetime
    rule: str


class PersonKeyStore:
    """The key table, with a short-lived in-process cache of unwrapped keys (`KeyCache`:
    emptied within a second of a key's destruction in any process, and dropped for a
    person whenever an erasure of theirs is read, mapper.py)."""

    def __init__(
        self,
        datastore: Datastore,
        master: MasterKeys,
        *,
        postgres_schema: str | None,
        snapshots_table: str,
        clock: Callable[[], datetime],
        cache_seconds: float = 60.0,
    ) -> None:
        self._datastore = datastore
        self.master = master
        self._postgres = postgres_schema is not None
        prefix = f'"{postgres_schema}".' if postgres_schema else ""
        self._keys = prefix + KEYS_TABLE
        self._tombstones = prefix + TOMBSTONES_TABLE
        self._snapshots = prefix + snapshots_table
        self._clock = clock
        self._cache = KeyCache(cache_seconds, self._tombstone_count)
        self._pending: dict[UUID, PendingKey] = {}  # made for saves under way (`saving`)
        self._lock = threading.Lock()

    # ----------------------------------------------------------------- setup

    def create_tables(self) -> None:
        blob = "BYTEA" if self._postgres else "BLOB"
        with self._cursor(commit=True) as cursor:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {self._keys} (person_id TEXT PRIMARY KEY, "
                f"master_key_id TEXT NOT NULL, wrapped {blob} NOT NULL, "
                "created_at TEXT NOT NULL, erasing_position BIGINT, alias TEXT UNIQUE)"
            )
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {self._tombstones} (person_id TEXT PRIMARY KEY, "
                "erased_at TEXT NOT NULL, rule TEXT NOT NULL)"
            )

    # ------------------------------------------------------------------ keys

    def key_for_new(self, person_id: UUID) -> bytes:
        """The key of a person being created now (a fresh random id): the one made for the
        save under way (`saving`), or else made now in its own transaction."""
        with self._lock:
            pending = self._pending.get(person_id)
        if pending is not None:
            return pending.key
        key = self.key_for(person_id, create=True)
        if key is None:
            raise LookupError("this person's key was destroyed")
        return key

    def key_for(self, person_id: UUID, *, create: bool) -> bytes | None:
        """The person's data key; a new one when `create` and they never had one.

        None when they have none: never had one (and `create` is false), or it was
        destroyed (then never a new one: a tombstone stays).
        """
        cached = self._cache.get(person_id)
        if cached is not None:
            return cached
        key = self._load(person_id)
        if key is None and create:
            with self._lock:
                pending = self._pending.get(person_id)
            key = pending.key if pending is not None else self._create(person_id)
        if key is not None:
            self._cache.put(person_id, key)
        return key

    def preload(self, person_ids: Iterable[UUID]) -> None:
        """Fetch many people's keys, one query per 500: a catch-up or rebuild reads
        thousands of people, and a query each was most of its reading (issue 17)."""
        wanted = self._cache.missing(person_ids)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            with self._cursor(commit=False) as cursor:
                cursor.execute(
                    f"SELECT person_id, master_key_id, wrapped FROM {self._keys} "
                    f"WHERE person_id IN ({', '.join(self._p for _ in chunk)})",
                    [str(pid) for pid in chunk],
                )
                rows = cursor.fetchall()
            keys = {
                pid: self.master.unwrap(pid, row["master_key_id"], bytes(row["wrapped"]))
                for row in rows
                if (pid := UUID(str(row["person_id"])))
            }
            for pid, key in keys.items():
                self._cache.put(pid, key)

    @contextmanager
    def saving(
        self, new: Iterable[UUID], existing: Iterable[UUID]
    ) -> Iterator[Callable[[Any], None]]:
        """Keys for the people one save seals, made before it: new people's at once, the
        others' only if they have none (nor a tombstone). They are written by the function
        yielded, with the cursor of the transaction that saves the events they seal; on
        failure they are forgotten, as if never made."""
        made: list[PendingKey] = []
        try:
            made += [self._pending_key(person_id) for person_id in new]
            for person_id in existing:
                if self.key_for(person_id, create=False) is None and not self.tombstone(person_id):
                    made.append(self._pending_key(person_id))
            yield lambda cursor: self._write_pending(cursor, made)
        except BaseException:
            for key in made:
                self.forget(key.person_id)
            raise
        finally:
            with self._lock:
                for key in made:
                    if self._pending.get(key.person_id) is key:
                        del self._pending[key.person_id]

    def _pending_key(self, person_id: UUID) -> PendingKey:
        data_key = AESGCM.generate_key(bit_length=256)
        made = PendingKey(
            person_id,
            data_key,
            self.master.current_id,
            self.master.wrap(person_id, data_key),
            uuid4().hex,
        )
        with self._lock:
            if person_id in self._pending:  # another save is making this person's key
                raise IntegrityError(f"a key for {person_id} is being made by another save")
            self._pending[person_id] = made
        self._cache.put(person_id, data_key)
        return made

    def _write_pending(self, cursor: Any, pending: list[PendingKey]) -> None:
        p = self._p
        for made in pending:
            cursor.execute(
                f"INSERT INTO {self._keys} "
                "(person_id, master_key_id, wrapped, created_at, alias) "
                f"VALUES ({p}, {p}, {p}, {p}, {p})",
                (
                    str(made.person_id),
                    made.master_key_id,
                    made.wrapped,
                    self._clock().isoformat(),
                    made.alias,
                ),
            )

    def alias(self, person_id: UUID) -> str:
        """A random name for the person's key, for other aggregates to refer to it by
        (identity keys): unlike the person id it appears nowhere else, so once the key
        row is gone nothing links what it sealed back to the person."""
        self.key_for(person_id, create=True)
        with self._lock:
            made = self._pending.get(person_id)
        if made is not None:
            return made.alias
        row = self._row(self._keys, "alias", person_id)
        if row is None:
            raise LookupError("this person's key was destroyed")
        return str(row["alias"])

    def by_alias(self, alias: str) -> tuple[UUID, bytes] | None:
        """The person and key an alias names, or None once the key is destroyed."""
        cached = self._cache.by_alias(alias)
        if cached is not None:
            return cached
        row = self._row(self._keys, "person_id, master_key_id, wrapped", alias, by="alias")
        if row is None:
            return None
        person_id = UUID(row["person_id"])
        key = self.master.unwrap(person_id, row["master_key_id"], bytes(row["wrapped"]))
        self._cache.put_alias(alias, person_id, key)
        return person_id, key

    def forget(self, person_id: UUID) -> None:
        """Drop the cached key: the next use reads the table again."""
        self._cache.forget(person_id)

    def _load(self, person_id: UUID) -> bytes | None:
        row = self._row(self._keys, "master_key_id, wrapped", person_id)
        if row is None:
            return None
        return self.master.unwrap(person_id, row["master_key_id"], bytes(row["wrapped"]))

    def _create(self, person_id: UUID) -> bytes | None:
        data_key = AESGCM.generate_key(bit_length=256)
        p = self._p
        with self._cursor(commit=True) as cursor:
            cursor.execute(
                f"SELECT 1 AS erased FROM {self._tombstones} WHERE person_id = {p}",
                (str(person_id),),
            )
            if cursor.fetchone() is not None:
                return None
            cursor.execute(
                f"INSERT INTO {self._keys} "
                "(person_id, master_key_id, wrapped, created_at, alias) "
                f"VALUES ({p}, {p}, {p}, {p}, {p}) ON CONFLICT (person_id) DO NOTHING",
                (
                    str(person_id),
                    self.master.current_id,
                    self.master.wrap(person_id, data_key),
                    self._clock().isoformat(),
                    uuid4().hex,
                ),
            )
        return self._load(person_id)  # another process may have created it first

    # --------------------------------------------------------------- erasure

    def mark_erasing(self, person_id: UUID, position: int) -> None:
        """Phase one of an erasure is recorded at this log position: the key goes once
        every read model has passed it (retention.py)."""
        with self._cursor(commit=True) as cursor:
            cursor.execute(
                f"UPDATE {self._keys} SET erasing_position = {self._p} WHERE person_id = {self._p}",
                (position, str(person_id)),
            )

    def erasing(self) -> list[tuple[UUID, int]]:
        """People whose erasure is recorded but whose key is not yet destroyed."""
        with self._cursor(commit=False) as cursor:
            cursor.execute(
                f"SELECT person_id, erasing_position FROM {self._keys} "
                "WHERE erasing_position IS NOT NULL ORDER BY erasing_position"
            )
            return [(UUID(r["person_id"]), int(r["erasing_position"])) for r in cursor.fetchall()]

    def destroy(self, person_id: UUID, rule: str) -> None:
        """Delete the key and every snapshot sealed with it, and leave a tombstone: in one
        transaction, with the freed bytes overwritten (SQLite's secure_delete)."""
        p = self._p
        with self._cursor(commit=True) as cursor:
            if not self._postgres:
                cursor.execute("PRAGMA secure_delete = ON")
            cursor.execute(f"DELETE FROM {self._keys} WHERE person_id = {p}", (str(person_id),))
            cursor.execute(
                f"DELETE FROM {self._snapshots} WHERE originator_id = {p}",
                (person_id if self._postgres else person_id.hex,),
            )
            cursor.execute(
                f"INSERT INTO {self._tombstones} (person_id, erased_at, rule) "
                f"VALUES ({p}, {p}, {p}) ON CONFLICT (person_id) DO NOTHING",
                (str(person_id), self._clock().isoformat(), rule),
            )
        self.forget(person_id)

    def tombstone(self, person_id: UUID) -> Tombstone | None:
        row = self._row(self._tombstones, "erased_at, rule", person_id)
        if row is None:
            return None
        return Tombstone(person_id, datetime.fromisoformat(row["erased_at"]), row["rule"])

    def tombstoned(self) -> set[UUID]:
        """Everyone whose key was destroyed here: one query, however many."""
        with self._cursor(commit=False) as cursor:
            cursor.execute(f"SELECT person_id FROM {self._tombstones}")
            return {UUID(str(row["person_id"])) for row in cursor.fetchall()}

    def has_key(self, person_id: UUID) -> bool:
        return self._row(self._keys, "person_id", person_id) is not None

    def compact(self) -> None:
        """SQLite: copy the write-ahead log into the file and empty it, so a destroyed
        key's row (zeroed in the file by secure_delete) is gone from the log as well."""
        pool = getattr(self._datastore, "pool", None)
        db_name = getattr(pool, "db_name", None)
        if self._postgres or not db_name or ":memory:" in db_name or "mode=memory" in db_name:
            return
        connection = sqlite3.connect(db_name, uri=True, timeout=30)
        try:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()

    # -------------------------------------------------------------- rotation

    def rotate(self) -> int:
        """Re-wrap every person key not yet under the current master key; returns how many.

        Reads each key with whichever configured master key wrapped it, so it can run
        again after an interruption; the events are never touched.
        """
        current = self.master.current_id
        with self._cursor(commit=False) as cursor:
            cursor.execute(
                f"SELECT person_id, master_key_id, wrapped FROM {self._keys} "
                f"WHERE master_key_id <> {self._p}",
                (current,),
            )
            rows = cursor.fetchall()
        for row in rows:
            person_id = UUID(row["person_id"])
            data_key = self.master.unwrap(person_id, row["master_key_id"], bytes(row["wrapped"]))
            with self._cursor(commit=True) as cursor:
                cursor.execute(
                    f"UPDATE {self._keys} SET master_key_id = {self._p}, wrapped = {self._p} "
                    f"WHERE person_id = {self._p} AND master_key_id = {self._p}",
                    (
                        current,
                        self.master.wrap(person_id, data_key),
                        str(person_id),
                        row["master_key_id"],
                    ),
                )
        return len(rows)

    def master_key_ids(self) -> dict[str, int]:
        """How many person keys each master key wraps."""
        with self._cursor(commit=False) as cursor:
            cursor.execute(
                f"SELECT master_key_id, COUNT(*) AS n FROM {self._keys} GROUP BY master_key_id"
            )
            return {r["master_key_id"]: int(r["n"]) for r in cursor.fetchall()}

    # --------------------------------------------------------------- helpers

    def _tombstone_count(self) -> int:
        with self._cursor(commit=False) as cursor:
            cursor.execute(f"SELECT COUNT(*) AS n FROM {self._tombstones}")
            row = cursor.fetchone()
        return int(row["n"]) if row else 0

    def _row(self, table: str, columns: str, value: UUID | str, *, by: str = "person_id") -> Any:
        """One row of the key table or the tombstones (by person id, or alias), or None."""
        with self._cursor(commit=False) as cursor:
            cursor.execute(f"SELECT {columns} FROM {table} WHERE {by} = {self._p}", (str(value),))
            return cursor.fetchone()

    @property
    def _p(self) -> str:
        return "%s" if self._postgres else "?"

    @contextmanager
    def _cursor(self, *, commit: bool) -> Iterator[Cursor]:
        with self._datastore.transaction(commit=commit) as cursor:
            yield cursor
