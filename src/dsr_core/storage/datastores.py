"""Where person keys are kept: the event store's own database (its datastore), or an
in-memory SQLite one when the store keeps events in memory (tests, benches)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol


class Cursor(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ..., /) -> Any: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> Any: ...


class Datastore(Protocol):
    """The event store's own connection pool (eventsourcing's SQLite or PostgreSQL
    datastore): the key table lives in the same database, reached the same way."""

    def transaction(self, *, commit: bool) -> Any: ...


class MemoryDatastore:
    """The key table of an in-memory application (tests and the demo generator): a
    private SQLite database in memory, reached like the library's datastores."""

    def __init__(self, snapshots_table: str) -> None:
        self._connection = sqlite3.connect(":memory:", check_same_thread=False)
        self._connection.row_factory = sqlite3.Row
        self._lock = threading.Lock()
        self._connection.execute(f"CREATE TABLE {snapshots_table} (originator_id TEXT)")

    @contextmanager
    def transaction(self, *, commit: bool) -> Iterator[sqlite3.Cursor]:
        with self._lock, self._connection:
            yield self._connection.cursor()
