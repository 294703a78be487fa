"""Reporting snapshots: immutable, checksummed artefacts per area and period.

A monthly register snapshot is each person's record as it stood at the end of the
month, *as recorded by then*, so later back-dated entries never change it and producing
the same period again gives the same bytes. The quarterly national snapshot is the area's
unsuppressed dataset for the quarter (its lead's: report.py). Each is stored once (kind,
area, period) with its creation time, row count and SHA-256; a second production is
checked against it.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import structlog

from dsr_core.domain.codes import Status
from dsr_core.domain.periods import Period
from dsr_core.service.clock import Clock
from dsr_core.service.registers import Registers
from dsr_projections.queries import (
    areas_with_spells,
    build_dataset,
    lowest_position,
    people_in_area_by,
)
from dsr_projections.storage.database import SCHEMA_LOCK, Row, ViewDatabase

log = structlog.get_logger(__name__)

TABLE = (
    "CREATE TABLE IF NOT EXISTS report_snapshots (snapshot_id TEXT PRIMARY KEY, "
    "kind TEXT NOT NULL, area TEXT NOT NULL, period TEXT NOT NULL, created_at TEXT NOT NULL, "
    "row_count INTEGER NOT NULL, sha256 TEXT NOT NULL, media_type TEXT NOT NULL, "
    "content TEXT NOT NULL, UNIQUE (kind, area, period))"
)
REGISTER_COLUMNS = (
    "person_id",
    "status",
    "setting",
    "rating",
    "urgent_reason",
    "rating_since",
    "out_of_area",
    "admitted_on",
    "delayed",
    "delay_reason",
)


class SnapshotMismatchError(Exception):
    """A period was produced again and did not match the stored artefact."""


@dataclass(frozen=True)
class Artefact:
    kind: str
    area: str
    period: str
    media_type: str
    content: str
    row_count: int

    @property
    def snapshot_id(self) -> str:
        return f"{self.kind}:{self.area}:{self.period}"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content.encode()).hexdigest()


def ensure_table(db: ViewDatabase) -> None:
    with db.transaction(lock=SCHEMA_LOCK) as cursor:
        cursor.execute(TABLE)


def register_snapshot(
    registers: Registers,
    db: ViewDatabase,
    area: str,
    month: Period,
    *,
    as_recorded_then: bool = True,
) -> Artefact:
    """The register at the period's end: as recorded by then (snapshots), or as known now."""
    cutoff = datetime.combine(month.end, time.max, tzinfo=UTC) if as_recorded_then else None
    candidates = people_in_area_by(db, area, month.end)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REGISTER_COLUMNS)
    rows = 0
    for person_id in candidates:
        person = registers.person_as_at(person_id, on=month.end, recorded_by=cutoff)
        if person is None or person.area != area or person.status is not Status.ON_REGISTER:
            continue
        stay, rating = person.admission, person.rating
        ready = stay.ready_for_discharge_on if stay else None
        writer.writerow(
            [
                person.id,
                person.status,
                person.setting,
                rating.level if rating else "",
                rating.urgent_reason or "" if rating else "",
                person.rating_since or "",
                person.placement is not None and person.placement.out_of_area,
                stay.admitted_on if stay else "",
                bool(ready and ready <= month.end),
                stay.delay_reason or "" if stay else "",
            ]
        )
        rows += 1
    return Artefact("register", area, month.label, "text/csv", out.getvalue(), rows)


def national_snapshot(
    db: ViewDatabase, area: str, quarter: Period, profile: str, secret: bytes
) -> Artefact:
    dataset = build_dataset(db, area, quarter, profile, secret)
    return Artefact(
        "national", area, quarter.label, "application/json", dataset.to_json(), len(dataset.records)
    )


def store(db: ViewDatabase, artefact: Artefact, created_at: datetime) -> bool:
    """Store once; a later production of the same period must match. True if stored now."""
    existing = get(db, artefact.snapshot_id)
    if existing is not None:
        if existing["sha256"] != artefact.sha256:
            raise SnapshotMismatchError(artefact.snapshot_id)
        return False
    with db.transaction() as cursor:
        cursor.execute(
            "INSERT INTO report_snapshots VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (
                artefact.snapshot_id,
                artefact.kind,
                artefact.area,
                artefact.period,
                created_at.isoformat(),
                artefact.row_count,
                artefact.sha256,
                artefact.media_type,
                artefact.content,
            ),
        )
    log.info(
        "snapshot_stored",
        snapshot=artefact.snapshot_id,
        rows=artefact.row_count,
        sha256=artefact.sha256,
    )
    return True


def get(db: ViewDatabase, snapshot_id: str) -> Row | None:
    with db.read() as cursor:
        cursor.execute("SELECT * FROM report_snapshots WHERE snapshot_id = ?", (snapshot_id,))
        return cursor.fetchone()


def listing(db: ViewDatabase, areas: list[str]) -> list[Row]:
    if not areas:
        return []
    with db.read() as cursor:
        cursor.execute(
            "SELECT snapshot_id, kind, area, period, created_at, row_count, sha256, media_type "
            f"FROM report_snapshots WHERE area IN ({', '.join('?' for _ in areas)}) "
            "ORDER BY period DESC, kind, area",
            areas,
        )
        return cursor.fetchall()


def verify(row: Row) -> bool:
    return bool(hashlib.sha256(str(row["content"]).encode()).hexdigest() == row["sha256"])


def last_complete(today: date) -> tuple[Period, Period]:
    """The last month and the last quarter that have ended before today."""
    last_month_end = today.replace(day=1) - timedelta(days=1)
    month = Period.parse(f"{last_month_end:%Y-%m}")
    quarter_start_month = 3 * ((today.month - 1) // 3) + 1
    last_quarter_end = today.replace(month=quarter_start_month, day=1) - timedelta(days=1)
    quarter = Period.parse(f"{last_quarter_end.year}-Q{(last_quarter_end.month - 1) // 3 + 1}")
    return month, quarter


def projections_caught_up(registers: Registers, db: ViewDatabase) -> bool:
    """Snapshots are stored for good, so they are only taken from complete read models."""
    head = registers.recorder.max_notification_id() or 0
    return lowest_position(db) >= head


def take_due_snapshots(
    registers: Registers, db: ViewDatabase, secret: bytes, *, clock: Clock
) -> int:
    """The job: last month's register and last quarter's national snapshot for every area.

    Skipped (and retried at the next run) while the projections are behind the log.
    """
    if not projections_caught_up(registers, db):
        log.info("snapshots_deferred_projections_behind")
        return 0
    month, quarter = last_complete(clock.today())
    stored = 0
    for area in areas_with_spells(db):
        profile = registers.areas.policy(area).disclosure
        stored += store(db, register_snapshot(registers, db, area, month), clock.now())
        stored += store(db, national_snapshot(db, area, quarter, profile, secret), clock.now())
    return stored
