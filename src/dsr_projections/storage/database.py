"""Where read models live: a SQLite file (embedded) or a PostgreSQL schema.

Projections write portable SQL with `?` placeholders; this module adapts it. A write
transaction takes the projection's lock: `BEGIN IMMEDIATE` on SQLite (one writer per
file) and a transaction-level advisory lock on PostgreSQL, so two workers never process
the same batch and a rebuild's final swap excludes the live worker.
"""

from __future__ import annotations

import sqlite3
import threading
import zlib
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Protocol

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from dsr_core.process.files import private_file
from dsr_projections.storage.sealed import ColumnSealer
from dsr_projections.storage.text import storable_params

Row = dict[str, Any]

SCHEMA_LOCK = "schema"
"""Held while creating tables: processes starting together (the API, the worker, the
scheduler) take turns, since concurrent CREATE TABLE IF NOT EXISTS can fail on
PostgreSQL's catalogue."""


class Cursor(Protocol):
    """Rows fetched come back with their personal columns opened; `sealed` gives a row to
    write with them sealed (tables.py writes through it)."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...
    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...
    def fetchall(self) -> list[Row]: ...
    def fetchone(self) -> Row | None: ...
    def sealed(self, row: Mapping[str, Any], personal: Collection[str]) -> Row: ...


class _Cursor:
    """What both backends' cursors share: the seam for personal columns."""

    def __init__(self, sealer: ColumnSealer) -> None:
        self._sealer = sealer

    def sealed(self, row: Mapping[str, Any], personal: Collection[str]) -> Row:
        return self._sealer.sealed(row, personal)

    def _opened(self, rows: list[Row]) -> list[Row]:
        self._sealer.open_rows(rows)
        return rows


class ViewDatabase(Protocol):
    dialect: str
    sealer: ColumnSealer
    """Seals and opens the personal columns it holds (sealed.py); set once keys exist."""

    def transaction(self, lock: str | None = None) -> AbstractContextManager[Cursor]: ...
    def read(self) -> AbstractContextManager[Cursor]: ...
    def compact(self) -> None: ...
    def close(self) -> None: ...


class _SQLiteCursor(_Cursor):
    def __init__(self, cursor: sqlite3.Cursor, sealer: ColumnSealer) -> None:
        super().__init__(sealer)
        self._cursor = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._cursor.execute(sql, storable_params(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._cursor.executemany(sql, [storable_params(r) for r in rows])

    def fetchall(self) -> list[Row]:
        names = [d[0] for d in self._cursor.description or ()]
        return self._opened([dict(zip(names, r, strict=True)) for r in self._cursor.fetchall()])

    def fetchone(self) -> Row | None:
        rows = self.fetchall()
        return rows[0] if rows else None


class SQLiteViews:
    """One connection per thread; WAL so readers do not block the writer."""

    dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = private_file(path)
        self._local = threading.local()
        self.sealer = ColumnSealer(None)

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self.path, isolation_level=None, timeout=30, check_same_thread=False
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            # Every superseded copy of a row is zeroed, not left in free pages: an erased
            # person's name must not linger in the file (issue 15).
            conn.execute("PRAGMA secure_delete=ON")
            self._local.conn = conn
        return conn

    @contextmanager
    def transaction(self, lock: str | None = None) -> Iterator[Cursor]:
        conn = self._connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield _SQLiteCursor(conn.cursor(), self.sealer)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[Cursor]:
        yield _SQLiteCursor(self._connection().cursor(), self.sealer)

    def compact(self) -> None:
        """Copy the write-ahead log into the file and empty it: pages an erasure replaced
        are then gone from the log as well."""
        self._connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


class _PostgresCursor(_Cursor):
    def __init__(self, cursor: psycopg.Cursor[Row], sealer: ColumnSealer) -> None:
        super().__init__(sealer)
        self._cursor = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._cursor.execute(_pg(sql), storable_params(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """On a cursor of its own: in pipeline mode psycopg (3.3) hands a batch's results that
        arrive after the cursor's next execute() to that execute, so a read that followed a
        batch of writes could be answered 'INSERT 0 1' (seen in rebuilds; a test holds it)."""
        if rows:
            with self._cursor.connection.cursor() as writer:
                writer.executemany(_pg(sql), [storable_params(r) for r in rows])

    def fetchall(self) -> list[Row]:
        return self._opened(list(self._cursor.fetchall()))

    def fetchone(self) -> Row | None:
        row = self._cursor.fetchone()
        return None if row is None else self._opened([row])[0]


def _pg(sql: str) -> str:
    return sql.replace("%", "%%").replace("?", "%s")


def lock_key(name: str) -> int:
    """A stable 32-bit advisory-lock key per projection name."""
    return zlib.crc32(f"dsr-projection:{name}".encode())


class PostgresViews:
    dialect = "postgres"

    def __init__(self, url: str, schema: str, pool_size: int = 8, timeout: float = 2) -> None:
        self.url = url
        self.schema = schema
        self.sealer = ColumnSealer(None)
        self.pool: ConnectionPool[psycopg.Connection[Row]] = ConnectionPool(
            url,
            min_size=1,
            max_size=pool_size,
            kwargs={
                "options": f"-c search_path={schema}",
                "row_factory": dict_row,
                "connect_timeout": max(1, int(timeout)),
            },
            timeout=timeout,
            check=ConnectionPool.check_connection,
            open=True,
        )

    @contextmanager
    def transaction(self, lock: str | None = None) -> Iterator[Cursor]:
        """In pipeline mode: writes are sent without waiting for each answer (a read waits
        for what it needs), so a batch's many small statements cost far fewer round trips."""
        with (
            self.pool.connection() as conn,
            conn.pipeline(),
            conn.transaction(),
            conn.cursor() as cursor,
        ):
            if lock is not None:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key(lock),))
            yield _PostgresCursor(cursor, self.sealer)

    @contextmanager
    def read(self) -> Iterator[Cursor]:
        with self.pool.connection() as conn, conn.cursor() as cursor:
            yield _PostgresCursor(cursor, self.sealer)
            conn.rollback()

    def compact(self) -> None:
        """Nothing to do: superseded row versions are invisible to every query, and
        VACUUM reclaims them (docs/operations.md)."""

    def close(self) -> None:
        self.pool.close()
