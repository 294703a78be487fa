"""What the read side holds about one person, for a subject access request (UK GDPR art. 15;
issue 15): every read-model row keyed by the person, table by table.

The per-person state caches (`*_state`) are left out: they are copies of the events,
which the export gives decoded. Pseudonymised national returns are left out too: they hold
no identifier to find the person by (docs/national.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from dsr_projections.engine.projection import Projection
from dsr_projections.storage.database import ViewDatabase


def read_model_rows(
    db: ViewDatabase, projections: Sequence[Projection], person_id: UUID
) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    with db.read() as cursor:
        for projection in projections:
            for table, columns in projection.tables.items():
                if table.endswith("_state") or "person_id " not in columns:
                    continue
                cursor.execute(f"SELECT * FROM {table} WHERE person_id = ?", (str(person_id),))
                rows = [
                    {k: v for k, v in row.items() if not isinstance(v, (bytes, memoryview))}
                    for row in cursor.fetchall()
                ]
                if rows:
                    found[table] = rows
    return found
