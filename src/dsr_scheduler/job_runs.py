"""How each scheduled job (and `dsr audit verify`) last went, in the shared database, so
`/metrics` of any API process shows the scheduler's runs and failures and the time since
the last clean audit verification, whichever process ran them (issue 29)."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from datetime import UTC, datetime

import structlog

from dsr_projections.storage.database import SCHEMA_LOCK, Row, ViewDatabase

log = structlog.get_logger(__name__)

TABLE = (
    "CREATE TABLE IF NOT EXISTS job_runs (job TEXT PRIMARY KEY, "
    "runs BIGINT NOT NULL DEFAULT 0, failures BIGINT NOT NULL DEFAULT 0, "
    "last_run_at TEXT, last_success_at TEXT, last_failure_at TEXT, "
    "last_seconds DOUBLE PRECISION)"
)
# When each job last started, apart from job_runs so stores made before it need no ALTER:
# a start later than the last finish is a run cut short (its process killed).
STARTS = "CREATE TABLE IF NOT EXISTS job_starts (job TEXT PRIMARY KEY, started_at TEXT NOT NULL)"
AUDIT_VERIFY = "audit-verify"


def ensure_table(db: ViewDatabase) -> None:
    with db.transaction(lock=SCHEMA_LOCK) as cursor:
        cursor.execute(TABLE)
        cursor.execute(STARTS)


def started(db: ViewDatabase, job: str) -> None:
    with db.transaction() as cursor:
        cursor.execute(
            "INSERT INTO job_starts (job, started_at) VALUES (?, ?) "
            "ON CONFLICT (job) DO UPDATE SET started_at = excluded.started_at",
            (job, datetime.now(UTC).isoformat()),
        )


def interrupted(db: ViewDatabase) -> set[str]:
    """Jobs whose latest start has no finish after it: the process running them died
    mid-run (kill -9, power loss), so the pass is due again at once, not an interval on."""
    with db.read() as cursor:
        cursor.execute(
            "SELECT s.job FROM job_starts s LEFT JOIN job_runs r ON r.job = s.job "
            "WHERE r.last_run_at IS NULL OR s.started_at > r.last_run_at"
        )
        return {row["job"] for row in cursor.fetchall()}


def record(db: ViewDatabase, job: str, *, ok: bool, seconds: float) -> None:
    now = datetime.now(UTC).isoformat()
    outcome = "last_success_at" if ok else "last_failure_at"
    with db.transaction() as cursor:
        cursor.execute(
            f"INSERT INTO job_runs (job, runs, failures, last_run_at, {outcome}, last_seconds) "
            "VALUES (?, 1, ?, ?, ?, ?) ON CONFLICT (job) DO UPDATE SET "
            "runs = job_runs.runs + 1, failures = job_runs.failures + excluded.failures, "
            f"last_run_at = excluded.last_run_at, {outcome} = excluded.{outcome}, "
            "last_seconds = excluded.last_seconds",
            (job, 0 if ok else 1, now, now, seconds),
        )


Job = Callable[[], None]


def recorded(job: str, db_of: Callable[[], ViewDatabase]) -> Callable[[Job], Job]:
    """Wrap a scheduled job: note its start, count its run, and its failure (logged, then
    raised again for APScheduler to log too)."""

    def wrap(run: Job) -> Job:
        @functools.wraps(run)
        def counted() -> None:
            started(db_of(), job)
            began = time.monotonic()
            try:
                run()
            except Exception:
                log.exception("job_failed", job=job)
                record(db_of(), job, ok=False, seconds=time.monotonic() - began)
                raise
            record(db_of(), job, ok=True, seconds=time.monotonic() - began)

        return counted

    return wrap


def runs(db: ViewDatabase) -> list[Row]:
    with db.read() as cursor:
        cursor.execute("SELECT * FROM job_runs ORDER BY job")
        return cursor.fetchall()
