"""Where each read model has got to in the log, and applying a batch past it, in the
transaction that moves it on (so each event changes a view exactly once)."""

from __future__ import annotations

from collections.abc import Sequence

from dsr_projections.engine.projection import POSITIONS, Event, Projection
from dsr_projections.storage.database import Cursor


def ensure_position(cursor: Cursor, name: str) -> None:
    cursor.execute(
        f"INSERT INTO {POSITIONS} (name, position) VALUES (?, 0) ON CONFLICT (name) DO NOTHING",
        (name,),
    )


def apply_batch(
    cursor: Cursor, projection: Projection, name: str, batch: Sequence[tuple[Event, int]]
) -> int:
    cursor.execute(f"SELECT position FROM {POSITIONS} WHERE name = ?", (name,))
    row = cursor.fetchone()
    position = int(row["position"]) if row else 0
    todo = [(event, p) for event, p in batch if p > position]
    if not todo:
        return 0
    projection.process(cursor, todo)
    cursor.execute(f"UPDATE {POSITIONS} SET position = ? WHERE name = ?", (todo[-1][1], name))
    return len(todo)
