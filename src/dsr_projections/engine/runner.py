"""Keeps the read models up to date, exactly once, and rebuilds them without downtime.

A cycle reads the next batch of notifications after the lowest projection position,
decodes it once, and hands each projection the events beyond its own position inside a
transaction that holds the projection's lock and records its new position. A crash
rolls the whole batch back; the next cycle redoes it. LISTEN/NOTIFY (PostgreSQL) only
wakes the loop early: it also polls, so a lost notification costs at most one interval.

A projection that fails on an event is isolated: the runner finds the exact position by
retrying that batch one event at a time, records the failure in `projection_failures`
(read by /readyz and /metrics in any process), retries it with backoff, and keeps the
other projections going (issue 10).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import psycopg
import structlog
from eventsourcing.persistence import ApplicationRecorder, Notification

from dsr_core.storage.mapper import SealingMapper
from dsr_projections.engine import integrity
from dsr_projections.engine.content import content_hash
from dsr_projections.engine.outcomes import Failure, Lag, Passed, Rebuilt
from dsr_projections.engine.positions import apply_batch, ensure_position
from dsr_projections.engine.projection import POSITIONS, Context, Event, Projection
from dsr_projections.engine.rebuilds import Progress, rebuild_all
from dsr_projections.storage.database import SCHEMA_LOCK, Cursor, PostgresViews, ViewDatabase

log = structlog.get_logger(__name__)
FAILURES = "projection_failures"
UNREAD_TOPICS = ("dsr.identity_key.", "dsr.idempotency.")
"""Aggregates whose events no read model reads: decoding them (an identity key's holder is
opened with a key lookup) would only cost."""


BATCH_SIZE = 2000
"""Events a read model applies per transaction. Catching up from zero with compose's three
workers on long inpatient histories (bench/catchup_batches.py, interleaved): 2,000 made
0.71-0.73 of the batch save rate where 500 made 0.62-0.64; 5,000 was no better."""


class ProjectionRunner:
    def __init__(
        self,
        context: Context,
        db: ViewDatabase,
        projection_classes: Sequence[type[Projection]],
        log: ApplicationRecorder,
        *,
        log_name: str = "Registers",
        batch_size: int = BATCH_SIZE,
        poll_interval: float = 0.5,
        other_tables: Sequence[Callable[[Cursor], None]] = (),
    ) -> None:
        self.context = context
        self.other_tables = other_tables  # beside the read models: the access log
        self.db = db
        self.log = log
        """The event store's notification log, which the read models follow."""
        self.log_name = log_name
        self.projections = [cls(context) for cls in projection_classes]
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._retry_at: dict[str, float] = {}  # failed projection → when to try it again
        # Projections are independent transactions: on PostgreSQL they overlap their waits
        # on the database; SQLite allows one writer per file, so there they take turns.
        self._pool = (
            ThreadPoolExecutor(len(self.projections), thread_name_prefix="dsr-projection")
            if db.dialect == "postgres"
            else None
        )

    def setup(self) -> None:
        with self.db.transaction(lock=SCHEMA_LOCK) as cursor:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {POSITIONS} "
                "(name TEXT PRIMARY KEY, position BIGINT NOT NULL)"
            )
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {FAILURES} (name TEXT PRIMARY KEY, "
                "position BIGINT NOT NULL, error TEXT NOT NULL, attempts BIGINT NOT NULL, "
                "since TEXT NOT NULL)"
            )
            for projection in self.projections:
                projection.create(cursor)
                ensure_position(cursor, projection.name)
            for create in self.other_tables:
                create(cursor)

    def projection(self, name: str) -> Projection:
        for projection in self.projections:
            if projection.name == name:
                return projection
        raise KeyError(f"no projection named {name!r}")

    # ------------------------------------------------------------ catch-up

    def positions(self) -> dict[str, int]:
        with self.db.read() as cursor:
            cursor.execute(f"SELECT name, position FROM {POSITIONS}")
            return {r["name"]: int(r["position"]) for r in cursor.fetchall()}

    def head(self) -> int:
        return self.log.max_notification_id() or 0

    def lag(self) -> list[Lag]:
        head, positions = self.head(), self.positions()
        return [Lag(p.name, positions.get(p.name, 0), head) for p in self.projections]

    def failures(self) -> list[Failure]:
        """Projections stopped at an event, as recorded by whichever process runs them."""
        with self.db.read() as cursor:
            cursor.execute(f"SELECT * FROM {FAILURES} ORDER BY name")
            return [
                Failure(r["name"], int(r["position"]), r["error"], int(r["attempts"]), r["since"])
                for r in cursor.fetchall()
            ]

    def run_once(self) -> int:
        """Process one batch for every projection; returns the number of events applied.

        Healthy projections share one decoded batch; each failed one is retried alone, at
        its own position, once its backoff has passed.
        """
        positions = self.positions()
        now = time.monotonic()
        healthy = [p for p in self.projections if p.name not in self._retry_at]
        due = [p for p in self.projections if self._retry_at.get(p.name, now + 1) <= now]
        applied = 0
        if healthy:
            batch = self._read(min(positions.get(p.name, 0) for p in healthy) + 1)
            if batch:
                if self._pool is None or len(healthy) == 1:
                    applied += sum(self._guarded(p, batch) for p in healthy)
                else:
                    applied += sum(self._pool.map(lambda p: self._guarded(p, batch), healthy))
        for projection in due:
            batch = self._read(positions.get(projection.name, 0) + 1)
            applied += self._guarded(projection, batch) if batch else 0
        return applied

    def _guarded(self, projection: Projection, batch: Sequence[tuple[Event, int]]) -> int:
        """Apply a batch; on failure, apply it event by event to find and record the culprit."""
        try:
            applied = self._apply_in_transaction(projection, batch)
        except Exception:
            applied = 0
            for item in batch:
                try:
                    applied += self._apply_in_transaction(projection, [item])
                except Exception as error:
                    self._record_failure(projection.name, item[1], error)
                    return applied
        if projection.name in self._retry_at:
            self._clear_failure(projection.name)
        return applied

    def _apply_in_transaction(
        self, projection: Projection, batch: Sequence[tuple[Event, int]]
    ) -> int:
        with self.db.transaction(lock=projection.name) as cursor:
            return apply_batch(cursor, projection, projection.name, batch)

    def _record_failure(self, name: str, position: int, error: Exception) -> None:
        kind = type(error).__name__
        attempts = 1
        try:
            with self.db.transaction() as cursor:
                cursor.execute(f"SELECT attempts FROM {FAILURES} WHERE name = ?", (name,))
                row = cursor.fetchone()
                attempts = int(row["attempts"]) + 1 if row else 1
                cursor.execute(
                    f"INSERT INTO {FAILURES} (name, position, error, attempts, since) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
                    "position = excluded.position, error = excluded.error, "
                    "attempts = excluded.attempts",
                    (name, position, kind, attempts, datetime.now(UTC).isoformat()),
                )
        except Exception:
            log.exception("projection_failure_not_recorded", projection=name)
        delay = min(self.poll_interval * 2 ** min(attempts, 10), 60.0)
        self._retry_at[name] = time.monotonic() + delay
        # The error's type and where it happened; its message may quote event data.
        log.error(
            "projection_failed",
            projection=name,
            position=position,
            error=kind,
            attempts=attempts,
            retry_in=round(delay, 1),
        )

    def _clear_failure(self, name: str) -> None:
        with self.db.transaction() as cursor:
            cursor.execute(f"DELETE FROM {FAILURES} WHERE name = ?", (name,))
        del self._retry_at[name]
        log.info("projection_recovered", projection=name)

    def catch_up(self, timeout: float = 60.0) -> None:
        """Process until every projection has reached the head as it was on entry."""
        target, deadline = self.head(), time.monotonic() + timeout
        while min(self.positions().get(p.name, 0) for p in self.projections) < target:
            if self.run_once() == 0:
                if time.monotonic() > deadline:
                    failed = {f.name: f.position for f in self.failures()}
                    raise TimeoutError(f"projections did not reach the head in time: {failed}")
                time.sleep(0.01)

    def reached(self, position: int, names: Sequence[str] | None = None) -> bool:
        """True once the named projections (default: all) have processed `position`."""
        positions = self.positions()
        wanted = names or [p.name for p in self.projections]
        return min((positions.get(n, 0) for n in wanted), default=0) >= position

    def wait_for(self, position: int, timeout: float, names: Sequence[str] | None = None) -> bool:
        """Read-your-writes: True once the named projections have processed `position`.

        A position beyond the log head is answered at once: no write will ever reach it.
        """
        if position > self.head():
            return self.reached(position, names)
        deadline = time.monotonic() + timeout
        while True:
            if self.reached(position, names):
                return True
            if time.monotonic() >= deadline:
                return False
            self._wake.set()
            time.sleep(0.02)

    def _read(self, start: int) -> list[tuple[Event, int]]:
        """A batch decoded once for every projection; events no read model handles
        (identity keys, idempotency records) are not decoded, only counted as passed."""
        notifications = self.log.select_notifications(start, self.batch_size)
        mapper = self.context.mapper
        decode: Callable[[Notification], Any] = mapper.to_domain_event
        if isinstance(mapper, SealingMapper):
            mapper.prepare(notifications)  # the batch's keys in one query, not one each
            decode = mapper.reader()  # and each person's sealer found once
        return [
            (
                Passed(n.originator_id)  # type: ignore[misc]
                if n.topic.startswith(UNREAD_TOPICS)
                else integrity.decoded(self.db, decode, n),
                n.id,
            )
            for n in notifications
        ]

    # ------------------------------------------------------------ running

    def run_forever(self) -> None:
        """Catch up, then follow the log until stopped; errors are logged and retried."""
        listener = self._listener()
        backoff = self.poll_interval
        while not self._stop.is_set():
            try:
                if self.run_once() > 0:
                    backoff = self.poll_interval
                    continue
                self._idle(listener)
            except Exception:
                log.exception("projection_cycle_failed", retry_in=backoff)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 30.0)
                listener = self._listener()

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run_forever, name="dsr-projections", daemon=True)
        thread.start()
        return thread

    def wake(self) -> None:
        """Look at the log now rather than at the next poll (a reader is waiting)."""
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def _listener(self) -> psycopg.Connection[tuple[object, ...]] | None:
        if not isinstance(self.db, PostgresViews):
            return None
        try:
            conn = psycopg.connect(self.db.url, autocommit=True)
            channel = f"{self.log_name.lower()}_events"
            conn.execute(f'LISTEN "{channel}"')
            return conn
        except psycopg.Error:
            log.warning("listen_unavailable_polling_only")
            return None

    def _idle(self, listener: psycopg.Connection[tuple[object, ...]] | None) -> None:
        if listener is None:
            self._wake.wait(self.poll_interval)
            self._wake.clear()
            return
        for _ in listener.notifies(timeout=self.poll_interval, stop_after=1):
            pass

    def rebuild(
        self, name: str, progress: Progress | None = None, checkpoints: Sequence[Any] = ()
    ) -> int:
        """Rebuild one read model and swap it in (rebuilds.py); raises if it is refused."""
        rebuilt = self.rebuild_all([name], progress, checkpoints)
        if rebuilt.refused:
            raise rebuilt.refused[0]
        return rebuilt.positions[name]

    def rebuild_all(
        self,
        names: Sequence[str],
        progress: Progress | None = None,
        checkpoints: Sequence[Any] = (),
        *,
        resume: bool = False,
    ) -> Rebuilt:
        """Several read models rebuilt in one pass over the log (rebuilds.py); `resume`
        carries on from where an interrupted rebuild of the same models stopped."""
        return rebuild_all(self, names, progress, checkpoints, resume=resume)

    @property
    def pool(self) -> ThreadPoolExecutor | None:
        """The threads that apply one batch to several read models at once, if any."""
        return self._pool

    def read_from(self, start: int) -> list[tuple[Event, int]]:
        """A batch of the log from `start`, decoded (the rebuild reads through this)."""
        return self._read(start)

    def content_hash(self, name: str) -> str:
        """A digest of a read model's public tables (not its internal state), for comparison."""
        return content_hash(self.db, self.projection(name))
