"""Who viewed which person's record, when: every read is itself audited (issue 4)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from dsr_projections.database import Row, ViewDatabase

TABLE = (
    "CREATE TABLE IF NOT EXISTS access_log (viewed_at TEXT NOT NULL, actor_id TEXT NOT NULL, "
    "actor_role TEXT NOT NULL, person_id TEXT NOT NULL, area TEXT NOT NULL, what TEXT NOT NULL)"
)


class AccessLog:
    def __init__(self, db: ViewDatabase) -> None:
        self.db = db
        with db.transaction() as cursor:
            cursor.execute(TABLE)
            cursor.execute("CREATE INDEX IF NOT EXISTS access_by_person ON access_log (person_id)")

    def record(
        self, at: datetime, actor_id: str, role: str, person_id: UUID, area: str, what: str
    ) -> None:
        with self.db.transaction() as cursor:
            cursor.execute(
                "INSERT INTO access_log VALUES (?, ?, ?, ?, ?, ?)",
                (at.isoformat(), actor_id, role, str(person_id), area, what),
            )

    def for_person(self, person_id: UUID) -> list[Row]:
        with self.db.read() as cursor:
            cursor.execute(
                "SELECT * FROM access_log WHERE person_id = ? ORDER BY viewed_at", (str(person_id),)
            )
            return cursor.fetchall()
