"""Integrity breaks: the people whose stored history failed a check, kept where every
process can see them.

Why: a break found once must stop the service from building on it everywhere (issue 30,
item 6). The read models quarantine an event that does not authenticate (event_mac.py)
and go on; `dsr audit verify` (and the scheduler's nightly run) finds the rest: holes,
edits the chains show, snapshots that do not replay. Both record here; the write side
refuses commands on a person listed here (`Registers.integrity_check`), and reads mark
the record as failing. A later verify that finds a person whole clears what verify had
recorded for them; a quarantined event stays until its read models are rebuilt.

Rows hold ids, versions and the kind of break: no personal data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import structlog
from eventsourcing.persistence import Notification

from dsr_core.storage.event_mac import EventNotAuthenticError
from dsr_projections.engine.outcomes import Passed
from dsr_projections.storage.database import Cursor, ViewDatabase

TABLE = "integrity_breaks"
FROM_VERIFY = "verify"
FROM_READ_MODELS = "read-models"
log = structlog.get_logger("dsr.integrity")


@dataclass(frozen=True)
class IntegrityBreak:
    person_id: str
    version: int
    kind: str
    source: str
    found_at: str


def create_tables(cursor: Cursor) -> None:
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {TABLE} (person_id TEXT NOT NULL, version BIGINT NOT NULL, "
        "kind TEXT NOT NULL, source TEXT NOT NULL, found_at TEXT NOT NULL, position BIGINT, "
        "PRIMARY KEY (person_id, version, kind))"
    )


def quarantine(
    db: ViewDatabase, person_id: UUID, version: int, kind: str, position: int, at: datetime
) -> None:
    """An event the read models refused: recorded once, with an alert that names no one."""
    with db.transaction() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (person_id, version, kind, source, found_at, position) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (
                str(person_id),
                version,
                f"event-not-authentic:{kind}",
                FROM_READ_MODELS,
                at.isoformat(),
                position,
            ),
        )
    log.error("event_quarantined", position=position, version=version, mac=kind)


def decoded(
    db: ViewDatabase, decode: Callable[[Notification], Any], notification: Notification
) -> Any:
    """The event decoded; one that does not authenticate (written outside the service) is
    quarantined and stands as `Passed`, which every read model passes over, and keeps going."""
    try:
        return decode(notification)
    except EventNotAuthenticError as refused:
        quarantine(
            db,
            UUID(refused.person_id),
            notification.originator_version,
            refused.kind,
            notification.id,
            datetime.now(UTC),
        )
        return Passed(notification.originator_id)


def replace_verified(db: ViewDatabase, found: Iterable[tuple[str, int, str]], at: datetime) -> None:
    """What a full verify found (person id, version, problem) replaces what the last one did."""
    rows = {(p, v, k) for p, v, k in found if _is_person(p)}
    with db.transaction() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE source = ?", (FROM_VERIFY,))
        cursor.executemany(
            f"INSERT INTO {TABLE} (person_id, version, kind, source, found_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [(p, v, k, FROM_VERIFY, at.isoformat()) for p, v, k in sorted(rows)],
        )


def breaks_of(db: ViewDatabase, person_id: UUID) -> list[IntegrityBreak]:
    with db.read() as cursor:
        cursor.execute(
            f"SELECT person_id, version, kind, source, found_at FROM {TABLE} "
            "WHERE person_id = ? ORDER BY version, kind",
            (str(person_id),),
        )
        return [IntegrityBreak(**row) for row in cursor.fetchall()]


def counts(db: ViewDatabase) -> dict[str, int]:
    """People with breaks, by where they were found: for /metrics."""
    with db.read() as cursor:
        cursor.execute(
            f"SELECT source, COUNT(DISTINCT person_id) AS people FROM {TABLE} GROUP BY source"
        )
        return {row["source"]: int(row["people"]) for row in cursor.fetchall()}


def _is_person(name: str) -> bool:
    try:
        UUID(name)
    except ValueError:
        return False
    return True
