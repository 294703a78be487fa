"""Reminders as front-ends poll them: one row per reminder issued or escalated.

Each row's `reminder_id` is stable (book, key and what happened), so a receiver can
de-duplicate; rows are ordered by log position, which is the polling cursor.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import singledispatchmethod
from typing import ClassVar

from dsr_core.person import events as pe
from dsr_core.person.cadences import deadline_basis
from dsr_core.service.reminders import ReminderBook
from dsr_projections.engine.projection import Event, Projection
from dsr_projections.storage.database import Cursor, Row, ViewDatabase
from dsr_projections.storage.tables import insert


class RemindersProjection(Projection):
    name = "reminders"
    tables: ClassVar[dict[str, str]] = {
        "reminder_books": "book_id TEXT PRIMARY KEY, person_id TEXT NOT NULL, area TEXT NOT NULL",
        # Emergency ("break glass") grants to users of other areas, for the owning lead's
        # report (issue 28); each is also a reminder row, so it reaches them by the polls
        # and webhooks reminders reach them by, the same day.
        "emergency_grants": (
            "position BIGINT PRIMARY KEY, person_id TEXT NOT NULL, area TEXT NOT NULL, "
            "actor_id TEXT NOT NULL, actor_role TEXT NOT NULL, actor_area TEXT, "
            "reason_code TEXT NOT NULL, reason TEXT, granted_at TEXT NOT NULL, "
            "expires_at TEXT NOT NULL"
        ),
        "reminders": (
            "position BIGINT PRIMARY KEY, reminder_id TEXT NOT NULL UNIQUE, "
            "person_id TEXT NOT NULL, "
            "area TEXT NOT NULL, reminder_key TEXT NOT NULL, kind TEXT NOT NULL, "
            "due_on TEXT NOT NULL, stage TEXT NOT NULL, issued_on TEXT NOT NULL"
        ),
    }
    indexes: ClassVar[dict[str, str]] = {
        "reminders_by_area": "reminders (area, position)",
        "emergency_grants_by_area": "emergency_grants (area, granted_at)",
    }

    def process(self, cursor: Cursor, batch: Sequence[tuple[Event, int]]) -> None:
        for event, position in batch:
            self._project(event, cursor, position)

    @singledispatchmethod
    def _project(self, event: Event, cursor: Cursor, position: int) -> None:
        """One method per reminder event; every other event passes."""

    @_project.register
    def _opened(self, event: ReminderBook.Opened, cursor: Cursor, position: int) -> None:
        book = {
            "book_id": str(event.originator_id),
            "person_id": str(event.person_id),
            "area": event.area,
        }
        insert(cursor, self.t("reminder_books"), [book])

    @_project.register
    def _emergency(self, event: pe.EmergencyAccessGranted, cursor: Cursor, position: int) -> None:
        grant = {
            "position": position,
            "person_id": str(event.originator_id),
            "area": event.area,
            "actor_id": event.actor.user_id,
            "actor_role": str(event.actor.role),
            "actor_area": event.actor.area,
            "reason_code": str(event.reason_code),
            "reason": event.reason,
            "granted_at": event.timestamp.isoformat(),
            "expires_at": event.expires_at,
        }
        insert(cursor, self.t("emergency_grants"), [grant], personal=("reason",))
        notice = {
            "position": position,
            "reminder_id": f"{event.originator_id}:emergency_access:{position}",
            "person_id": str(event.originator_id),
            "area": event.area,
            "reminder_key": f"emergency_access:{position}",
            "kind": "emergency_access",
            "due_on": event.effective_on.isoformat(),
            "stage": "issued",
            "issued_on": event.effective_on.isoformat(),
        }
        insert(cursor, self.t("reminders"), [notice])

    @_project.register
    def _issued(self, event: ReminderBook.Issued, cursor: Cursor, position: int) -> None:
        self._reminder(event, "issued", cursor, position)

    @_project.register
    def _escalated(self, event: ReminderBook.Escalated, cursor: Cursor, position: int) -> None:
        self._reminder(event, "escalated", cursor, position)

    def _reminder(
        self,
        event: ReminderBook.Issued | ReminderBook.Escalated,
        stage: str,
        cursor: Cursor,
        position: int,
    ) -> None:
        cursor.execute(
            f"SELECT * FROM {self.t('reminder_books')} WHERE book_id = ?",
            (str(event.originator_id),),
        )
        book = cursor.fetchone()
        assert book is not None
        reminder = {
            "position": position,
            "reminder_id": f"{event.originator_id}:{event.key}:{stage}",
            "person_id": book["person_id"],
            "area": book["area"],
            "reminder_key": event.key,
            "kind": event.kind,
            "due_on": event.due_on.isoformat(),
            "stage": stage,
            "issued_on": event.effective_on.isoformat(),
        }
        insert(cursor, self.t("reminders"), [reminder])


def reminders_after(
    db: ViewDatabase, areas: Sequence[str] | None, after: int, limit: int
) -> list[Row]:
    """Reminders after a log position, in log order: of these areas, or of all (None)."""
    if areas is not None and not areas:
        return []
    where = "" if areas is None else f"area IN ({', '.join('?' for _ in areas)}) AND "
    with db.read() as cursor:
        cursor.execute(
            f"SELECT * FROM reminders WHERE {where}position > ? ORDER BY position LIMIT ?",
            (*(areas or ()), after, limit),
        )
        rows = cursor.fetchall()
    for row in rows:  # computed when read: a deadline's basis is the code's, not stored
        row["deadline_basis"] = deadline_basis(row["kind"])
    return rows


def emergency_grants(db: ViewDatabase, area: str, since: datetime, now: datetime) -> list[Row]:
    """Emergency grants on the area's records since a time, newest first, each `active`
    while it has not lapsed by `now` (the owning lead's report, issue 28); the reason
    opened under each person's key."""
    with db.read() as cursor:
        cursor.execute(
            "SELECT person_id, area, actor_id, actor_role, actor_area, reason_code, reason, "
            "granted_at, expires_at FROM emergency_grants WHERE area = ? AND granted_at >= ? "
            "ORDER BY granted_at DESC, position DESC",
            (area, since.isoformat()),
        )
        rows = cursor.fetchall()
    for row in rows:
        row["active"] = datetime.fromisoformat(row["expires_at"]) > now
    return rows


def reminders_by_stage(db: ViewDatabase) -> dict[str, int]:
    """How many reminders were issued and escalated, in every area (for `/metrics`)."""
    with db.read() as cursor:
        cursor.execute("SELECT stage, COUNT(*) AS n FROM reminders GROUP BY stage")
        return {str(row["stage"]): int(row["n"]) for row in cursor.fetchall()}
