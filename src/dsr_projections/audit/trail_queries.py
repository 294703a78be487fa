"""Reading the audit trail: a person's rows (with what their events recorded, opened with
the person's key), and one user's actions over a time range, a page at a time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from dsr_core.service.registers import Registers
from dsr_projections.storage.database import Row, ViewDatabase


def person_trail(db: ViewDatabase, person_id: UUID) -> list[Row]:
    with db.read() as cursor:
        cursor.execute(
            "SELECT * FROM audit_trail WHERE person_id = ? ORDER BY version", (str(person_id),)
        )
        return cursor.fetchall()


def opened_trail(db: ViewDatabase, registers: Registers, person_id: UUID) -> list[Row]:
    """The trail as auditors read it: each chained row as stored (so it can be checked
    against its hash) with `opened`: the event's reason and changes as recorded, read from
    the event store with the person's key; after erasure they read `erased`."""
    opened = {entry.version: entry for entry in registers.history(person_id)}
    rows = []
    for row in person_trail(db, person_id):
        entry = opened.get(int(row["version"]))
        if entry is not None:
            reason = entry.data.get("reason")
            row = {**row, "opened": {"reason": reason, "changes": entry.data}}
        rows.append(row)
    return rows


def actor_trail(
    db: ViewDatabase,
    actor_id: str,
    since: datetime,
    until: datetime,
    limit: int = 500,
    areas: Sequence[str] | None = None,
    after: int | None = None,
) -> list[Row]:
    """What one user recorded in a time range, in log order (after a position); in `areas`
    in the query, so a page is never cut short by rows the caller cannot see."""
    where = "actor_id = ? AND recorded_at >= ? AND recorded_at < ?"
    params: list[Any] = [actor_id, since.isoformat(), until.isoformat()]
    if after is not None:
        where += " AND position > ?"
        params.append(after)
    if areas is not None:
        if not areas:
            return []
        where += f" AND actor_area IN ({', '.join('?' for _ in areas)})"
        params += list(areas)
    with db.read() as cursor:
        cursor.execute(
            f"SELECT * FROM audit_trail WHERE {where} ORDER BY position LIMIT ?",
            [*params, limit],
        )
        return cursor.fetchall()
