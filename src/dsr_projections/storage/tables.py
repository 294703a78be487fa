"""Writing rows keyed by column: the only way projections write a person's row, so the
columns a table declares personal are always sealed (sealed.py)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from dsr_projections.storage.database import Cursor, Row


def upsert(
    cursor: Cursor,
    table: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    personal: Collection[str] = (),
    key: str = "person_id",
) -> None:
    """Insert each row, or update the row with the same `key`; every row has the same
    columns."""
    if not rows:
        return
    columns = list(rows[0])
    placeholders = ", ".join("?" for _ in columns)
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != key)
    sealed = [cursor.sealed(row, personal) for row in rows]
    cursor.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders}) "
        f"ON CONFLICT ({key}) DO UPDATE SET {updates}",
        [tuple(row[c] for c in columns) for row in sealed],
    )


def insert(
    cursor: Cursor, table: str, rows: Sequence[Mapping[str, Any]], *, personal: Collection[str] = ()
) -> None:
    """Insert each row; every row has the same columns."""
    if not rows:
        return
    columns = list(rows[0])
    sealed = [tuple(cursor.sealed(row, personal)[c] for c in columns) for row in rows]
    statement = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    )
    if len(sealed) == 1:  # one statement, not a batch, for the common single row
        cursor.execute(statement, sealed[0])
    else:
        cursor.executemany(statement, sealed)


def rows_of_people(
    cursor: Cursor, table: str, person_ids: Collection[str], *, where: str = "", columns: str = "*"
) -> list[Row]:
    """The rows of many people (and `where`, if given), in one query per 500 ids (SQLite's
    bound on a statement's parameters) rather than one each: inside a pipeline, each query
    whose rows are fetched is a round trip."""
    ids = sorted(person_ids)
    condition = f"{where} AND " if where else ""
    rows: list[Row] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        cursor.execute(
            f"SELECT {columns} FROM {table} "
            f"WHERE {condition}person_id IN ({', '.join('?' for _ in chunk)})",
            chunk,
        )
        rows.extend(cursor.fetchall())
    return rows
