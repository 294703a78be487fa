"""One runtime per process: registers, read-model database, projection runner and secrets,
opened and closed together, with every table created in one place.

The API's lifespan, every `dsr` command and the worker and scheduler processes use
`opened()`; nothing else builds storage or creates tables.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler

from dsr_core.process.bootstrap import build_registers, national_secret, system_clock
from dsr_core.process.settings import Settings
from dsr_core.service.clock import Clock, TimeSource
from dsr_core.service.registers import Registers
from dsr_core.storage.event_mac_migration import UnsignedStoreError, first_unsigned
from dsr_projections.bootstrap import ALL, build_runner
from dsr_projections.engine.projection import Projection
from dsr_projections.engine.runner import BATCH_SIZE, ProjectionRunner
from dsr_projections.national import returns as national_returns
from dsr_projections.storage.database import ViewDatabase
from dsr_scheduler import job_runs, snapshots, webhooks
from dsr_scheduler.config import SchedulerSettings
from dsr_scheduler.retention import ErasureLedger, erase_restored
from dsr_scheduler.service import Runtime as JobRuntime
from dsr_scheduler.service import (
    build_scheduler,
    feed_deliveries_from,
    job_store,
    webhook_from,
)

RESTORE_CATCH_UP_SECONDS = 120.0
"""How long a process starting on a restored backup spends catching its read models up
past the erasures it records again before destroying their keys (then left to the job)."""


@dataclass(frozen=True)
class Runtime:
    """What a process runs on: its settings and clock, the write application, the read
    models' runner (and their database), and the national secret."""

    settings: Settings
    clock: Clock
    registers: Registers
    runner: ProjectionRunner
    national_secret: bytes

    @property
    def db(self) -> ViewDatabase:
        return self.runner.db


def projections_named(names: Sequence[str]) -> list[type[Projection]]:
    """The read models with these names, or ValueError naming the ones that exist."""
    known = {p.name: p for p in ALL}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"no read model named {unknown}; the read models are {sorted(known)}")
    return [known[n] for n in dict.fromkeys(names)]


def create_tables(runner: ProjectionRunner) -> None:
    """Every table beside the event store: read models, their positions and failures and
    the access log (`runner.setup`, which build_runner runs), reporting snapshots and the
    webhook cursor. Idempotent; run once before several processes start at once
    (concurrent CREATE TABLE can fail on PostgreSQL's catalogue)."""
    runner.setup()
    snapshots.ensure_table(runner.db)
    webhooks.ensure_table(runner.db)
    job_runs.ensure_table(runner.db)
    national_returns.ensure_tables(runner.db)


def _build_registers(settings: Settings, clock: Clock) -> Registers:
    """The library creates its tables on start; processes starting together can collide
    on PostgreSQL's catalogue, so a failed start is tried again, twice, after a pause."""
    for attempt in range(3):
        try:
            return build_registers(settings, clock=clock)
        except Exception:
            if attempt == 2 or not settings.uses_postgres:
                raise
            time.sleep(0.5 * (attempt + 1))
    raise AssertionError("unreachable")


@contextmanager
def opened(
    settings: Settings | None = None,
    *,
    clock: TimeSource = system_clock,
    batch_size: int = BATCH_SIZE,
    only: Sequence[str] = (),
    unsigned_accepted: bool = False,
) -> Iterator[Runtime]:
    """The process's runtime, closed (connections and pools) however the block ends;
    with `only`, its runner keeps just those read models (a worker per read model).
    A store written before event MACs is refused, but by `dsr audit authenticate`
    (`unsigned_accepted`), which reads it as it is to check and sign it."""
    settings = settings or Settings()
    projections = projections_named(only) if only else ALL
    the_clock = Clock(clock, ZoneInfo(settings.timezone))
    registers = _build_registers(settings, the_clock)
    try:
        if unsigned_accepted:
            registers.authenticator().accept_unsigned = True
        elif first_unsigned(registers):
            raise UnsignedStoreError
        runner = build_runner(settings, registers, projections=projections, batch_size=batch_size)
        try:
            create_tables(runner)
            # a backup restored from before an erasure: the person goes again, both
            # phases, before this process serves anything (issue 30)
            erase_restored(
                registers,
                runner.db,
                ErasureLedger(settings.ledger_dir, registers.audit_key),
                clock=the_clock,
                catch_up=lambda: runner.catch_up(timeout=RESTORE_CATCH_UP_SECONDS),
            )
            yield Runtime(settings, the_clock, registers, runner, national_secret(settings))
        finally:
            runner.db.close()
    finally:
        registers.close()


def scheduler_for(
    runtime: Runtime, options: SchedulerSettings | None = None
) -> BackgroundScheduler:
    """The scheduler's jobs over this runtime (embedded in the API, or `dsr schedule`)."""
    options = options or SchedulerSettings()
    jobs = JobRuntime(
        runtime.registers,
        runtime.clock,
        runtime.db,
        runtime.national_secret,
        webhook_from(options, runtime.db),
        checkpoint_dir=runtime.settings.checkpoint_dir,
        ledger=ErasureLedger(runtime.settings.ledger_dir, runtime.registers.audit_key),
        feed_deliveries=feed_deliveries_from(options, runtime.db),
    )
    return build_scheduler(
        jobs,
        options.reminder_every_minutes,
        job_store(runtime.settings),
        options.checkpoint_every_minutes,
        options.webhook_every_seconds,
    )
